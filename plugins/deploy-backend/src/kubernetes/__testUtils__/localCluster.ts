import { randomBytes } from 'node:crypto';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { ReleaseChannel, Service } from '@slipway/plugin-deploy-common';

/**
 * The least-privilege kubeconfig of the local cluster; `scripts/test.sh` sets
 * it through `tools/local-cluster/cluster env`.
 */
const kubeconfigPath = process.env.SLIPWAY_KUBECONFIG;

/**
 * `describe` for tests against the local cluster's real API server; skipped,
 * saying why, only when no cluster was set up for this run.
 */
export const describeOnCluster = kubeconfigPath
  ? describe
  : // eslint-disable-next-line jest/no-disabled-tests -- no cluster in this run, said below
    describe.skip;
if (!kubeconfigPath && process.env.SLIPWAY_REQUIRE_CLUSTER) {
  throw new Error(
    'SLIPWAY_REQUIRE_CLUSTER is set but SLIPWAY_KUBECONFIG is not: the Kubernetes tests must run against the local cluster',
  );
}
if (!kubeconfigPath) {
  // eslint-disable-next-line no-console
  console.warn(
    'Skipping the Kubernetes tests against the local cluster: SLIPWAY_KUBECONFIG is not set. ' +
      'scripts/test.sh sets it; by hand: tools/local-cluster/cluster up && eval "$(tools/local-cluster/cluster env)"',
  );
}

export function loadSlipwayKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath!);
  return kubeConfig;
}

export const TEST_NAMESPACE = 'slipway-dev';

/** A service name no other test run uses, so runs never see each other's objects. */
export function uniqueServiceName(purpose: string): string {
  return `t-${purpose}-${randomBytes(3).toString('hex')}`;
}

export function testChannel(progressDeadlineSeconds = 60): ReleaseChannel {
  return {
    name: 'dev',
    order: 0,
    cluster: 'local',
    namespacePattern: 'slipway-{channel}',
    policy: {
      approvalRequired: false,
      approverMustDiffer: false,
      soakSeconds: 0,
      soakUnavailableSeconds: 60,
      autoRollback: true,
      progressDeadlineSeconds,
      autoDeploy: false,
      autoPromote: false,
      releasesOnly: false,
    },
  };
}

/**
 * A service whose pods the simulator drives by the version: "1.0.0" runs
 * healthy, "crashloop-…" exits 1 over and over (see tools/local-cluster).
 */
export function testService(
  name: string,
  options: { replicas?: number; migration?: Service['spec']['migration'] } = {},
): Service {
  return {
    name,
    entityRef: `component:default/${name}`,
    ownerRef: 'group:default/team-test',
    spec: {
      image: `registry.local/shop/${name}`,
      port: 8080,
      channels: { dev: { replicas: options.replicas ?? 2, env: {} } },
      migration: options.migration,
    },
    createdAt: '2026-11-27T00:00:00Z',
    updatedAt: '2026-11-27T00:00:00Z',
  };
}

/** Deletes what a test created, with its pods, ignoring what is gone already. */
export async function deleteObjects(
  objects: Array<{ apiVersion: string; kind: string; name: string }>,
): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(loadSlipwayKubeConfig());
  await Promise.all(
    objects.map(({ apiVersion, kind, name }) =>
      api
        .delete(
          { apiVersion, kind, metadata: { name, namespace: TEST_NAMESPACE } },
          undefined,
          undefined,
          0,
          undefined,
          'Background',
        )
        .catch(() => undefined),
    ),
  );
}

/** The objects {@link testService} renders, for {@link deleteObjects}. */
export function serviceObjectRefs(name: string) {
  return [
    { apiVersion: 'apps/v1', kind: 'Deployment', name },
    { apiVersion: 'v1', kind: 'Service', name },
    { apiVersion: 'v1', kind: 'ServiceAccount', name },
  ];
}

/** Polls until `check` returns a value, or fails after the timeout saying what it waited for. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 40_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}
