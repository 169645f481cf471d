import {
  AuditorService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import express from 'express';
import {
  CreateDeploymentRequest,
  Deployment,
  deployCreatePermission,
  deployOverridePermission,
} from '@slipway/plugin-deploy-common';
import { auditedAction } from '../actions/auditedAction';
import { DeployAuthorizer } from '../permissions/DeployAuthorizer';
import { callerOf } from './callerOf';
import { DeployService } from './DeployService';

/**
 * A deployment or promotion, for `POST /deployments` and the deploy and
 * promote actions: deploy.create on the service in the channel, an override
 * only with the override permission, audited as "deployment-create".
 */
export async function requestDeployment(
  {
    deployService,
    authorizer,
    auditor,
  }: {
    deployService: DeployService;
    authorizer: DeployAuthorizer;
    auditor: AuditorService;
  },
  credentials: BackstageCredentials,
  request: CreateDeploymentRequest,
  /** The HTTP request, when a route asks. */
  httpRequest?: express.Request,
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
    httpRequest,
  );
}
