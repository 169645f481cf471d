import { podSpecOf } from './injectVersion';
import { SetObject } from './renderedSet';

/** What a reader who may not update the service sees instead of a literal env value. */
export const HIDDEN_VALUE = '(hidden)';

/**
 * A set as a reader who may not update the service sees it: containers'
 * literal env values are hidden, as they are in the service's spec;
 * references to Secrets and ConfigMaps stay, by name.
 */
export function hideSetEnv(objects: SetObject[]): SetObject[] {
  return objects.map(original => {
    const podSpec = podSpecOf(original);
    if (!podSpec) {
      return original;
    }
    const object = structuredClone(original);
    const copy = podSpecOf(object)!;
    for (const list of ['initContainers', 'containers'] as const) {
      for (const container of copy[list] ?? []) {
        for (const env of container.env ?? []) {
          if (env.value !== undefined) {
            env.value = HIDDEN_VALUE;
          }
        }
      }
    }
    return object;
  });
}
