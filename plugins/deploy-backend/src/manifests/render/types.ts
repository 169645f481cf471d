/**
 * How the rendering tools are run; from `deploy.manifests.*` in the config.
 *
 * @public
 */
export interface RenderTools {
  /** `kustomize`, or `kubectl` (then `kubectl kustomize` is run), or a path to either. */
  kustomizeCommand: string;
  /** `helm` or a path to it. */
  helmCommand: string;
  /** How long one run of a tool may take before it is stopped. */
  timeoutMs: number;
  /** How many bytes a tool may write (stdout and stderr together) before it is stopped. */
  maxOutputBytes: number;
}

/**
 * Where a service is rendered for: its channel, namespace and Helm release name.
 *
 * @public
 */
export interface RenderTarget {
  channel: string;
  namespace: string;
  releaseName: string;
}

/**
 * One rendered Kubernetes object and where it came from.
 *
 * @public
 */
export interface SourcedObject {
  object: Record<string, any>;
  /**
   * The source path relative to the manifest directory: the YAML file (plain),
   * the template (Helm's `# Source:`, without the chart name), or the
   * kustomization directory (kustomize; `.` for the root).
   */
  file: string;
  /** The object's position among the objects from `file`, counting from 0. */
  index: number;
}

/**
 * The kind of manifest directory a service has.
 *
 * @public
 */
export type ManifestLayout = 'plain' | 'kustomize' | 'helm';

/**
 * What a manifest directory rendered to for one channel.
 *
 * @public
 */
export interface RenderedSource {
  layout: ManifestLayout;
  objects: SourcedObject[];
  /** The tool that rendered it; absent for plain YAML, which is parsed in process. */
  tool?: { name: 'kustomize' | 'helm'; version: string };
}
