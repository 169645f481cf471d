import { InputError } from '@backstage/errors';
import { isClusterScoped } from './kinds';
import { SourcedObject } from './render/types';
import { SetObject, objectKey } from './renderedSet';

const MAX_LISTED_PROBLEMS = 20;

function label(sourced: SourcedObject): string {
  const { object, file, index } = sourced;
  const kind = typeof object?.kind === 'string' ? object.kind : 'object';
  const name =
    typeof object?.metadata?.name === 'string'
      ? object.metadata.name
      : `#${index + 1}`;
  return `${file}: ${kind} ${name}`;
}

/**
 * Checks a rendered set before anything is applied, and puts every
 * namespaced object into the channel's namespace. Throws one InputError that
 * lists every problem, each naming the file and the object; returns the
 * objects otherwise.
 */
export function validateSet(
  sourced: SourcedObject[],
  context: {
    namespace: string;
    channel: string;
    /** Cluster-scoped kinds the platform allows (deploy.manifests.allowClusterScopedKinds). */
    allowedClusterScopedKinds?: string[];
  },
): SetObject[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const objects: SetObject[] = [];
  for (const item of sourced) {
    const { object } = item;
    const where = label(item);
    if (typeof object?.apiVersion !== 'string' || !object.apiVersion) {
      problems.push(`${where}: apiVersion is missing`);
      continue;
    }
    if (typeof object.kind !== 'string' || !object.kind) {
      problems.push(`${where}: kind is missing`);
      continue;
    }
    if (typeof object.metadata?.name !== 'string' || !object.metadata.name) {
      problems.push(
        `${where}: metadata.name is missing${
          object.metadata?.generateName
            ? ' (generateName is not supported: Slipway applies objects by name)'
            : ''
        }`,
      );
      continue;
    }
    const clusterScoped = isClusterScoped(object.kind);
    if (
      clusterScoped &&
      !(context.allowedClusterScopedKinds ?? []).includes(object.kind)
    ) {
      problems.push(
        `${where}: ${object.kind} is cluster-scoped; a service's set may hold only objects in its channel's namespace ` +
          `(a platform may allow the kind in deploy.manifests.allowClusterScopedKinds)`,
      );
      continue;
    }
    const namespace = object.metadata.namespace;
    if (!clusterScoped && namespace && namespace !== context.namespace) {
      problems.push(
        `${where}: namespace "${namespace}" is not the ${context.channel} channel's namespace "${context.namespace}"; ` +
          `leave metadata.namespace out and Slipway puts the object there`,
      );
      continue;
    }
    if (
      object.kind === 'Secret' &&
      (object.data !== undefined || object.stringData !== undefined)
    ) {
      problems.push(
        `${where}: a Secret with data or stringData would put a secret value in Slipway's history; ` +
          `create the Secret outside Slipway and reference it (secretKeyRef, envFrom, a volume), or use an ExternalSecret`,
      );
      continue;
    }
    const placed: SetObject = clusterScoped
      ? object
      : {
          ...object,
          metadata: { ...object.metadata, namespace: context.namespace },
        };
    const key = objectKey(placed);
    const first = seen.get(key);
    if (first) {
      problems.push(`${where}: the same object is also in ${first}`);
      continue;
    }
    seen.set(key, item.file);
    objects.push(placed);
  }
  if (problems.length === 0 && objects.length === 0) {
    problems.push(
      'the manifests rendered no objects; Slipway does not apply an empty set (it would remove the service)',
    );
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_LISTED_PROBLEMS);
    const more =
      problems.length > shown.length
        ? `\n… and ${problems.length - shown.length} more`
        : '';
    throw new InputError(
      `The manifests for channel ${
        context.channel
      } cannot be deployed:\n- ${shown.join('\n- ')}${more}`,
    );
  }
  return objects;
}
