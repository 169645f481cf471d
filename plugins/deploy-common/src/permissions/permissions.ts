import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource deploy permissions are checked against: one service in one
 * release channel. Its ref is "service/channel", e.g. "checkout/prod".
 *
 * @public
 */
export const DEPLOY_TARGET_RESOURCE_TYPE = 'deploy-target';

/**
 * The ref of a deploy target, as passed to the permission framework.
 *
 * @public
 */
export function deployTargetRef(service: string, channel: string): string {
  return `${service}/${channel}`;
}

/**
 * Read services, deployments, live state and logs.
 *
 * @public
 */
export const deployReadPermission = createPermission({
  name: 'deploy.read',
  attributes: { action: 'read' },
});

/**
 * Start a deployment or a promotion of a service into a channel.
 *
 * @public
 */
export const deployCreatePermission = createPermission({
  name: 'deploy.create',
  attributes: { action: 'create' },
  resourceType: DEPLOY_TARGET_RESOURCE_TYPE,
});

/**
 * Approve a deployment that waits for approval.
 *
 * @public
 */
export const deployApprovePermission = createPermission({
  name: 'deploy.approve',
  attributes: { action: 'update' },
  resourceType: DEPLOY_TARGET_RESOURCE_TYPE,
});

/**
 * Roll a channel back to an earlier version, or cancel a deployment.
 *
 * @public
 */
export const deployRollbackPermission = createPermission({
  name: 'deploy.rollback',
  attributes: { action: 'update' },
  resourceType: DEPLOY_TARGET_RESOURCE_TYPE,
});

/**
 * Deploy a version to a channel before it succeeded in the previous one,
 * with a recorded reason.
 *
 * @public
 */
export const deployOverridePermission = createPermission({
  name: 'deploy.override',
  attributes: { action: 'update' },
});

/**
 * Register a service with Slipway (the scaffolder does, for the user).
 *
 * @public
 */
export const serviceRegisterPermission = createPermission({
  name: 'deploy.service.register',
  attributes: { action: 'create' },
});

/**
 * Every permission Slipway defines, for registering with the permissions registry.
 *
 * @public
 */
export const deployPermissions = [
  deployReadPermission,
  deployCreatePermission,
  deployApprovePermission,
  deployRollbackPermission,
  deployOverridePermission,
  serviceRegisterPermission,
];
