import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import { DEPLOY_TARGET_RESOURCE_TYPE } from '@slipway/plugin-deploy-common';

/**
 * One service in one release channel: what deploy, approve and rollback
 * permissions are decided on.
 *
 * @public
 */
export interface DeployTarget {
  service: string;
  channel: string;
  /** The owning group of the service, e.g. "group:default/team-payments". */
  ownerRef: string;
}

/**
 * Deploy targets are never listed through a permission filter, so the query
 * form of a condition is a plain description of it.
 *
 * @public
 */
export type DeployTargetQuery = {
  key: 'ownerRef' | 'channel';
  values: string[];
};

/** @public */
export const deployTargetResourceRef = createPermissionResourceRef<
  DeployTarget,
  DeployTargetQuery
>().with({ pluginId: 'deploy', resourceType: DEPLOY_TARGET_RESOURCE_TYPE });

/** Splits "service/channel" into its parts, or undefined when it is not one. */
export function parseDeployTargetRef(
  ref: string,
): { service: string; channel: string } | undefined {
  const match = /^([a-z0-9-]{1,63})\/([a-z0-9-]{1,63})$/.exec(ref);
  return match ? { service: match[1], channel: match[2] } : undefined;
}
