import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { DeployActionsOptions } from './registerDeployActions';
import { requestDeployment } from '../service/requestDeployment';
import {
  channelField,
  deploymentOutput,
  overrideReasonField,
  serviceField,
  versionField,
} from './schemaFields';

/** `deploy:deploy` — a version into a channel (`POST /deployments` with a version). */
export function registerDeployAction(
  registry: ActionsRegistryService,
  options: DeployActionsOptions,
) {
  registry.register({
    name: 'deploy',
    title: 'Deploy a version to a channel',
    description:
      'Starts deploying a version of a service into one release channel: migrations run first, then the rollout, which is watched and rolled back on failure by the channel policy. ' +
      'It replaces what the channel runs. The answer comes at once with the deployment (status "requested", or "awaiting_approval" where the channel needs an approval); follow it with deploy:status or deploy:history. ' +
      'Outside the first channel a version must have succeeded in the previous channel first (use deploy:promote to move one along). ' +
      'Only one deployment runs per service and channel: another one in progress is a 409. Needs deploy.create on the service in that channel (its owners).',
    attributes: { destructive: true, idempotent: false, readOnly: false },
    schema: {
      input: z =>
        z.object({
          service: serviceField(z),
          channel: channelField(z),
          version: versionField(z),
          overrideReason: overrideReasonField(z).optional(),
        }),
      output: z => z.object({ deployment: deploymentOutput(z) }),
    },
    examples: [
      {
        title: 'Deploy 1.4.0 of checkout to dev',
        input: { service: 'checkout', channel: 'dev', version: '1.4.0' },
      },
    ],
    action: async ({ input, credentials }) => {
      const deployment = await requestDeployment(options, credentials, input);
      return { output: { deployment: { ...deployment } } };
    },
  });
}
