import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource that service-wide permissions (read, update) are checked
 * against: one service. Its ref is the service name, e.g. "checkout".
 *
 * @public
 */
export const DEPLOY_SERVICE_RESOURCE_TYPE = 'deploy-service';

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
 * Read a service: its spec, live status, pods and logs, its deployments with
 * their events and evidence, and its share of team metrics. Lists are
 * filtered by it.
 *
 * @public
 */
export const deployReadPermission = createPermission({
  name: 'deploy.read',
  attributes: { action: 'read' },
  resourceType: DEPLOY_SERVICE_RESOURCE_TYPE,
});

/**
 * Register a service with Slipway, or change a registered one (its spec).
 * Decided on the service as the catalog has it: its owner comes from the
 * catalog entity, never from the request.
 *
 * @public
 */
export const serviceUpdatePermission = createPermission({
  name: 'deploy.service.update',
  attributes: { action: 'update' },
  resourceType: DEPLOY_SERVICE_RESOURCE_TYPE,
});

/**
 * Publish a release of a service (what CI does for every image it builds).
 * Channels that take new releases on their own deploy it, so a policy grants
 * it to those who may deploy the service.
 *
 * @public
 */
export const releasePublishPermission = createPermission({
  name: 'deploy.release.publish',
  attributes: { action: 'create' },
  resourceType: DEPLOY_SERVICE_RESOURCE_TYPE,
});

/**
 * Start a deployment or a promotion of a service into a channel, or create
 * the service's objects there (provisioning).
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
 * Roll a channel back to an earlier version, or cancel a deployment: the
 * way out of an incident, which a policy may grant without `deploy.create`.
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
 * Every permission Slipway defines, for registering with the permissions registry.
 *
 * @public
 */
export const deployPermissions = [
  deployReadPermission,
  serviceUpdatePermission,
  releasePublishPermission,
  deployCreatePermission,
  deployApprovePermission,
  deployRollbackPermission,
  deployOverridePermission,
];
