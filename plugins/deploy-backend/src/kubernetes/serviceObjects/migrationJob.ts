import { createHash } from 'node:crypto';
import type { V1Job } from '@kubernetes/client-node';
import { InputError } from '@backstage/errors';
import { ReleaseChannel, Service } from '@slipway/plugin-deploy-common';
import { channelSettings } from './channelSettings';
import { imageReference } from './imageReference';
import {
  DEPLOYMENT_ID_ANNOTATION,
  LABELS,
  VERSION_ANNOTATION,
  commonLabels,
  versionLabel,
} from './slipwayLabels';

const MIGRATION_CONTAINER = 'migrate';

/**
 * The name of a deployment's migration Job: the same for every retry of the
 * same deployment (so creating it twice finds the first), different for every
 * deployment, and a valid 63-character name.
 */
export function migrationJobName(
  serviceName: string,
  deploymentId: string,
): string {
  const suffix = `-migrate-${deploymentHash(deploymentId)}`;
  const prefix = serviceName.slice(0, 63 - suffix.length).replace(/-+$/, '');
  return `${prefix}${suffix}`;
}

/** Ten hex digits that tell one deployment's Jobs from another's. */
export function deploymentHash(deploymentId: string): string {
  return createHash('sha256').update(deploymentId).digest('hex').slice(0, 10);
}

/**
 * The Job that runs a service's migration command with the new image before
 * the Deployment is touched: no restarts in place (a failed run is a new pod,
 * up to `retries` times), stopped after the timeout. Pure.
 */
export function renderMigrationJob(
  service: Service,
  channel: ReleaseChannel,
  namespace: string,
  version: string,
  deploymentId: string,
): V1Job {
  const migration = service.spec.migration;
  if (!migration) {
    throw new InputError(`Service ${service.name} has no migration step`);
  }
  const { env } = channelSettings(service, channel);
  const labels = {
    ...commonLabels(service, channel),
    [LABELS.component]: 'migration',
    [LABELS.version]: versionLabel(version),
  };
  const annotations = {
    [VERSION_ANNOTATION]: version,
    [DEPLOYMENT_ID_ANNOTATION]: deploymentId,
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: migrationJobName(service.name, deploymentId),
      namespace,
      labels,
      annotations,
    },
    spec: {
      backoffLimit: migration.retries,
      activeDeadlineSeconds: migration.timeoutSeconds,
      template: {
        metadata: { labels, annotations },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: service.name,
          containers: [
            {
              name: MIGRATION_CONTAINER,
              image: imageReference(service.spec.image, version),
              command: migration.command,
              env,
            },
          ],
        },
      },
    },
  };
}
