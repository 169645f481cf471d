import { NotFoundError } from '@backstage/errors';
import { ClusterClient } from '../kubernetes/ClusterClient';
import { isMigrationJob } from '../manifests/kinds';
import { SetObject, describeObject, objectKey } from '../manifests/renderedSet';
import { PRUNE_ANNOTATION, SET_LABELS } from '../manifests/stampSet';

/** Kinds whose objects hold data: never deleted by Slipway. */
const NEVER_PRUNED = new Set(['PersistentVolumeClaim', 'Namespace']);

/** Migration Jobs are not part of what runs: they finish, and expire on their own. */
export function withoutMigrations(objects: SetObject[]): SetObject[] {
  return objects.filter(o => !isMigrationJob(o));
}

function keptByAnnotation(object: SetObject): boolean {
  const annotations = object.metadata?.annotations ?? {};
  return (
    annotations[PRUNE_ANNOTATION] === 'false' ||
    annotations['helm.sh/resource-policy'] === 'keep'
  );
}

/**
 * Deletes the objects of `previous` that `current` lacks, in reverse apply
 * order — only those that still carry this service's and channel's labels
 * in the cluster. Claims, namespaces and objects annotated
 * `slipway.dev/prune: "false"` (or Helm's `resource-policy: keep`) stay, and
 * are reported.
 */
export async function pruneObjects(
  client: ClusterClient,
  options: {
    previous: SetObject[];
    current: SetObject[];
    service: string;
    channel: string;
  },
): Promise<{ deleted: string[]; kept: string[] }> {
  const keep = new Set(options.current.map(objectKey));
  const seen = new Set<string>();
  const gone = withoutMigrations(options.previous)
    .filter(o => {
      const key = objectKey(o);
      if (keep.has(key) || seen.has(key)) {
        return false;
      }
      seen.add(key);
      return true;
    })
    .reverse();
  const deleted: string[] = [];
  const kept: string[] = [];
  for (const object of gone) {
    const name = describeObject(object);
    if (NEVER_PRUNED.has(object.kind ?? '')) {
      kept.push(
        `${name} (holds data; delete it by hand when no longer needed)`,
      );
      continue;
    }
    if (keptByAnnotation(object)) {
      kept.push(`${name} (annotated to be kept)`);
      continue;
    }
    const ref = {
      apiVersion: object.apiVersion!,
      kind: object.kind!,
      namespace: object.metadata?.namespace,
      name: object.metadata!.name!,
    };
    const live = await client.getObject(ref);
    if (!live) {
      continue;
    }
    const labels = live.metadata?.labels ?? {};
    if (
      labels[SET_LABELS.service] !== options.service ||
      labels[SET_LABELS.channel] !== options.channel
    ) {
      kept.push(
        `${name} (no longer labelled as ${options.service}'s in ${options.channel})`,
      );
      continue;
    }
    if (keptByAnnotation(live)) {
      kept.push(`${name} (annotated to be kept)`);
      continue;
    }
    try {
      await client.deleteObject(ref);
      deleted.push(name);
    } catch (error) {
      if (!(error instanceof NotFoundError)) {
        throw error;
      }
    }
  }
  return { deleted, kept };
}
