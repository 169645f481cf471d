import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { describeInvalidDnsLabel } from '@slipway/plugin-deploy-common';
import yaml from 'yaml';
import { examples } from './publishLocal.examples';

/**
 * What the local publish action needs; the module passes the real ones.
 *
 * @public
 */
export interface PublishLocalActionOptions {
  catalog: CatalogService;
  /** The directory on the backend's machine that takes one folder per published service. */
  directory: string;
}

/**
 * `deploy:publish:local`: the stand-in for `publish:github` + `catalog:register`
 * in a portal without a git host. Copies the workspace into a folder of a
 * directory on the backend's machine and registers its catalog-info.yaml as a
 * `file` location (the catalog must allow those:
 * `@slipway/plugin-catalog-backend-module-file-locations`).
 * Running it again overwrites the folder and keeps the one location.
 *
 * @public
 */
export function createPublishLocalAction(options: PublishLocalActionOptions) {
  const { catalog, directory } = options;
  return createTemplateAction({
    id: 'deploy:publish:local',
    description:
      "Copies the workspace to a directory on the backend's machine and registers its catalog-info.yaml in the catalog, for portals without a git host.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .describe(
              'The folder to publish to, a DNS label; usually the service name',
            ),
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe(
              'The part of the workspace to publish; default all of it',
            ),
        catalogInfoPath: z =>
          z
            .string()
            .optional()
            .describe(
              'The catalog descriptor, relative to sourcePath; default catalog-info.yaml',
            ),
      },
      output: {
        entityRef: z =>
          z.string().describe('The first entity of the catalog descriptor'),
        catalogInfoPath: z =>
          z.string().describe('Where the catalog descriptor was published'),
      },
    },
    async handler(ctx) {
      const { name } = ctx.input;
      const problem = describeInvalidDnsLabel(name);
      if (problem) {
        throw new InputError(`Folder name "${name}" ${problem}.`);
      }
      const source = resolveSafeChildPath(
        ctx.workspacePath,
        ctx.input.sourcePath ?? '.',
      );
      const descriptor = ctx.input.catalogInfoPath ?? 'catalog-info.yaml';
      const entity = yaml
        .parseAllDocuments(
          await fs.readFile(resolveSafeChildPath(source, descriptor), 'utf8'),
        )[0]
        ?.toJS();
      if (!entity?.kind || !entity?.metadata?.name) {
        throw new InputError(
          `${descriptor} has no entity with a kind and metadata.name`,
        );
      }
      const entityRef = stringifyEntityRef(entity);
      const target = path.resolve(directory, name);
      const catalogInfoPath = resolveSafeChildPath(target, descriptor);
      ctx.output('entityRef', entityRef);
      ctx.output('catalogInfoPath', catalogInfoPath);

      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would publish ${entityRef} to ${target}`);
        return;
      }

      await fs.mkdir(target, { recursive: true });
      await fs.cp(source, target, { recursive: true, force: true });
      try {
        await catalog.addLocation(
          { type: 'file', target: catalogInfoPath },
          { credentials: await ctx.getInitiatorCredentials() },
        );
      } catch (error) {
        if (!isConflict(error)) {
          throw error;
        }
        // Published before (a re-run): the catalog re-reads the same file.
      }
      ctx.logger.info(`Published ${entityRef} to ${target}`);
    },
  });
}

function isConflict(error: unknown): boolean {
  const e = error as { name?: string; statusCode?: number } | undefined;
  return e?.name === 'ConflictError' || e?.statusCode === 409;
}
