import { Config, ConfigReader } from '@backstage/config';
import { DeployConfigError } from './readChannels';

/** How Slipway renders services' own manifests (`deploy.manifests`). */
export interface ManifestsConfig {
  kustomizeCommand: string;
  helmCommand: string;
  timeoutMs: number;
  maxOutputBytes: number;
  allowedClusterScopedKinds: string[];
}

const KIND = /^[A-Z][A-Za-z0-9]*$/;

function positive(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key);
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isFinite(value) || value <= 0) {
    throw new DeployConfigError(
      `deploy.manifests.${key}`,
      `must be a positive number, got ${value}`,
    );
  }
  return value;
}

/** Reads `deploy.manifests`, failing fast with the key of a bad value. */
export function readManifestsConfig(root: Config): ManifestsConfig {
  const config =
    root.getOptionalConfig('deploy.manifests') ?? new ConfigReader({});
  const command = (key: string, fallback: string) => {
    const value = config.getOptionalString(key) ?? fallback;
    if (!value.trim()) {
      throw new DeployConfigError(
        `deploy.manifests.${key}`,
        'must name a program (a path, or a name on PATH)',
      );
    }
    return value;
  };
  const kinds = config.getOptionalStringArray('allowClusterScopedKinds') ?? [];
  kinds.forEach((kind, i) => {
    if (!KIND.test(kind)) {
      throw new DeployConfigError(
        `deploy.manifests.allowClusterScopedKinds[${i}]`,
        `"${kind}" is not a kind; write it as Kubernetes does, e.g. ClusterRole`,
      );
    }
  });
  return {
    kustomizeCommand: command('kustomize.command', 'kustomize'),
    helmCommand: command('helm.command', 'helm'),
    timeoutMs: positive(config, 'renderTimeoutSeconds', 60) * 1000,
    maxOutputBytes: positive(config, 'maxRenderedMegabytes', 8) * 1024 * 1024,
    allowedClusterScopedKinds: kinds,
  };
}
