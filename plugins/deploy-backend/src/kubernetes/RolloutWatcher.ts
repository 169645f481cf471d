import {
  AppsV1Api,
  CoreV1Api,
  Informer,
  KubeConfig,
  KubernetesObject,
  ObjectCache,
  V1Deployment,
  V1Pod,
  makeInformer,
} from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ChannelStatus,
  DEFAULT_CRASH_LOOP_RESTART_THRESHOLD,
  WorkloadStatus,
  evaluateHealth,
  evaluateRollout,
  findUnrecoverablePod,
} from '@slipway/plugin-deploy-common';
import { describeKubernetesError } from './kubernetesErrors';
import { isPodReady, toPodState } from './podStates';
import { SET_LABELS } from '../manifests/stampSet';
import {
  APP_CONTAINER,
  LABELS,
  MANAGED_BY_SLIPWAY,
  VERSION_ANNOTATION,
  appPodSelector,
  versionOfImage,
} from './renderServiceObjects';

/** Something about a service's rollout in a channel changed. */
export interface RolloutChange {
  cluster: string;
  namespace: string;
  serviceName: string;
  channel: string;
}

/** After a watch breaks, how long to wait before watching again. */
const RETRY_DELAY_MS = 5_000;

/**
 * One informer (a list, then a watch that keeps a cache current) of one kind
 * of Slipway-managed object in one namespace of one cluster, started on first
 * use and shared by every caller after that.
 */
class SharedInformer<T extends KubernetesObject> {
  private starting?: Promise<void>;
  /** Why the cache is not being kept current, while it is not. */
  private failure?: Error;
  private retryTimer?: NodeJS.Timeout;
  private hasSynced = false;
  private stopped = false;

  constructor(
    private readonly informer: Informer<T> & ObjectCache<T>,
    private readonly describeFailure: (error: unknown) => Error,
    private readonly logger: LoggerService,
  ) {
    informer.on('error', error => this.fail(error));
  }

  /** Resolves once the cache holds the full list and is being watched. */
  async synced(): Promise<ObjectCache<T>> {
    if (!this.starting) {
      this.starting = this.start();
    }
    await this.starting;
    if (this.failure) {
      throw this.failure;
    }
    return this.informer;
  }

  onChange(listener: (object: T) => void) {
    this.informer.on('change', listener);
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.informer.stop();
  }

  private async start() {
    this.failure = undefined;
    // Resolves after the list and the watch request; a failure of either
    // arrives through the error event, before this resolves.
    await this.informer.start();
    this.hasSynced ||= !this.failure;
  }

  private fail(error: unknown) {
    this.failure = this.describeFailure(error);
    if (!this.hasSynced) {
      // Nothing relies on this cache yet: the next look tries again.
      this.starting = undefined;
      return;
    }
    if (this.stopped || this.retryTimer) {
      return;
    }
    this.logger.warn(
      `${this.failure.message}; watching again in ${RETRY_DELAY_MS / 1000}s`,
    );
    // The informer stops on an error; start it again, resuming from the last
    // version it saw (or listing afresh when that is too old).
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) {
        this.starting = this.start();
      }
    }, RETRY_DELAY_MS);
  }
}

interface NamespaceInformers {
  deployments: SharedInformer<V1Deployment>;
  pods: SharedInformer<V1Pod>;
}

/**
 * The live rollout state of every service in every channel, from shared
 * informers: the first look at a namespace of a cluster starts one informer
 * for its Slipway Deployments and one for its Slipway pods, and every later
 * look — from any number of open pages — reads their caches, costing the API
 * server nothing.
 */
export class RolloutWatcher {
  private readonly informers = new Map<string, NamespaceInformers>();
  private readonly listeners = new Set<(change: RolloutChange) => void>();

  static create(options: {
    clusters: Map<string, KubeConfig>;
    logger: LoggerService;
  }): RolloutWatcher {
    return new RolloutWatcher(options.clusters, options.logger);
  }

  private constructor(
    private readonly clusters: Map<string, KubeConfig>,
    private readonly logger: LoggerService,
  ) {}

  /**
   * The rollout state of a service in a channel. A cluster that cannot be
   * read gives a status with `error` set, so one bad cluster does not fail a
   * page that shows several.
   */
  async getChannelStatus(
    cluster: string,
    namespace: string,
    serviceName: string,
    channel: string,
    /** The set the channel runs, when Slipway knows it: its version and workloads. */
    running?: { version: string; workloads: WorkloadRef[] },
  ): Promise<ChannelStatus> {
    const workloads = running?.workloads;
    let deployment: V1Deployment | undefined;
    let pods: V1Pod[];
    let servicePods: V1Pod[];
    try {
      const informers = this.informersFor(cluster, namespace);
      const [deployments, allPods] = await Promise.all([
        informers.deployments.synced(),
        informers.pods.synced(),
      ]);
      deployment = deployments.get(serviceName, namespace);
      const selector = Object.entries(appPodSelector(serviceName, channel));
      const inNamespace = allPods.list(namespace);
      pods = inNamespace.filter(pod =>
        selector.every(([k, v]) => pod.metadata?.labels?.[k] === v),
      );
      // Pods of every workload of a service's own manifests carry these.
      servicePods = inNamespace.filter(
        pod =>
          pod.metadata?.labels?.[SET_LABELS.service] === serviceName &&
          pod.metadata?.labels?.[SET_LABELS.channel] === channel,
      );
    } catch (error) {
      return unreadableStatus(channel, error);
    }
    if (deployment?.metadata?.labels?.[LABELS.channel] !== channel) {
      deployment = undefined;
    }
    const status = channelStatus(
      channel,
      namespace,
      serviceName,
      deployment,
      pods,
    );
    if (!workloads || workloads.length === 0) {
      return status;
    }
    const perWorkload = workloads.map(w => workloadStatus(w, servicePods));
    const own = new Set(pods.map(p => p.metadata?.name));
    const allServicePods = [
      ...status.pods,
      ...servicePods.filter(p => !own.has(p.metadata?.name)).map(toPodState),
    ].sort((a, b) => a.name.localeCompare(b.name));
    if (deployment) {
      return { ...status, pods: allServicePods, workloads: perWorkload };
    }
    // No Deployment named after the service: its own workloads say how it is.
    const rank = ['Healthy', 'Progressing', 'Missing', 'Degraded'];
    const worst = perWorkload.reduce((a, b) =>
      rank.indexOf(b.health) > rank.indexOf(a.health) ? b : a,
    );
    return {
      ...status,
      desiredVersion: running.version,
      ...(worst.health === 'Healthy' && { runningVersion: running.version }),
      health: worst.health,
      message:
        worst.health === 'Healthy'
          ? `All ${perWorkload.length} workloads are ready`
          : `${worst.kind} ${worst.name}: ${worst.message}`,
      replicas: {
        desired: sum(perWorkload.map(w => w.desired)),
        updated: sum(perWorkload.map(w => w.ready)),
        ready: sum(perWorkload.map(w => w.ready)),
        available: sum(perWorkload.map(w => w.ready)),
      },
      pods: allServicePods,
      workloads: perWorkload,
    };
  }

  /**
   * Starts watching a service's namespace, if nothing watches it yet, so
   * that its changes reach the listeners (the engine waits on them during a
   * rollout). Costs nothing once the namespace is watched.
   */
  watch(cluster: string, namespace: string): void {
    try {
      const informers = this.informersFor(cluster, namespace);
      // A failure shows in the next status; the engine polls meanwhile.
      informers.deployments.synced().catch(() => undefined);
      informers.pods.synced().catch(() => undefined);
    } catch {
      // An unknown cluster: the engine's own calls say so.
    }
  }

  /**
   * Calls the listener whenever a watched Deployment or pod changes; watching
   * starts with the first {@link RolloutWatcher.getChannelStatus} of its
   * namespace. Returns a function that unsubscribes.
   */
  subscribe(listener: (change: RolloutChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Stops every informer; for the backend's shutdown. */
  async stop(): Promise<void> {
    const all = [...this.informers.values()];
    this.informers.clear();
    this.listeners.clear();
    await Promise.all(
      all.flatMap(({ deployments, pods }) => [deployments.stop(), pods.stop()]),
    );
  }

  private informersFor(cluster: string, namespace: string) {
    const key = `${cluster}/${namespace}`;
    let informers = this.informers.get(key);
    if (!informers) {
      const kubeConfig = this.clusters.get(cluster);
      if (!kubeConfig) {
        throw new Error(
          `Cluster "${cluster}" is not configured; add it under kubernetes.clusterLocatorMethods or deploy.clusters`,
        );
      }
      informers = this.createInformers(kubeConfig, cluster, namespace);
      this.informers.set(key, informers);
    }
    return informers;
  }

  private createInformers(
    kubeConfig: KubeConfig,
    cluster: string,
    namespace: string,
  ): NamespaceInformers {
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const labelSelector = MANAGED_BY_SLIPWAY;
    const describeFailure = (resource: string) => (error: unknown) =>
      describeKubernetesError(error, {
        cluster,
        verb: 'list and watch',
        resource,
        namespace,
      });

    const deployments = new SharedInformer(
      makeInformer(
        kubeConfig,
        `/apis/apps/v1/namespaces/${namespace}/deployments`,
        () => apps.listNamespacedDeployment({ namespace, labelSelector }),
        labelSelector,
      ),
      describeFailure('deployments.apps'),
      this.logger,
    );
    const pods = new SharedInformer(
      makeInformer(
        kubeConfig,
        `/api/v1/namespaces/${namespace}/pods`,
        () => core.listNamespacedPod({ namespace, labelSelector }),
        labelSelector,
      ),
      describeFailure('pods'),
      this.logger,
    );
    const notify = (object: KubernetesObject) => {
      const labels = object.metadata?.labels ?? {};
      const serviceName = labels[LABELS.name];
      const channel = labels[LABELS.channel];
      if (serviceName && channel) {
        this.listeners.forEach(listener =>
          listener({ cluster, namespace, serviceName, channel }),
        );
      }
    };
    deployments.onChange(notify);
    pods.onChange(notify);
    return { deployments, pods };
  }
}

function desiredVersionOf(deployment: V1Deployment): string | undefined {
  const template = deployment.spec?.template;
  const app =
    template?.spec?.containers.find(c => c.name === APP_CONTAINER) ??
    template?.spec?.containers[0];
  return (
    template?.metadata?.annotations?.[VERSION_ANNOTATION] ??
    versionOfImage(app?.image ?? '')
  );
}

/** A workload of a channel's set, as the status needs it. */
export interface WorkloadRef {
  kind: string;
  name: string;
  /** The workload's `spec.selector.matchLabels`. */
  matchLabels: Record<string, string>;
  /** Replicas it wants; undefined for a DaemonSet (one per node). */
  replicas?: number;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** A workload's pods and readiness, from the shared pod cache. */
function workloadStatus(workload: WorkloadRef, pods: V1Pod[]): WorkloadStatus {
  const own = pods.filter(pod =>
    Object.entries(workload.matchLabels).every(
      ([k, v]) => pod.metadata?.labels?.[k] === v,
    ),
  );
  const ready = own.filter(isPodReady).length;
  const desired = workload.replicas ?? own.length;
  const stuck = findUnrecoverablePod(own, DEFAULT_CRASH_LOOP_RESTART_THRESHOLD);
  let health: WorkloadStatus['health'] = 'Progressing';
  let message = `${ready} of ${desired} pods ready`;
  if (stuck) {
    health = 'Degraded';
    message = `${stuck.reason} in pod ${stuck.pod}: ${stuck.message}`;
  } else if (desired > 0 && own.length === 0) {
    health = 'Missing';
    message = 'no pods';
  } else if (ready >= desired && own.length === ready) {
    health = 'Healthy';
  }
  return {
    kind: workload.kind,
    name: workload.name,
    health,
    ready,
    desired,
    message,
    pods: own.map(toPodState).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

function channelStatus(
  channel: string,
  namespace: string,
  serviceName: string,
  deployment: V1Deployment | undefined,
  pods: V1Pod[],
): ChannelStatus {
  const podStates = pods
    .map(toPodState)
    .sort((a, b) => a.name.localeCompare(b.name));
  if (!deployment) {
    return {
      channel,
      health: 'Missing',
      replicas: { desired: 0, updated: 0, ready: 0, available: 0 },
      conditions: [],
      message: `${serviceName} has no Deployment in namespace ${namespace}`,
      pods: podStates,
    };
  }

  // Pods of the current revision run the template's image; their states let
  // the judgement fail early (crash loops, image pulls).
  const desiredImages = new Set(
    deployment.spec?.template.spec?.containers.map(c => c.image),
  );
  const newPods = pods.filter(pod =>
    pod.spec?.containers.every(c => desiredImages.has(c.image)),
  );
  const verdict = evaluateRollout(deployment, { pods: newPods });
  const desiredVersion = desiredVersionOf(deployment);
  const status = deployment.status ?? {};

  return {
    channel,
    health: evaluateHealth(deployment, newPods),
    ...(desiredVersion && { desiredVersion }),
    ...withRunningVersion(
      verdict.state === 'complete' ? desiredVersion : undefined,
      podStates,
    ),
    replicas: {
      desired: deployment.spec?.replicas ?? 0,
      updated: status.updatedReplicas ?? 0,
      ready: status.readyReplicas ?? 0,
      available: status.availableReplicas ?? 0,
    },
    conditions: (status.conditions ?? []).map(c => ({
      type: c.type,
      status: c.status,
      ...(c.reason && { reason: c.reason }),
      ...(c.message && { message: c.message }),
    })),
    message: verdict.message,
    pods: podStates,
  };
}

/**
 * The version serving traffic: the desired one once rolled out, otherwise
 * the one most ready pods run (the old one, mid-rollout).
 */
function withRunningVersion(
  rolledOut: string | undefined,
  pods: ChannelStatus['pods'],
): { runningVersion?: string } {
  if (rolledOut) {
    return { runningVersion: rolledOut };
  }
  const readyByVersion = new Map<string, number>();
  for (const pod of pods) {
    if (pod.ready && pod.version) {
      readyByVersion.set(
        pod.version,
        (readyByVersion.get(pod.version) ?? 0) + 1,
      );
    }
  }
  const [mostReady] = [...readyByVersion.entries()].sort((a, b) => b[1] - a[1]);
  return mostReady ? { runningVersion: mostReady[0] } : {};
}

function unreadableStatus(channel: string, error: unknown): ChannelStatus {
  const message = error instanceof Error ? error.message : String(error);
  return {
    channel,
    health: 'Missing',
    replicas: { desired: 0, updated: 0, ready: 0, available: 0 },
    conditions: [],
    message: 'The cluster could not be read',
    pods: [],
    error: message,
  };
}
