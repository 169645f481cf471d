import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  Entity,
  parseLocationRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/**
 * On a catalog entity: the directory of the service's own manifests,
 * relative to its source location (or a URL). Without it, Slipway generates
 * the objects from the service's spec.
 */
export const MANIFESTS_ANNOTATION = 'slipway.dev/manifests';

function isAbsoluteUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

/** Where the entity's source lives: its source location, else the file or URL it was registered from. */
function baseOf(entity: Entity): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  for (const key of [ANNOTATION_SOURCE_LOCATION, ANNOTATION_LOCATION]) {
    const value = annotations[key];
    if (!value) {
      continue;
    }
    const { type, target } = parseLocationRef(value);
    if (type === 'url') {
      return target;
    }
    if (type === 'file') {
      // The descriptor file: its directory is the service's root.
      return pathToFileURL(`${path.dirname(target)}/`).toString();
    }
  }
  return undefined;
}

/**
 * The URL of an entity's manifests directory, or undefined when the entity
 * has none (the service is on the generated spec). A relative annotation is
 * resolved against the entity's source location.
 */
export function manifestsLocationOf(
  entity: Entity,
  resolveUrl: (url: string, base: string) => string = (url, base) =>
    new URL(url, base).toString(),
): string | undefined {
  const value = entity.metadata.annotations?.[MANIFESTS_ANNOTATION]?.trim();
  if (!value) {
    return undefined;
  }
  if (isAbsoluteUrl(value)) {
    return value;
  }
  const base = baseOf(entity);
  if (!base) {
    throw new InputError(
      `${stringifyEntityRef(
        entity,
      )} names its manifests (${MANIFESTS_ANNOTATION}: ${value}) ` +
        `but has no ${ANNOTATION_SOURCE_LOCATION} to find them from; add the annotation, or give a full URL`,
    );
  }
  if (base.startsWith('file:')) {
    const root = fileURLToPath(base);
    return pathToFileURL(path.resolve(root, value)).toString();
  }
  return resolveUrl(value, base);
}
