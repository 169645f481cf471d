import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import { deployServiceResourceRef, deployTargetResourceRef } from './resources';

const claimsSchema = z.object({
  claims: z
    .array(z.string())
    .describe(
      "Entity refs the user owns through: pass the user's ownershipEntityRefs",
    ),
});

const servicesSchema = z.object({
  services: z.array(z.string()).describe('Service names, e.g. ["checkout"]'),
});

/**
 * Matches when the service is owned by one of the given claims (the owner
 * comes from the catalog entity, never from a request).
 */
export const isServiceOwner = createPermissionRule({
  name: 'IS_SERVICE_OWNER',
  description: 'Allow when the service is owned by one of the given claims',
  resourceRef: deployServiceResourceRef,
  paramsSchema: claimsSchema,
  apply: (service, { claims }) => claims.includes(service.ownerRef),
  toQuery: ({ claims }) => ({ key: 'ownerRef', values: claims }),
});

/** Matches the named services. */
export const isService = createPermissionRule({
  name: 'IS_SERVICE',
  description: 'Allow for the named services',
  resourceRef: deployServiceResourceRef,
  paramsSchema: servicesSchema,
  apply: (service, { services }) => services.includes(service.name),
  toQuery: ({ services }) => ({ key: 'service', values: services }),
});

/** Matches when the target's service is owned by one of the given claims. */
export const isTargetServiceOwner = createPermissionRule({
  name: 'IS_SERVICE_OWNER',
  description: 'Allow when the service is owned by one of the given claims',
  resourceRef: deployTargetResourceRef,
  paramsSchema: claimsSchema,
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

/** Matches the named services, in any channel. */
export const isTargetService = createPermissionRule({
  name: 'IS_SERVICE',
  description: 'Allow for the named services',
  resourceRef: deployTargetResourceRef,
  paramsSchema: servicesSchema,
  apply: (target, { services }) => services.includes(target.service),
  toQuery: ({ services }) => ({ key: 'service', values: services }),
});

/**
 * The rules of each resource type, as the permissions registry takes them.
 *
 * @public
 */
export const deployServiceRules = { isServiceOwner, isService };
/**
 * The rules of deploy targets, as the permissions registry takes them.
 *
 * @public
 */
export const deployTargetRules = {
  isServiceOwner: isTargetServiceOwner,
  isInChannel,
  isService: isTargetService,
};
