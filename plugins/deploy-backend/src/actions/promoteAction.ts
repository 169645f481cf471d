import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { DeployActionsOptions } from './registerDeployActions';
import { requestDeployment } from '../service/requestDeployment';
import {
  channelField,
  deploymentOutput,
  overrideReasonField,
  serviceField,
} from './schemaFields';

/** `deploy:promote` — the previous channel's version into a channel (`POST /deployments` without a version). */
export function registerPromoteAction(
  registry: ActionsRegistryService,
  options: DeployActionsOptions,
) {
  registry.register({
    name: 'promote',
    title: 'Promote to the next channel',
    description:
      'Promotes a service into a release channel with the version that last succeeded (and finished its soak time) in the channel before it, e.g. staging to prod. ' +
      'It replaces what the channel runs. Channels that need an approval answer with status "awaiting_approval"; someone other than the requester may then have to approve it (deploy:approve). ' +
      'Refused (409) when nothing has succeeded in the previous channel yet, or a deployment is already in progress there. Needs deploy.create on the service in that channel (its owners).',
    attributes: { destructive: true, idempotent: false, readOnly: false },
    schema: {
      input: z =>
        z.object({
          service: serviceField(z),
          channel: channelField(z).describe(
            'The channel to promote into, e.g. "prod"; not the first channel',
          ),
          overrideReason: overrideReasonField(z).optional(),
        }),
      output: z => z.object({ deployment: deploymentOutput(z) }),
    },
    examples: [
      {
        title: "Promote checkout to prod with staging's version",
        input: { service: 'checkout', channel: 'prod' },
      },
    ],
    action: async ({ input, credentials }) => {
      const deployment = await requestDeployment(options, credentials, input);
      return { output: { deployment: { ...deployment } } };
    },
  });
}
