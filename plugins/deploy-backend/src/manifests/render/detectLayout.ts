import { listSourceFiles } from './listSourceFiles';
import { ManifestLayout } from './types';

/** The names kustomize looks for in a directory. */
export const KUSTOMIZATION_FILES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

/** Where a kustomization makes a directory a kustomize source. */
const KUSTOMIZATION_PATH = new RegExp(
  `^((base|channels/[^/]+|overlays/[^/]+)/)?(${KUSTOMIZATION_FILES.join(
    '|',
  ).replace(/\./g, '\\.')})$`,
);

/**
 * The layout of a manifest directory from its files' relative paths:
 * `Chart.yaml` at the root is a Helm chart; a kustomization at the root, in
 * `base/`, `channels/<channel>/` or `overlays/<channel>/` is kustomize;
 * anything else is plain YAML.
 *
 * @public
 */
export function layoutOfFiles(paths: Iterable<string>): ManifestLayout {
  let kustomize = false;
  for (const file of paths) {
    if (file === 'Chart.yaml') {
      return 'helm';
    }
    kustomize ||= KUSTOMIZATION_PATH.test(file);
  }
  return kustomize ? 'kustomize' : 'plain';
}

/**
 * The layout of a manifest directory, given as a directory on disk or as a
 * map of relative path to content.
 *
 * @public
 */
export async function detectLayout(
  source: string | Readonly<Record<string, string>>,
): Promise<ManifestLayout> {
  if (typeof source === 'string') {
    return layoutOfFiles((await listSourceFiles(source)).files);
  }
  return layoutOfFiles(Object.keys(source).map(p => p.replace(/^\.\//, '')));
}
