import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ProvisionedChannel,
  RegisterServiceRequest,
  describeInvalidDnsLabel,
} from '@slipway/plugin-deploy-common';
import { DeployBackendClient } from '../client/DeployBackendClient';
import { examples } from './createService.examples';

/**
 * What the create action needs around it; the module passes the real ones.
 *
 * @public
 */
export interface CreateServiceActionOptions {
  catalog: CatalogService;
  /** A deploy backend client acting for the given user. */
  deployBackendFor: (credentials: BackstageCredentials) => DeployBackendClient;
}

const DEFAULT_MIGRATION_TIMEOUT_SECONDS = 600;
const DEFAULT_ENTITY_WAIT_SECONDS = 60;
const ENTITY_POLL_MS = 250;

/**
 * `deploy:service:create`: registers a new service with Slipway and creates
 * its ServiceAccount and Service in every release channel. Each side effect is
 * a checkpoint and every apply is server-side, so running the template again
 * after a failure finishes the job without creating anything twice.
 *
 * @public
 */
export function createCreateServiceAction(options: CreateServiceActionOptions) {
  const { catalog, deployBackendFor } = options;
  return createTemplateAction({
    id: 'deploy:service:create',
    description:
      'Registers a new service with Slipway and creates it (ServiceAccount and Service) in every release channel; a dry run shows what it would create.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z.string().describe('The service name, a DNS label, e.g. "checkout"'),
        entityRef: z =>
          z
            .string()
            .optional()
            .describe(
              "The catalog entity of the service, default component:default/<name>. It must be in the catalog (publish it first): the service's owner is the entity's owner",
            ),
        waitForEntitySeconds: z =>
          z
            .number()
            .int()
            .min(0)
            .max(600)
            .optional()
            .describe(
              `How long to wait for the entity to appear in the catalog after it was published; default ${DEFAULT_ENTITY_WAIT_SECONDS}`,
            ),
        image: z =>
          z
            .string()
            .describe(
              'Image repository without a tag, e.g. "registry.example.com/checkout"',
            ),
        port: z => z.number().int().describe('The port the service listens on'),
        channels: z =>
          z
            .record(
              z.string(),
              z.object({
                replicas: z.number().int().min(0),
                env: z
                  .record(
                    z.string(),
                    z.union([
                      z.string(),
                      z.object({
                        secretKeyRef: z.object({
                          name: z.string(),
                          key: z.string(),
                        }),
                      }),
                      z.object({
                        configMapKeyRef: z.object({
                          name: z.string(),
                          key: z.string(),
                        }),
                      }),
                    ]),
                  )
                  .optional()
                  .describe(
                    'Environment variables: a literal, or { secretKeyRef: { name, key } } / { configMapKeyRef: { name, key } } for a value Kubernetes reads from the namespace (Slipway never sees it)',
                  ),
              }),
            )
            .optional()
            .describe(
              'Replicas and environment per channel name; channels not listed get one replica and no environment',
            ),
        migration: z =>
          z
            .object({
              command: z
                .union([z.string(), z.array(z.string())])
                .optional()
                .describe(
                  'The migration command: a list of arguments, or a shell command line (run with sh -c). Blank means no migration, so a template can pass an optional form field straight through',
                ),
              timeoutSeconds: z
                .number()
                .int()
                .optional()
                .describe(
                  `How long the migration may run; default ${DEFAULT_MIGRATION_TIMEOUT_SECONDS}`,
                ),
              retries: z
                .number()
                .int()
                .optional()
                .describe('How often a failed migration is retried; default 0'),
            })
            .optional()
            .describe(
              'A migration run as a Kubernetes Job with the new image before every rollout',
            ),
      },
      output: {
        name: z => z.string().describe('The service name'),
        entityRef: z =>
          z.string().describe('The catalog entity of the service'),
        channels: z =>
          z
            .array(
              z.object({
                channel: z.string(),
                namespace: z.string(),
                objects: z.array(
                  z.object({ kind: z.string(), name: z.string() }),
                ),
              }),
            )
            .describe(
              'Per channel, in promotion order: its namespace and the objects created there (in a dry run, those that would be)',
            ),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const problem = describeInvalidDnsLabel(input.name);
      if (problem) {
        throw new InputError(`Service name "${input.name}" ${problem}.`);
      }
      const credentials = await ctx.getInitiatorCredentials();
      const deployBackend = deployBackendFor(credentials);

      const entityRef = stringifyEntityRef(
        parseEntityRef(input.entityRef ?? input.name, {
          defaultKind: 'component',
        }),
      );
      const existing = await deployBackend.findService(input.name);
      if (existing && existing.entityRef !== entityRef) {
        throw new InputError(
          `The service name "${input.name}" is already used by ${existing.entityRef}; choose another name`,
        );
      }

      const migrationCommand = commandOf(input.migration?.command);
      const request: RegisterServiceRequest = {
        name: input.name,
        entityRef,
        spec: {
          image: input.image,
          port: input.port,
          channels: Object.fromEntries(
            Object.entries(input.channels ?? {}).map(([channel, settings]) => [
              channel,
              { replicas: settings.replicas, env: settings.env ?? {} },
            ]),
          ),
          ...(migrationCommand && {
            migration: {
              command: migrationCommand,
              timeoutSeconds:
                input.migration?.timeoutSeconds ??
                DEFAULT_MIGRATION_TIMEOUT_SECONDS,
              retries: input.migration?.retries ?? 0,
            },
          }),
        },
      };

      ctx.output('name', input.name);
      ctx.output('entityRef', entityRef);

      if (ctx.isDryRun) {
        const rendered = await deployBackend.renderService(request);
        ctx.logger.info(
          `Dry run: would register ${
            input.name
          } and create its objects in ${rendered
            .map(r => r.channel)
            .join(', ')}`,
        );
        ctx.output(
          'channels',
          rendered.map(({ channel, namespace, objects }) => ({
            channel,
            namespace,
            objects: objects.map(o => ({
              kind: o.kind,
              name: o.metadata.name,
            })),
          })),
        );
        return;
      }

      // The owner comes from the catalog entity, so it must be there first.
      await waitForEntity(
        catalog,
        entityRef,
        credentials,
        (input.waitForEntitySeconds ?? DEFAULT_ENTITY_WAIT_SECONDS) * 1000,
      );
      await ctx.checkpoint({
        key: `register-${input.name}`,
        fn: async () => {
          await deployBackend.registerService(request);
        },
      });
      ctx.logger.info(`Registered ${input.name} (${entityRef}) with Slipway`);

      const channels = await deployBackend.listChannels();
      const provisioned: ProvisionedChannel[] = [];
      for (const channel of channels) {
        try {
          provisioned.push(
            await ctx.checkpoint({
              key: `provision-${input.name}-${channel.name}`,
              fn: async () =>
                plain(
                  await deployBackend.provisionChannel(
                    input.name,
                    channel.name,
                  ),
                ),
            }),
          );
        } catch (error) {
          const done = provisioned.map(p => p.channel);
          throw new Error(
            `Could not create ${input.name} in channel ${channel.name}: ${
              (error as Error).message
            }. ${
              done.length
                ? `Already created in: ${done.join(', ')}.`
                : 'No channel was created yet.'
            } Fix the cause and run the template again: it finishes the job without creating anything twice.`,
          );
        }
        const last = provisioned[provisioned.length - 1];
        ctx.logger.info(
          `Created ${last.objects
            .map(o => `${o.kind} ${o.name}`)
            .join(', ')} in ${last.channel} (namespace ${last.namespace})`,
        );
      }
      ctx.output('channels', provisioned);
    },
  });
}

/**
 * Waits until the catalog has processed a newly published entity; a catalog
 * reads new locations within seconds.
 */
async function waitForEntity(
  catalog: CatalogService,
  entityRef: string,
  credentials: BackstageCredentials,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await catalog.getEntityByRef(entityRef, { credentials })) {
      return;
    }
    if (Date.now() >= deadline) {
      throw new InputError(
        `${entityRef} is not in the catalog after ${Math.round(
          timeoutMs / 1000,
        )}s (or you may not see it). Publish the entity before this step: Slipway takes the service's owner from it`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, ENTITY_POLL_MS));
  }
}

/** A migration command as the Job runs it; undefined when blank. */
function commandOf(command: string | string[] | undefined) {
  if (typeof command === 'string') {
    return command.trim() ? ['sh', '-c', command] : undefined;
  }
  return command?.length ? command : undefined;
}

/**
 * What provisioning applied, as the JSON value a checkpoint stores (the
 * generated model is an interface, which TypeScript does not take for one).
 */
function plain({
  channel,
  namespace,
  objects,
}: ProvisionedChannel): ProvisionedChannel & JsonObject {
  return {
    channel,
    namespace,
    objects: objects.map(({ kind, name }) => ({ kind, name })),
  };
}
