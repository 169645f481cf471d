import fs from 'node:fs/promises';
import path from 'node:path';
import {
  BackstageCredentials,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { describeInvalidDnsLabel } from '@slipway/plugin-deploy-common';
import { DeployBackendClient } from '../client/DeployBackendClient';
import { kustomizeTreeFor } from '../manifests/kustomizeTreeFor';
import { examples } from './writeManifests.examples';

/**
 * What the write-manifests action needs around it; the module passes the real ones.
 *
 * @public
 */
export interface WriteManifestsActionOptions {
  /** A deploy backend client acting for the given user. */
  deployBackendFor: (credentials: BackstageCredentials) => DeployBackendClient;
}

const DEFAULT_TARGET_PATH = 'deploy';

/**
 * `deploy:service:write-manifests`: writes a registered service's small spec
 * as its own Kubernetes manifests, a Kustomize tree (`base/` and
 * `channels/<channel>/`), into the workspace. It neither publishes nor
 * switches the service over: a template composes it with a publish action,
 * and the entity's `slipway.dev/manifests` annotation makes Slipway deploy
 * the tree.
 *
 * @public
 */
export function createWriteManifestsAction(
  options: WriteManifestsActionOptions,
) {
  const { deployBackendFor } = options;
  return createTemplateAction({
    id: 'deploy:service:write-manifests',
    description:
      "Writes a registered service's spec as its own Kubernetes manifests (a Kustomize tree with an overlay per release channel) into the workspace, for a template to publish or propose.",
    examples,
    // Only the workspace changes, so a dry run does exactly the same.
    supportsDryRun: true,
    schema: {
      input: {
        service: z =>
          z.string().describe('The Slipway service name, e.g. "checkout"'),
        targetPath: z =>
          z
            .string()
            .optional()
            .describe(
              `The directory of the workspace to write the tree to; default "${DEFAULT_TARGET_PATH}". Name it in the entity's slipway.dev/manifests annotation`,
            ),
        overwrite: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Write into a directory that already has files (the files of the tree are replaced, others stay); default false',
            ),
      },
      output: {
        targetPath: z =>
          z
            .string()
            .describe(
              'The directory the tree was written to, in the workspace',
            ),
        files: z =>
          z
            .array(z.string())
            .describe('The files written, relative to the workspace'),
        channels: z =>
          z
            .array(z.string())
            .describe(
              'The channels that have an overlay (channels/<channel>/), in promotion order',
            ),
      },
    },
    async handler(ctx) {
      const { service: name } = ctx.input;
      const problem = describeInvalidDnsLabel(name);
      if (problem) {
        throw new InputError(`Service name "${name}" ${problem}.`);
      }
      const relativeTarget = path.posix.normalize(
        ctx.input.targetPath ?? DEFAULT_TARGET_PATH,
      );
      const target = resolveSafeChildPath(ctx.workspacePath, relativeTarget);
      if (!ctx.input.overwrite && (await hasFiles(target))) {
        throw new InputError(
          `${relativeTarget} already has files in the workspace; choose another targetPath, or set overwrite to replace the tree's files there`,
        );
      }

      const deployBackend = deployBackendFor(
        await ctx.getInitiatorCredentials(),
      );
      const [service, channels] = await Promise.all([
        deployBackend.findService(name),
        deployBackend.listChannels(),
      ]);
      if (!service) {
        throw new InputError(
          `Slipway has no service named "${name}" (or you may not see it); register it first, e.g. with deploy:service:create`,
        );
      }
      const channelNames = channels.map(channel => channel.name);
      const files = kustomizeTreeFor(service, channelNames);

      for (const file of files) {
        const destination = resolveSafeChildPath(target, file.path);
        await fs.mkdir(path.dirname(destination), { recursive: true });
        await fs.writeFile(destination, file.content);
      }
      ctx.logger.info(
        `Wrote ${name}'s manifests to ${relativeTarget}: base/ and an overlay for ${channelNames.join(
          ', ',
        )}${
          service.spec.migration ? ', with its migration Job' : ''
        }. Deploy them by annotating its entity with slipway.dev/manifests`,
      );
      ctx.output('targetPath', relativeTarget);
      ctx.output(
        'files',
        files.map(file => path.posix.join(relativeTarget, file.path)),
      );
      ctx.output('channels', channelNames);
    },
  });
}

async function hasFiles(directory: string): Promise<boolean> {
  try {
    return (await fs.readdir(directory)).length > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return false;
    }
    throw error;
  }
}
