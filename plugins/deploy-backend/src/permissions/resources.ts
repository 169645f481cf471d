import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import {
  DEPLOY_SERVICE_RESOURCE_TYPE,
  DEPLOY_TARGET_RESOURCE_TYPE,
} from '@slipway/plugin-deploy-common';

/**
 * One service: what read and update permissions are decided on. For a
 * service being registered it is the service as it would be, with the owner
 * taken from its catalog entity.
 *
 * @public
 */
export interface DeployServiceResource {
  name: string;
  /** The catalog entity, e.g. "component:default/checkout". */
  entityRef: string;
  /** The owning group, e.g. "group:default/team-payments". */
  ownerRef: string;
}

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
 * A condition in query form: the deploy backend turns it into a filter on
 * its own tables (history and metrics are listed through it).
 *
 * @public
 */
export type DeployTargetQuery = {
  key: 'ownerRef' | 'channel' | 'service';
  values: string[];
};

/** @public */
export type DeployServiceQuery = {
  key: 'ownerRef' | 'service';
  values: string[];
};

/** @public */
export const deployServiceResourceRef = createPermissionResourceRef<
  DeployServiceResource,
  DeployServiceQuery
>().with({ pluginId: 'deploy', resourceType: DEPLOY_SERVICE_RESOURCE_TYPE });

/** @public */
export const deployTargetResourceRef = createPermissionResourceRef<
  DeployTarget,
  DeployTargetQuery
>().with({ pluginId: 'deploy', resourceType: DEPLOY_TARGET_RESOURCE_TYPE });

/**
 * Splits "service/channel" into its parts, or undefined when it is not one.
 *
 * @public
 */
export function parseDeployTargetRef(
  ref: string,
): { service: string; channel: string } | undefined {
  const match = /^([a-z0-9-]{1,63})\/([a-z0-9-]{1,63})$/.exec(ref);
  return match ? { service: match[1], channel: match[2] } : undefined;
}
