import {
  DEPLOYMENT_ID_ANNOTATION,
  LABELS,
  VERSION_ANNOTATION,
} from '../kubernetes/serviceObjects/slipwayLabels';
import { deploymentHash } from '../kubernetes/serviceObjects/migrationJob';
import { podSpecOf } from './injectVersion';
import { isMigrationJob, phaseOf } from './kinds';
import { SetObject } from './renderedSet';

/** Labels every object of a service's set carries; pruning and ownership checks read them. */
export const SET_LABELS = {
  service: 'slipway.dev/service',
  channel: LABELS.channel,
  deployment: 'slipway.dev/deployment-id',
  managedBy: LABELS.managedBy,
  /** The Backstage Kubernetes plugin finds an entity's objects and pods by it. */
  kubernetesId: 'backstage.io/kubernetes-id',
} as const;

/** On an object: keep it when it leaves the set. */
export const PRUNE_ANNOTATION = 'slipway.dev/prune';

/** How long a finished migration Job (and its logs) stays, unless the Job says. */
export /** A migration Job's deadline when its manifest sets none. */
const MIGRATION_JOB_DEADLINE_SECONDS = 1800;

const MIGRATION_JOB_TTL_SECONDS = 3600;

/**
 * A migration Job's name for one deployment: Jobs cannot be changed once
 * created, so each deployment runs its own, and a retried step finds it.
 */
export function migrationJobNameFor(name: string, deploymentId: string) {
  const suffix = `-${deploymentHash(deploymentId)}`;
  if (name.endsWith(suffix)) {
    return name;
  }
  return `${name.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/**
 * Labels a validated, versioned set as this service's in this channel, and
 * gives migration Jobs their per-deployment names. Pure: returns new objects.
 */
export function stampSet(
  objects: SetObject[],
  context: {
    service: string;
    channel: string;
    deploymentId: string;
    version: string;
    kubernetesId: string;
  },
): SetObject[] {
  const ownership = {
    [SET_LABELS.service]: context.service,
    [SET_LABELS.channel]: context.channel,
    [SET_LABELS.kubernetesId]: context.kubernetesId,
  };
  return objects.map(original => {
    const object: SetObject = structuredClone(original);
    object.metadata = {
      ...object.metadata,
      labels: {
        ...object.metadata?.labels,
        ...ownership,
        [SET_LABELS.managedBy]: 'slipway',
        [SET_LABELS.deployment]: context.deploymentId,
      },
      annotations: {
        ...object.metadata?.annotations,
        [DEPLOYMENT_ID_ANNOTATION]: context.deploymentId,
      },
    };
    if (phaseOf(object) === 'workloads' || isMigrationJob(object)) {
      object.metadata.annotations![VERSION_ANNOTATION] = context.version;
    }
    // Pods carry the ownership labels too, so the Kubernetes tab and
    // Slipway's crash logs find them; never the deployment id, which would
    // restart every pod on every deployment.
    const template =
      object.kind === 'CronJob'
        ? object.spec?.jobTemplate?.spec?.template
        : object.spec?.template;
    if (podSpecOf(object) && template && object.kind !== 'Pod') {
      template.metadata = {
        ...template.metadata,
        // managed-by too: the shared watch caches only Slipway's pods.
        labels: {
          ...template.metadata?.labels,
          ...ownership,
          [SET_LABELS.managedBy]: 'slipway',
        },
      };
    }
    if (isMigrationJob(object)) {
      object.metadata.name = migrationJobNameFor(
        object.metadata.name!,
        context.deploymentId,
      );
      // A migration runs once: no silent retries (Kubernetes' default is
      // six), a deadline, and the Job cleaned up after a while.
      object.spec = {
        ...object.spec,
        backoffLimit: object.spec?.backoffLimit ?? 0,
        activeDeadlineSeconds:
          object.spec?.activeDeadlineSeconds ?? MIGRATION_JOB_DEADLINE_SECONDS,
        ttlSecondsAfterFinished:
          object.spec?.ttlSecondsAfterFinished ?? MIGRATION_JOB_TTL_SECONDS,
      };
    }
    return object;
  });
}
