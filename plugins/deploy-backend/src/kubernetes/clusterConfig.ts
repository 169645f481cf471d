import fs from 'node:fs';
import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import { DeployConfigError } from '../config/readChannels';
import { DEFAULT_TIMEOUTS, KubernetesTimeouts } from './timedApiClients';

/**
 * Reads `deploy.kubernetes`: how long a call to a cluster may take before
 * Slipway gives up on it (and, in a deployment, retries later). Throws at
 * start, naming the key, when a value is not a positive number of seconds.
 */
export function readKubernetesTimeouts(config: Config): KubernetesTimeouts {
  const seconds = (key: string, fallbackMs: number) => {
    const fullKey = `deploy.kubernetes.${key}`;
    const value = config.getOptionalNumber(fullKey);
    if (value === undefined) {
      return fallbackMs;
    }
    if (!Number.isFinite(value) || value <= 0) {
      throw new DeployConfigError(
        fullKey,
        `must be a positive number of seconds, got ${value}`,
      );
    }
    return value * 1000;
  };
  return {
    requestTimeoutMs: seconds(
      'requestTimeoutSeconds',
      DEFAULT_TIMEOUTS.requestTimeoutMs,
    ),
    logTimeoutMs: seconds('logTimeoutSeconds', DEFAULT_TIMEOUTS.logTimeoutMs),
  };
}

/**
 * Reads the clusters Slipway may deploy to, by name, from two places:
 *
 * - `kubernetes.clusterLocatorMethods[]` entries of `type: config`: the block
 *   the Backstage Kubernetes plugin reads, so one block serves both plugins.
 *   Slipway acts with a service account's token, so it uses the clusters
 *   there with `authProvider: serviceAccount`.
 * - `deploy.clusters[]: { name, kubeconfigPath, context? }`: Slipway's own
 *   key for a kubeconfig file (a local cluster, or any credential a kubeconfig
 *   can hold). It wins over a Kubernetes-plugin cluster of the same name, so
 *   that cluster may keep another auth provider for the Kubernetes plugin.
 *
 * Throws at start, naming the config key, when an entry is unusable.
 */
export function readClusterConfigs(config: Config): Map<string, KubeConfig> {
  const clusters = new Map<string, KubeConfig>();
  const add = (key: string, name: string, kubeConfig: () => KubeConfig) => {
    if (name.trim() === '') {
      throw new DeployConfigError(`${key}.name`, 'must not be empty');
    }
    if (clusters.has(name)) {
      throw new DeployConfigError(
        `${key}.name`,
        `cluster "${name}" is configured twice; cluster names must be unique`,
      );
    }
    clusters.set(name, kubeConfig());
  };

  config.getOptionalConfigArray('deploy.clusters')?.forEach((entry, i) => {
    const key = `deploy.clusters[${i}]`;
    add(key, entry.getString('name'), () => kubeConfigFromFile(entry, key));
  });
  const fromKubeconfigFiles = new Set(clusters.keys());

  const locators = config.getOptionalConfigArray(
    'kubernetes.clusterLocatorMethods',
  );
  locators?.forEach((locator, locatorIndex) => {
    // Other locator types (catalog, gke, …) find clusters at run time with
    // credentials Slipway does not hold; they stay the Kubernetes plugin's.
    if (locator.getOptionalString('type') !== 'config') {
      return;
    }
    locator.getOptionalConfigArray('clusters')?.forEach((entry, i) => {
      const key = `kubernetes.clusterLocatorMethods[${locatorIndex}].clusters[${i}]`;
      const name = entry.getString('name');
      if (!fromKubeconfigFiles.has(name)) {
        add(key, name, () => kubeConfigFromServiceAccount(entry, key, name));
      }
    });
  });

  return clusters;
}

function kubeConfigFromServiceAccount(
  entry: Config,
  key: string,
  name: string,
): KubeConfig {
  const authProvider = entry.getOptionalString('authProvider');
  if (authProvider !== 'serviceAccount') {
    throw new DeployConfigError(
      `${key}.authProvider`,
      `"${
        authProvider ?? ''
      }" is not supported by Slipway, which deploys as a service account: ` +
        `use authProvider: serviceAccount with a serviceAccountToken, or configure cluster "${name}" ` +
        `under deploy.clusters with a kubeconfigPath`,
    );
  }
  const url = entry.getString('url');
  if (!/^https?:\/\/[^/]/.test(url)) {
    throw new DeployConfigError(
      `${key}.url`,
      `"${url}" is not the API server's http(s) URL`,
    );
  }
  const token = entry.getOptionalString('serviceAccountToken');
  if (!token) {
    throw new DeployConfigError(
      `${key}.serviceAccountToken`,
      'is missing; Slipway needs the token of the service account it deploys as',
    );
  }
  const caFile = entry.getOptionalString('caFile');
  if (caFile && !fs.existsSync(caFile)) {
    throw new DeployConfigError(`${key}.caFile`, `no file at "${caFile}"`);
  }

  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name,
        server: url,
        caData: entry.getOptionalString('caData'),
        caFile,
        skipTLSVerify: entry.getOptionalBoolean('skipTLSVerify') ?? false,
      },
    ],
    users: [{ name, token }],
    contexts: [{ name, cluster: name, user: name }],
    currentContext: name,
  });
  return kubeConfig;
}

function kubeConfigFromFile(entry: Config, key: string): KubeConfig {
  const path = entry.getString('kubeconfigPath');
  if (!fs.existsSync(path)) {
    throw new DeployConfigError(
      `${key}.kubeconfigPath`,
      `no file at "${path}"`,
    );
  }
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(path);
  } catch (error) {
    throw new DeployConfigError(
      `${key}.kubeconfigPath`,
      `"${path}" is not a valid kubeconfig: ${(error as Error).message}`,
    );
  }
  const context = entry.getOptionalString('context');
  if (context) {
    if (!kubeConfig.getContextObject(context)) {
      throw new DeployConfigError(
        `${key}.context`,
        `"${path}" has no context named "${context}"`,
      );
    }
    kubeConfig.setCurrentContext(context);
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new DeployConfigError(
      `${key}.kubeconfigPath`,
      `"${path}" has no current context with a cluster; set ${key}.context`,
    );
  }
  return kubeConfig;
}
