import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CreateDeploymentRequest,
  Deployment,
  deployCreatePermission,
  deployOverridePermission,
} from '@slipway/plugin-deploy-common';
import { auditedAction } from './auditedAction';
import { callerOf } from '../service/callerOf';
import { DeployActionsOptions } from './registerDeployActions';

/**
 * A deployment or promotion, as `POST /deployments` makes it: deploy.create
 * on the service in the channel, an override only with the override
 * permission, audited as "deployment-create".
 */
export async function requestDeployment(
  { deployService, authorizer, auditor }: DeployActionsOptions,
  credentials: BackstageCredentials,
  request: CreateDeploymentRequest,
): Promise<Deployment> {
  return auditedAction(
    auditor,
    credentials,
    'deployment-create',
    {
      service: request.service,
      channel: request.channel,
      version: request.version,
      overrideReason: request.overrideReason,
      permission: deployCreatePermission.name,
    },
    async () => {
      const service = await deployService.service(request.service);
      deployService.channel(request.channel);
      await authorizer.authorizeTarget(credentials, deployCreatePermission, {
        service: service.name,
        channel: request.channel,
        ownerRef: service.ownerRef,
      });
      const override =
        request.overrideReason !== undefined &&
        (await authorizer.allows(credentials, deployOverridePermission));
      return deployService.createDeployment(
        request,
        callerOf(credentials, override),
      );
    },
  );
}
