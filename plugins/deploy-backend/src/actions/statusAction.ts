import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotFoundError } from '@backstage/errors';
import {
  deployReadPermission,
  serviceUpdatePermission,
} from '@slipway/plugin-deploy-common';
import { readServiceStatus } from '../service/serviceStatus';
import { hideLiteralEnv } from '../service/hideLiteralEnv';
import { DeployActionsOptions } from './registerDeployActions';
import { serviceField, versionField } from './schemaFields';

const PIPELINE_STATES = [
  'deployed',
  'deploying',
  'waiting',
  'failed',
  'superseded',
  'cancelled',
  'rejected',
  'pending',
] as const;

/**
 * `deploy:status` — live state in every channel (`GET /services/{service}/status`),
 * and with a version, where that release stands (`GET /services/{service}/pipeline`).
 */
export function registerStatusAction(
  registry: ActionsRegistryService,
  { deployService, store, watcher, authorizer }: DeployActionsOptions,
) {
  registry.register({
    name: 'status',
    title: 'Service status in every channel',
    description:
      'Reads a service as it runs now in every release channel, in promotion order: the running and desired version, health ' +
      '(Healthy, Progressing, Degraded, Missing), replicas, pods with their container states, and a message. ' +
      'With a version, also where that release stands in each channel (release.stages): deployed, deploying, waiting (for soak, approval or the deploy window), failed, superseded, cancelled, rejected or pending. ' +
      'CI polls this after deploy:publish-release until the first stage is "deployed" or "failed". Changes nothing. Needs deploy.read on the service.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          service: serviceField(z),
          version: versionField(z)
            .optional()
            .describe(
              'A published release to follow through the channels, e.g. "1.4.0"; one of the 10 most recent',
            ),
        }),
      output: z =>
        z.object({
          service: z
            .object({
              name: z.string(),
              entityRef: z.string(),
              ownerRef: z.string(),
            })
            .passthrough(),
          channels: z.array(
            z
              .object({
                channel: z.string(),
                health: z.string(),
                runningVersion: z.string().optional(),
                desiredVersion: z.string().optional(),
                message: z.string(),
                error: z
                  .string()
                  .optional()
                  .describe("Set when the channel's cluster could not be read"),
              })
              .passthrough(),
          ),
          release: z
            .object({
              release: z
                .object({ version: z.string(), publishedAt: z.string() })
                .passthrough(),
              stages: z.array(
                z
                  .object({
                    channel: z.string(),
                    state: z.enum(PIPELINE_STATES),
                    message: z.string(),
                    deploymentId: z.string().optional(),
                  })
                  .passthrough(),
              ),
            })
            .optional()
            .describe('Where the requested version stands, channel by channel'),
        }),
    },
    examples: [
      {
        title: 'Where 1.4.0 of checkout has got to',
        input: { service: 'checkout', version: '1.4.0' },
      },
    ],
    action: async ({ input, credentials }) => {
      const service = await deployService.service(input.service);
      await authorizer.authorizeService(
        credentials,
        deployReadPermission,
        service,
      );
      const [channels, [mayUpdate], pipeline] = await Promise.all([
        readServiceStatus({ deployService, store, watcher }, service),
        authorizer.allowsService(credentials, serviceUpdatePermission, [
          service,
        ]),
        input.version ? deployService.pipeline(service.name) : undefined,
      ]);
      const release =
        input.version &&
        pipeline?.releases.find(r => r.release.version === input.version);
      if (input.version && !release) {
        throw new NotFoundError(
          `${input.version} is not among the recent releases of ${service.name}; publish it with deploy:publish-release, or leave out the version`,
        );
      }
      // Literal env values only for those who may update the service, as the route shows it.
      const visible = mayUpdate ? service : hideLiteralEnv(service);
      return {
        output: {
          service: { ...visible },
          channels: channels.map(c => ({ ...c })),
          ...(release && {
            release: {
              release: { ...release.release },
              stages: release.stages.map(s => ({ ...s })),
            },
          }),
        },
      };
    },
  });
}
