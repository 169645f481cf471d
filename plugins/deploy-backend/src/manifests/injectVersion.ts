import { InputError } from '@backstage/errors';
import { imageReference } from '../kubernetes/serviceObjects/imageReference';
import { SetObject, describeObject } from './renderedSet';

/** The pod spec inside a workload, wherever its kind keeps it. */
export function podSpecOf(object: SetObject): Record<string, any> | undefined {
  switch (object.kind) {
    case 'Pod':
      return object.spec;
    case 'CronJob':
      return object.spec?.jobTemplate?.spec?.template?.spec;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return object.spec?.template?.spec;
    default:
      return undefined;
  }
}

/** An image reference without its tag and digest: `registry/path`. */
export function repositoryOf(image: string): string {
  const withoutDigest = image.split('@')[0];
  const colon = withoutDigest.lastIndexOf(':');
  // A colon before the last "/" belongs to a registry's port, not a tag.
  return colon > withoutDigest.lastIndexOf('/')
    ? withoutDigest.slice(0, colon)
    : withoutDigest;
}

/** Where a container of the set uses the service's image. */
export interface InjectedContainer {
  object: string;
  container: string;
}

/**
 * Gives every container and init container whose image is the service's
 * repository the version (a tag, or a digest) — what `kustomize edit set
 * image` does, after rendering, for every source. Returns new objects; a set
 * in which nothing matched is refused, naming the repository.
 */
export function injectVersion(
  objects: SetObject[],
  repository: string,
  version: string,
): { objects: SetObject[]; injected: InjectedContainer[] } {
  const image = imageReference(repository, version);
  const injected: InjectedContainer[] = [];
  const result = objects.map(original => {
    const object: SetObject = structuredClone(original);
    const podSpec = podSpecOf(object);
    for (const list of ['initContainers', 'containers'] as const) {
      for (const container of podSpec?.[list] ?? []) {
        if (
          typeof container?.image === 'string' &&
          repositoryOf(container.image) === repository
        ) {
          container.image = image;
          injected.push({
            object: describeObject(object),
            container: container.name,
          });
        }
      }
    }
    return object;
  });
  if (injected.length === 0) {
    const seen = objects
      .flatMap(o => {
        const podSpec = podSpecOf(o);
        return [
          ...(podSpec?.initContainers ?? []),
          ...(podSpec?.containers ?? []),
        ];
      })
      .map(c => c?.image)
      .filter(Boolean);
    throw new InputError(
      `No container in the manifests uses the service's image repository "${repository}", so version ${version} cannot be deployed; ` +
        `images found: ${seen.length ? seen.join(', ') : 'none'}. ` +
        `Use "${repository}" (with any tag) as the image of the service's containers, or change spec.image`,
    );
  }
  return { objects: result, injected };
}
