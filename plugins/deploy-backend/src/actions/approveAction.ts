import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { deployApprovePermission } from '@slipway/plugin-deploy-common';
import { auditedAction } from './auditedAction';
import { callerOf } from '../service/callerOf';
import { DeployActionsOptions } from './registerDeployActions';
import { deploymentOutput } from './schemaFields';

/** `deploy:approve` — let a deployment awaiting approval go (`POST /deployments/{id}/approve`). */
export function registerApproveAction(
  registry: ActionsRegistryService,
  { deployService, authorizer, auditor }: DeployActionsOptions,
) {
  registry.register({
    name: 'approve',
    title: 'Approve a deployment',
    description:
      'Approves a deployment that is awaiting approval (status "awaiting_approval"), so it starts: typically a promotion into production. ' +
      'The approver is recorded; channels may require the approver to be someone other than the requester (then it is refused with 403). ' +
      'Approving one that is not awaiting approval is a 409. Find the deployment id with deploy:history (status "awaiting_approval") or deploy:status. ' +
      'Needs deploy.approve on the service in that channel (its owners). Act only when a person asked you to approve.',
    attributes: { destructive: true, idempotent: false, readOnly: false },
    schema: {
      input: z =>
        z.object({
          deploymentId: z
            .string()
            .uuid('must be a deployment id (a UUID)')
            .describe('The id of the deployment awaiting approval'),
        }),
      output: z => z.object({ deployment: deploymentOutput(z) }),
    },
    examples: [
      {
        title: 'Approve a promotion to prod',
        input: { deploymentId: '0b6f4c1e-8c2a-4f5e-9a57-2d9c1e3f4a5b' },
      },
    ],
    action: async ({ input, credentials }) => {
      const id = input.deploymentId;
      const deployment = await auditedAction(
        auditor,
        credentials,
        'deployment-approve',
        { id, permission: deployApprovePermission.name },
        async () => {
          const target = await deployService.deployment(id);
          const service = await deployService.service(target.service);
          await authorizer.authorizeTarget(
            credentials,
            deployApprovePermission,
            {
              service: service.name,
              channel: target.channel,
              ownerRef: service.ownerRef,
            },
          );
          return deployService.approve(id, callerOf(credentials).userEntityRef);
        },
      );
      return { output: { deployment: { ...deployment } } };
    },
  });
}
