import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { deployReadPermission } from '@slipway/plugin-deploy-common';
import { readableServices } from '../permissions/DeployAuthorizer';
import { DeployActionsOptions } from './registerDeployActions';
import {
  channelField,
  deploymentOutput,
  deploymentStatusField,
  serviceField,
} from './schemaFields';

/** `deploy:history` — deployments, newest first (`GET /deployments`). */
export function registerHistoryAction(
  registry: ActionsRegistryService,
  { store, authorizer }: DeployActionsOptions,
) {
  registry.register({
    name: 'history',
    title: 'Deployment history',
    description:
      'Lists deployments, newest first: service, channel, version, previous version, status, who requested and approved it (or which channel rule started it), timings and the migration and rollout results. ' +
      'Filter by service, channel and status, e.g. status "awaiting_approval" to find what waits for an approval, or "failed" to find what broke. ' +
      'Pages with limit and the nextCursor of the previous answer. Only services the caller may read are listed. Changes nothing.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          service: serviceField(z).optional(),
          channel: channelField(z).optional(),
          status: deploymentStatusField(z)
            .optional()
            .describe('Only deployments in this status'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(200)
            .optional()
            .describe('Page size, 1–200; 20 when left out'),
          cursor: z
            .string()
            .max(200)
            .optional()
            .describe("The previous answer's nextCursor, for the next page"),
        }),
      output: z =>
        z.object({
          items: z.array(deploymentOutput(z)),
          nextCursor: z
            .string()
            .optional()
            .describe('Pass as cursor for the next page; absent on the last'),
        }),
    },
    examples: [
      {
        title: 'The last five deployments of checkout to prod',
        input: { service: 'checkout', channel: 'prod', limit: 5 },
      },
    ],
    action: async ({ input, credentials }) => {
      const filter = await authorizer.serviceFilter(
        credentials,
        deployReadPermission,
      );
      const page = await store.listDeployments(
        {
          service: input.service,
          channel: input.channel,
          status: input.status,
          limit: input.limit ?? 20,
          cursor: input.cursor,
        },
        { readable: readableServices(filter) },
      );
      return {
        output: {
          items: page.items.map(d => ({ ...d })),
          ...(page.nextCursor && { nextCursor: page.nextCursor }),
        },
      };
    },
  });
}
