import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read a service's deployments, live state and logs.
 *
 * @public
 */
export const deployReadPermission = createPermission({
  name: 'deploy.read',
  attributes: { action: 'read' },
});

/**
 * Start a deployment or a promotion.
 *
 * @public
 */
export const deployCreatePermission = createPermission({
  name: 'deploy.create',
  attributes: { action: 'create' },
});

/**
 * Approve a deployment that waits for approval.
 *
 * @public
 */
export const deployApprovePermission = createPermission({
  name: 'deploy.approve',
  attributes: { action: 'update' },
});

/**
 * Roll a channel back to an earlier version, or cancel a deployment.
 *
 * @public
 */
export const deployRollbackPermission = createPermission({
  name: 'deploy.rollback',
  attributes: { action: 'update' },
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
];
