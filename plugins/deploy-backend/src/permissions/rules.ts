import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import { deployTargetResourceRef } from './deployTargetResource';

/**
 * Matches when the service is owned by one of the given entity refs; pass the
 * user's ownership claims (their user ref and their groups).
 */
export const isServiceOwner = createPermissionRule({
  name: 'IS_SERVICE_OWNER',
  description: 'Allow when the service is owned by one of the given claims',
  resourceRef: deployTargetResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs the user owns through, e.g. their groups'),
  }),
  apply: (target, { claims }) => claims.includes(target.ownerRef),
  toQuery: ({ claims }) => ({ key: 'ownerRef', values: claims }),
});

/** Matches when the deployment targets one of the given release channels. */
export const isInChannel = createPermissionRule({
  name: 'IS_IN_CHANNEL',
  description:
    'Allow when the deployment targets one of the given release channels',
  resourceRef: deployTargetResourceRef,
  paramsSchema: z.object({
    channels: z
      .array(z.string())
      .describe('Release channel names, e.g. ["dev", "staging"]'),
  }),
  apply: (target, { channels }) => channels.includes(target.channel),
  toQuery: ({ channels }) => ({ key: 'channel', values: channels }),
});

export const deployTargetRules = { isServiceOwner, isInChannel };
