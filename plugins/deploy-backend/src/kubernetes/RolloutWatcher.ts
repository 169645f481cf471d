import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  ListWatch,
  ObjectCache,
  V1Deployment,
  V1Pod,
} from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  ChannelStatus,
  DEFAULT_CRASH_LOOP_RESTART_THRESHOLD,
  WorkloadStatus,
  evaluateHealth,
  evaluateRollout,
  findUnrecoverablePod,
} from '@slipway/plugin-deploy-common';
import { ClusterError, describeKubernetesError } from './kubernetesErrors';
import { isPodReady, toPodState } from './podStates';
import { ResumableWatch } from './ResumableWatch';
import { DEFAULT_TIMEOUTS, timedConfiguration } from './timedApiClients';
import { SET_LABELS } from '../manifests/stampSet';
import { APP_CONTAINER } from './serviceObjects/appDeployment';
import {
  LABELS,
  MANAGED_BY_SLIPWAY,
  VERSION_ANNOTATION,
  appPodSelector,
} from './serviceObjects/slipwayLabels';
import { versionOfImage } from './serviceObjects/imageReference';

/** Something about a service's rollout in a channel changed. */
export interface RolloutChange {
  cluster: string;
  namespace: string;
  serviceName: string;
  channel: string;
}

/** How a {@link RolloutWatcher} bounds its waits and its watches. */
export interface RolloutWatcherOptions {
  /**
   * Time limit of each list and watch request. Default 20s
   * (deploy.kubernetes.requestTimeoutSeconds).
   */
  requestTimeoutMs?: number;
  /**
   * How long a status read waits for a namespace's first list before it
   * answers that the cluster did not answer (the list goes on). Default 5s,
   * well inside the status route's deadline.
   */
  syncWaitMs?: number;
  /** A namespace no one has looked at for this long stops being watched. Default 10 min. */
  idleTimeoutMs?: number;
  /** The API server ends each watch after this long; it resumes from the last version seen. Default 120. */
  watchTimeoutSeconds?: number;
  /** Restarts after a failed list or watch wait `initialMs`, doubling up to `maxMs`. Default 1s to 60s. */
  retryDelay?: { initialMs: number; maxMs: number };
}

const DEFAULTS = {
  requestTimeoutMs: DEFAULT_TIMEOUTS.requestTimeoutMs,
  syncWaitMs: 5_000,
  idleTimeoutMs: 10 * 60_000,
  // Short enough that a silent (black-holed) watch is noticed within about a
  // minute; bookmarks make each resume cheap.
  watchTimeoutSeconds: 60,
  retryDelay: { initialMs: 1_000, maxMs: 60_000 },
};

/**
 * One informer (a list, then a watch that keeps a cache current) of one kind
 * of Slipway-managed object in one namespace of one cluster, started on first
 * use and shared by every caller after that. After a failure it starts again
 * by itself, with exponential backoff, until it is stopped; meanwhile every
 * look is told why at once.
 */
/** How often a look at a broken informer may bring its next attempt forward. */
const RETRY_ON_LOOK_AFTER_MS = 5_000;
/** … and at a refused one (403, 404), which is retried only when looked at. */
const REFUSED_RETRY_ON_LOOK_AFTER_MS = 30_000;

class SharedInformer<T extends KubernetesObject> {
  private starting?: Promise<void>;
  /** Why the cache is not being kept current, while it is not. */
  private failure?: Error;
  /** Failures since the last successful start, for the backoff. */
  private failures = 0;
  private retryTimer?: NodeJS.Timeout;
  private lastAttemptAt = 0;
  /** The last failure was a refusal, which only a change of the cluster undoes. */
  private refused = false;
  private stopped = false;

  constructor(
    private readonly informer: ListWatch<T>,
    private readonly watch: ResumableWatch,
    private readonly describeFailure: (error: unknown) => Error,
    private readonly logger: LoggerService,
    private readonly retryDelay: { initialMs: number; maxMs: number },
  ) {
    informer.on('error', error => this.fail(error));
  }

  /** Resolves once the cache holds the full list and is being watched. */
  async synced(): Promise<ObjectCache<T>> {
    if (!this.starting) {
      this.starting = this.start();
    }
    // Known to be broken, with a restart due or under way: say so now
    // rather than wait for the restart; and, someone being interested, try
    // again now rather than at the end of a long backoff.
    if (this.failure) {
      this.retrySoonerForALook();
      throw this.failure;
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
    this.watch.close();
    await this.informer.stop();
  }

  /**
   * A backoff may have grown to a minute while nobody looked; a look brings
   * the next attempt forward, at most once every few seconds.
   */
  private retrySoonerForALook() {
    const after = this.refused
      ? REFUSED_RETRY_ON_LOOK_AFTER_MS
      : RETRY_ON_LOOK_AFTER_MS;
    if (
      (this.retryTimer || this.refused) &&
      !this.stopped &&
      Date.now() - this.lastAttemptAt >= after
    ) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.starting = this.start();
      this.starting.catch(() => undefined);
    }
  }

  private async start() {
    this.lastAttemptAt = Date.now();
    const failuresBefore = this.failures;
    // Resolves after the list and the watch request; a failure of either
    // arrives through the error event, before this resolves. The informer
    // resumes from the last version it saw, or lists when it has none (or
    // when the API server answers 410 Gone: that version is too old).
    await this.informer.start();
    if (this.failures === failuresBefore && !this.stopped) {
      this.failure = undefined;
      this.failures = 0;
    }
  }

  private fail(error: unknown) {
    if (this.stopped) {
      return;
    }
    this.failure = this.describeFailure(error);
    this.failures += 1;
    // Refused (no right to list there, no such namespace): no retry changes
    // that until someone changes the cluster, so it is tried again only when
    // someone looks, and seldom; nothing runs in the background meanwhile.
    const code = (this.failure as { statusCode?: number }).statusCode;
    this.refused =
      this.failure instanceof NotFoundError ||
      code === 401 ||
      code === 403 ||
      code === 404;
    if (this.retryTimer || this.refused) {
      return;
    }
    const { initialMs, maxMs } = this.retryDelay;
    // Jitter keeps many namespaces of one cluster from retrying in step.
    const delay = Math.round(
      Math.min(initialMs * 2 ** (this.failures - 1), maxMs) *
        (0.8 + Math.random() * 0.2),
    );
    this.logger.warn(
      `${this.failure.message}; watching again in ${delay / 1000}s`,
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) {
        this.starting = this.start();
      }
    }, delay);
    this.retryTimer.unref();
  }
}

interface NamespaceInformers {
  deployments: SharedInformer<V1Deployment>;
  pods: SharedInformer<V1Pod>;
  /** When someone last looked at the namespace (Date.now()). */
  lastLook: number;
}

/**
 * The live rollout state of every service in every channel, from shared
 * informers: the first look at a namespace of a cluster starts one informer
 * for its Slipway Deployments and one for its Slipway pods, and every later
 * look — from any number of open pages — reads their caches, costing the API
 * server nothing. A namespace no one has looked at for a while stops being
 * watched.
 */
export class RolloutWatcher {
  private readonly informers = new Map<string, NamespaceInformers>();
  private readonly listeners = new Set<(change: RolloutChange) => void>();
  private readonly options: typeof DEFAULTS;
  private readonly idleSweep: NodeJS.Timeout;

  static create(
    options: {
      clusters: Map<string, KubeConfig>;
      logger: LoggerService;
    } & RolloutWatcherOptions,
  ): RolloutWatcher {
    return new RolloutWatcher(options.clusters, options.logger, options);
  }

  private constructor(
    private readonly clusters: Map<string, KubeConfig>,
    private readonly logger: LoggerService,
    options: RolloutWatcherOptions,
  ) {
    this.options = {
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
      syncWaitMs: options.syncWaitMs ?? DEFAULTS.syncWaitMs,
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
      watchTimeoutSeconds:
        options.watchTimeoutSeconds ?? DEFAULTS.watchTimeoutSeconds,
      retryDelay: options.retryDelay ?? DEFAULTS.retryDelay,
    };
    this.idleSweep = setInterval(
      () => this.stopIdle(),
      Math.min(this.options.idleTimeoutMs / 2, 60_000),
    );
    this.idleSweep.unref();
  }

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
      const [deployments, allPods] = await within(
        this.options.syncWaitMs,
        Promise.all([informers.deployments.synced(), informers.pods.synced()]),
        () =>
          new ClusterError(
            `Cluster "${cluster}" did not answer within ${
              this.options.syncWaitMs / 1000
            }s to list Slipway's deployments and pods in namespace "${namespace}": it is unreachable or slow; try again shortly`,
            503,
            'no answer to the first list yet',
          ),
      );
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
      return unreadableStatus(cluster, channel, error);
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
    clearInterval(this.idleSweep);
    const all = [...this.informers.values()];
    this.informers.clear();
    this.listeners.clear();
    await Promise.all(all.map(stopInformers));
  }

  /** Stops watching namespaces no one has looked at for `idleTimeoutMs`. */
  private stopIdle() {
    const idleSince = Date.now() - this.options.idleTimeoutMs;
    for (const [key, informers] of this.informers) {
      if (informers.lastLook < idleSince) {
        this.informers.delete(key);
        stopInformers(informers).catch(error =>
          this.logger.warn(`Could not stop watching ${key}: ${error}`),
        );
      }
    }
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
    informers.lastLook = Date.now();
    return informers;
  }

  private createInformers(
    kubeConfig: KubeConfig,
    cluster: string,
    namespace: string,
  ): NamespaceInformers {
    const { requestTimeoutMs, watchTimeoutSeconds, retryDelay } = this.options;
    const timed = timedConfiguration(kubeConfig, requestTimeoutMs);
    const apps = new AppsV1Api(timed);
    const core = new CoreV1Api(timed);
    const labelSelector = MANAGED_BY_SLIPWAY;
    const shared = <T extends KubernetesObject>(
      path: string,
      list: () => Promise<{ items: T[] }>,
      resource: string,
    ) => {
      const watch = new ResumableWatch(kubeConfig, {
        connectTimeoutMs: requestTimeoutMs,
        timeoutSeconds: watchTimeoutSeconds,
      });
      return new SharedInformer<T>(
        new ListWatch(path, watch, list, false, labelSelector),
        watch,
        error =>
          describeKubernetesError(error, {
            cluster,
            verb: 'list and watch',
            resource,
            namespace,
          }),
        this.logger,
        retryDelay,
      );
    };

    const deployments = shared<V1Deployment>(
      `/apis/apps/v1/namespaces/${namespace}/deployments`,
      () => apps.listNamespacedDeployment({ namespace, labelSelector }),
      'deployments.apps',
    );
    const pods = shared<V1Pod>(
      `/api/v1/namespaces/${namespace}/pods`,
      () => core.listNamespacedPod({ namespace, labelSelector }),
      'pods',
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
    return { deployments, pods, lastLook: Date.now() };
  }
}

async function stopInformers({ deployments, pods }: NamespaceInformers) {
  await Promise.all([deployments.stop(), pods.stop()]);
}

/**
 * Waits for `promise` at most `ms`; the work goes on after that, only this
 * caller stops waiting (the requests behind it have time limits of their own).
 */
async function within<T>(
  ms: number,
  promise: Promise<T>,
  timedOut: () => Error,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timedOut()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
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

function unreadableStatus(
  cluster: string,
  channel: string,
  error: unknown,
): ChannelStatus {
  const message = error instanceof Error ? error.message : String(error);
  return {
    channel,
    health: 'Missing',
    replicas: { desired: 0, updated: 0, ready: 0, available: 0 },
    conditions: [],
    message: `Cluster "${cluster}" could not be read`,
    pods: [],
    error: message,
  };
}
