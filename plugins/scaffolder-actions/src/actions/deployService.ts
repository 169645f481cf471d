import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  Deployment,
  isFinalDeploymentStatus,
} from '@slipway/plugin-deploy-common';
import { DeployBackendClient } from '../client/DeployBackendClient';
import { examples } from './deployService.examples';

/**
 * What the deploy action needs around it; the module passes the real ones.
 *
 * @public
 */
export interface DeployServiceActionOptions {
  /** A deploy backend client acting for the given user. */
  deployBackendFor: (credentials: BackstageCredentials) => DeployBackendClient;
  /** How often to ask for the outcome while waiting; default 2 s. */
  pollIntervalMs?: number;
}

const DEFAULT_TIMEOUT_SECONDS = 600;

/**
 * `deploy:service:deploy`: deploys a version of a registered service to the
 * first release channel (or a given one) and, unless told not to, waits for
 * the outcome; the step fails when the deployment does.
 *
 * @public
 */
export function createDeployServiceAction(options: DeployServiceActionOptions) {
  const { deployBackendFor, pollIntervalMs = 2000 } = options;
  return createTemplateAction({
    id: 'deploy:service:deploy',
    description:
      'Deploys a version of a service to a release channel (the first by default) and waits for the outcome.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        service: z => z.string().describe('The Slipway service name'),
        version: z =>
          z.string().describe('The image tag or sha256: digest to deploy'),
        channel: z =>
          z
            .string()
            .optional()
            .describe('The release channel; default the first one'),
        wait: z =>
          z
            .boolean()
            .optional()
            .describe('Wait until the deployment ends; default true'),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .min(1)
            .optional()
            .describe(
              `How long to wait for the outcome; default ${DEFAULT_TIMEOUT_SECONDS}`,
            ),
      },
      output: {
        deploymentId: z =>
          z
            .string()
            .optional()
            .describe(
              'The deployment, for its Deploy tab (absent in a dry run)',
            ),
        channel: z => z.string().describe('The channel deployed to'),
        status: z =>
          z
            .string()
            .describe(
              'The deployment status: "succeeded" after waiting, the status it had when the step ended otherwise, "dry-run" in a dry run',
            ),
      },
    },
    async handler(ctx) {
      const { service, version, wait = true } = ctx.input;
      const timeoutSeconds =
        ctx.input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      const deployBackend = deployBackendFor(
        await ctx.getInitiatorCredentials(),
      );
      const channel =
        ctx.input.channel ?? (await deployBackend.listChannels())[0]?.name;
      if (!channel) {
        throw new Error('Slipway has no release channels configured');
      }
      ctx.output('channel', channel);

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would deploy ${service} ${version} to ${channel}`,
        );
        ctx.output('status', 'dry-run');
        return;
      }

      const created = await ctx.checkpoint({
        key: `deploy-${service}-${channel}-${version}`,
        fn: async () => {
          const deployment = await deployBackend.createDeployment({
            service,
            channel,
            version,
          });
          return { id: deployment.id, status: deployment.status };
        },
      });
      ctx.output('deploymentId', created.id);
      ctx.logger.info(
        `Deployment ${created.id} of ${service} ${version} to ${channel} is ${created.status}`,
      );
      if (!wait) {
        ctx.output('status', created.status);
        return;
      }

      const deployment = await waitForOutcome(
        () => deployBackend.getDeployment(created.id).then(d => d.deployment),
        {
          timeoutMs: timeoutSeconds * 1000,
          pollIntervalMs,
          signal: ctx.signal,
        },
      );
      ctx.output('status', deployment.status);
      if (!isFinalDeploymentStatus(deployment.status)) {
        throw new Error(
          `Deployment ${deployment.id} of ${service} ${version} to ${channel} is still ${deployment.status} after ${timeoutSeconds} s; follow it on the service's Deploy tab`,
        );
      }
      if (deployment.status !== 'succeeded') {
        const { migration, rollout } = deployment.result ?? {};
        const reason =
          migration?.state === 'failed' ? migration.message : rollout?.message;
        throw new Error(
          `Deployment ${
            deployment.id
          } of ${service} ${version} to ${channel} ended ${deployment.status}${
            reason ? `: ${reason}` : ''
          }; the service's Deploy tab has the events and logs`,
        );
      }
      ctx.logger.info(`${service} ${version} is live in ${channel}`);
    },
  });
}

/** Polls a deployment until it ends, the timeout passes or the task is cancelled. */
async function waitForOutcome(
  read: () => Promise<Deployment>,
  options: { timeoutMs: number; pollIntervalMs: number; signal?: AbortSignal },
): Promise<Deployment> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const deployment = await read();
    if (
      isFinalDeploymentStatus(deployment.status) ||
      Date.now() >= deadline ||
      options.signal?.aborted
    ) {
      return deployment;
    }
    await new Promise(resolve => setTimeout(resolve, options.pollIntervalMs));
  }
}
