import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
  isPermission,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  createDeployServiceConditionalDecision,
  createDeployTargetConditionalDecision,
  deployServiceConditions,
  deployTargetConditions,
} from '@slipway/plugin-deploy-backend';
import {
  DEPLOY_SERVICE_RESOURCE_TYPE,
  DEPLOY_TARGET_RESOURCE_TYPE,
  deployOverridePermission,
  deployReadPermission,
} from '@slipway/plugin-deploy-common';

/** Members of these groups may skip the promotion order, with a recorded reason. */
const OVERRIDE_GROUPS = ['group:default/team-platform'];

/**
 * The portal's permission policy.
 *
 * - Reading a service (spec, status, logs, history, metrics): every
 *   signed-in user, as most portals keep it. To keep one team's crash logs
 *   from another, return `deployServiceConditions.isServiceOwner({ claims })`
 *   for `deploy.read` too (see the deploy backend's README, "Security model").
 * - Registering or changing a service: the owners of its catalog entity, and
 *   for a registered service its current owners.
 * - Publishing a release of a service (`deploy.release.publish`, what CI
 *   does; channels with autoDeploy then deploy it): its owners, as for
 *   deploying. CI's external access token holds it only when its access
 *   restrictions name it (see the deploy backend's README).
 * - Deploying, provisioning, approving, cancelling and rolling back: the
 *   service's owners (members of the owning team), in every channel.
 *   Production is guarded by the channel's own policy in app-config: it needs
 *   an approval, and the approver must be someone other than the requester.
 * - Skipping the promotion order: the platform team only.
 * - Everything else (the catalog, the scaffolder): every signed-in user.
 */
export class SlipwayPermissionPolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const claims = user?.info.ownershipEntityRefs ?? [];
    const { permission } = request;

    if (isResourcePermission(permission, DEPLOY_SERVICE_RESOURCE_TYPE)) {
      if (isPermission(permission, deployReadPermission)) {
        return { result: AuthorizeResult.ALLOW };
      }
      return createDeployServiceConditionalDecision(
        permission,
        deployServiceConditions.isServiceOwner({ claims }),
      );
    }
    if (isResourcePermission(permission, DEPLOY_TARGET_RESOURCE_TYPE)) {
      return createDeployTargetConditionalDecision(
        permission,
        deployTargetConditions.isServiceOwner({ claims }),
      );
    }
    if (isPermission(permission, deployOverridePermission)) {
      return {
        result: claims.some(ref => OVERRIDE_GROUPS.includes(ref))
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'slipway-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new SlipwayPermissionPolicy());
      },
    });
  },
});
