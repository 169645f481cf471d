import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CoreV1Event,
  KubeConfig,
  V1DaemonSet,
  V1Deployment,
  V1Pod,
  V1StatefulSet,
} from '@kubernetes/client-node';

const HOW_TO_START =
  'Run the tests through `scripts/test.sh` (it starts the cluster and exports the variables), ' +
  'or by hand: `tools/local-cluster/cluster up && eval "$(tools/local-cluster/cluster env)"`.';

/**
 * The path of the least-privilege kubeconfig (ServiceAccount
 * slipway-system/slipway-deployer) that `tools/local-cluster/cluster env`
 * exports as SLIPWAY_KUBECONFIG. Throws, saying how to start the cluster, when
 * it is missing: these tests never skip silently.
 */
export function slipwayKubeconfigPath(): string {
  const path = process.env.SLIPWAY_KUBECONFIG;
  if (!path) {
    throw new Error(
      `SLIPWAY_KUBECONFIG is not set, so there is no local cluster to test against. ${HOW_TO_START}`,
    );
  }
  if (!existsSync(path)) {
    throw new Error(
      `SLIPWAY_KUBECONFIG points at ${path}, which does not exist: the local cluster is down ` +
        `(\`tools/local-cluster/cluster down\` removes it). ${HOW_TO_START}`,
    );
  }
  return path;
}

/** The KubeConfig of the least-privilege deployer. */
export function loadSlipwayKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(slipwayKubeconfigPath());
  return kubeConfig;
}

export interface Clients {
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
}

export function slipwayClients(): Clients {
  const kubeConfig = loadSlipwayKubeConfig();
  return {
    kubeConfig,
    core: kubeConfig.makeApiClient(CoreV1Api),
    apps: kubeConfig.makeApiClient(AppsV1Api),
    batch: kubeConfig.makeApiClient(BatchV1Api),
  };
}

/**
 * Cluster-admin clients (`SLIPWAY_ADMIN_KUBECONFIG`, exported by `cluster
 * env`), for what Slipway itself may not do: create the Secrets a workload
 * refers to, delete PersistentVolumeClaims, read nodes and volumes.
 */
export function adminClients(): Clients {
  const path = process.env.SLIPWAY_ADMIN_KUBECONFIG;
  if (!path || !existsSync(path)) {
    throw new Error(
      `SLIPWAY_ADMIN_KUBECONFIG is ${
        path ? `${path}, which does not exist` : 'not set'
      }: no local cluster to test against. ${HOW_TO_START}`,
    );
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  return {
    kubeConfig,
    core: kubeConfig.makeApiClient(CoreV1Api),
    apps: kubeConfig.makeApiClient(AppsV1Api),
    batch: kubeConfig.makeApiClient(BatchV1Api),
  };
}

/** The namespace the deployer may use that the tests create their objects in. */
export const TEST_NAMESPACE = 'slipway-dev';

/** A label on everything the tests create, to find leftovers by hand. */
export const TEST_LABEL = 'slipway.dev/test';

/** An object name no other test or run uses. */
export function uniqueName(purpose: string): string {
  return `lc-${purpose}-${randomBytes(3).toString('hex')}`;
}

/** An image whose behaviour the simulated kubelet takes from its marker word. */
export function image(repository: string, tag: string): string {
  return `registry.slipway.test/${repository}:${tag}`;
}

/** The HTTP status of a failed call, when the API server answered. */
export function statusCodeOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/** The promise's rejection, or a failure when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The API server's Status object in an ApiException's body. */
export function statusBodyOf(error: unknown): {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
} {
  if (!(error instanceof ApiException)) {
    return {};
  }
  const body: unknown = error.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body);
    } catch {
      return { message: body };
    }
  }
  return (body ?? {}) as ReturnType<typeof statusBodyOf>;
}

/**
 * Polls `check` every `intervalMs` until it returns a truthy value, or fails
 * after `timeoutMs` saying what it waited for and the last state `describe`
 * gave. Errors thrown by `check` end the wait at once.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  options: {
    timeoutMs?: number;
    intervalMs?: number;
    describe?: () => Promise<string> | string;
  } = {},
): Promise<T> {
  const { timeoutMs = 60_000, intervalMs = 500 } = options;
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) {
      return value;
    }
    if (Date.now() - started > timeoutMs) {
      const state = options.describe ? await options.describe() : undefined;
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${
          state ? `; last state: ${state}` : ''
        }`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}

/**
 * Whether a Deployment's rollout is complete, judged as `kubectl rollout
 * status` does (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go), and
 * the message kubectl would print otherwise.
 */
export function rolloutStatus(deployment: V1Deployment): {
  done: boolean;
  message: string;
} {
  const generation = deployment.metadata?.generation ?? 0;
  const status = deployment.status ?? {};
  const wanted = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if ((status.observedGeneration ?? 0) < generation) {
    return {
      done: false,
      message: `waiting for deployment spec update to be observed (generation ${generation}, observed ${status.observedGeneration})`,
    };
  }
  const progressing = status.conditions?.find(c => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { done: false, message: 'exceeded its progress deadline' };
  }
  if (updated < wanted) {
    return {
      done: false,
      message: `${updated} out of ${wanted} new replicas have been updated`,
    };
  }
  if (replicas > updated) {
    return {
      done: false,
      message: `${replicas - updated} old replicas are pending termination`,
    };
  }
  if (available < updated) {
    return {
      done: false,
      message: `${available} of ${updated} updated replicas are available`,
    };
  }
  return { done: true, message: 'successfully rolled out' };
}

/**
 * Whether a StatefulSet's rollout is complete, judged as `kubectl rollout
 * status` does (same file as above), plus every replica on the update revision.
 */
export function statefulSetRolloutStatus(statefulSet: V1StatefulSet): {
  done: boolean;
  message: string;
} {
  const generation = statefulSet.metadata?.generation ?? 0;
  const status = statefulSet.status ?? { replicas: 0 };
  const wanted = statefulSet.spec?.replicas ?? 1;
  if (!status.observedGeneration || generation > status.observedGeneration) {
    return {
      done: false,
      message: 'waiting for statefulset spec update to be observed',
    };
  }
  if ((status.readyReplicas ?? 0) < wanted) {
    return {
      done: false,
      message: `waiting for ${
        wanted - (status.readyReplicas ?? 0)
      } pods to be ready`,
    };
  }
  const partition =
    statefulSet.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  if ((status.updatedReplicas ?? 0) < wanted - partition) {
    return {
      done: false,
      message: `${status.updatedReplicas ?? 0} out of ${
        wanted - partition
      } new pods have been updated`,
    };
  }
  return { done: true, message: 'roll out complete' };
}

/** Whether a DaemonSet's rollout is complete, as `kubectl rollout status` judges it. */
export function daemonSetRolloutStatus(daemonSet: V1DaemonSet): {
  done: boolean;
  message: string;
} {
  const generation = daemonSet.metadata?.generation ?? 0;
  const status = daemonSet.status;
  if (!status || (status.observedGeneration ?? 0) < generation) {
    return {
      done: false,
      message: 'waiting for daemon set spec update to be observed',
    };
  }
  const desired = status.desiredNumberScheduled;
  if ((status.updatedNumberScheduled ?? 0) < desired) {
    return {
      done: false,
      message: `${
        status.updatedNumberScheduled ?? 0
      } out of ${desired} new pods have been updated`,
    };
  }
  if ((status.numberAvailable ?? 0) < desired) {
    return {
      done: false,
      message: `${
        status.numberAvailable ?? 0
      } of ${desired} updated pods are available`,
    };
  }
  return { done: true, message: 'successfully rolled out' };
}

/** The Warning events of a pod, as the deployer sees them. */
export async function warningEventsOf(
  core: CoreV1Api,
  namespace: string,
  podName: string,
): Promise<CoreV1Event[]> {
  const events = await core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${podName},type=Warning`,
  });
  return events.items;
}

/** A one-line summary of a Deployment's status, for timeout messages. */
export function describeDeployment(deployment: V1Deployment | undefined) {
  if (!deployment) {
    return 'no deployment';
  }
  const { status, metadata, spec } = deployment;
  return JSON.stringify({
    generation: metadata?.generation,
    observedGeneration: status?.observedGeneration,
    specReplicas: spec?.replicas,
    replicas: status?.replicas,
    updated: status?.updatedReplicas,
    ready: status?.readyReplicas,
    available: status?.availableReplicas,
    conditions: status?.conditions?.map(
      c => `${c.type}=${c.status}/${c.reason}`,
    ),
  });
}

/** A one-line summary of pods' container states, for timeout messages. */
export function describePods(pods: V1Pod[]): string {
  return JSON.stringify(
    pods.map(pod => ({
      name: pod.metadata?.name,
      node: pod.spec?.nodeName,
      phase: pod.status?.phase,
      containers: pod.status?.containerStatuses?.map(c => ({
        restarts: c.restartCount,
        state: c.state,
        lastState: c.lastState,
      })),
    })),
  );
}

/**
 * Deletes an object with its dependents (foreground propagation: the
 * Deployment or Job stays until the garbage collector has removed its
 * ReplicaSets and pods) and waits until it is gone.
 */
export async function deleteAndWait(
  what: string,
  del: () => Promise<unknown>,
  read: () => Promise<unknown>,
  timeoutMs = 60_000,
): Promise<void> {
  try {
    await del();
  } catch (error) {
    if (statusCodeOf(error) !== 404) {
      throw error;
    }
  }
  await waitFor(
    `${what} to be deleted`,
    async () => {
      try {
        await read();
        return false;
      } catch (error) {
        if (statusCodeOf(error) === 404) {
          return true;
        }
        throw error;
      }
    },
    { timeoutMs },
  );
}
