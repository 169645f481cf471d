import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CoreV1Event,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  V1Deployment,
  V1Job,
  V1Pod,
  V1ReplicaSet,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { InputError } from '@backstage/errors';
import { ClusterClient, ObjectRef, PodLogOptions } from './ClusterClient';
import {
  KubernetesCall,
  describeKubernetesError,
  statusCodeOf,
} from './kubernetesErrors';
import {
  DEFAULT_TIMEOUTS,
  KubernetesTimeouts,
  TimedObjectApi,
  timedConfiguration,
} from './timedApiClients';
import { APP_CONTAINER } from './serviceObjects/appDeployment';
import {
  DEPLOYMENT_ID_ANNOTATION,
  LABELS,
  VERSION_ANNOTATION,
  versionLabel,
} from './serviceObjects/slipwayLabels';
import { versionOfImage } from './serviceObjects/imageReference';

/** RBAC's name for an object's resource, for error messages. */
function resourceOf(object: { apiVersion?: string; kind?: string }): string {
  const group = object.apiVersion?.includes('/')
    ? `.${object.apiVersion.split('/')[0]}`
    : '';
  return `${(object.kind ?? 'object').toLowerCase()}s${group}`;
}

/** A {@link ClusterClient} over `@kubernetes/client-node`. */
export class KubernetesClusterClient implements ClusterClient {
  /**
   * Every call is aborted, and fails as a transient {@link ClusterError}
   * saying it timed out, once it has run `requestTimeoutMs` (a pod log read:
   * `logTimeoutMs`).
   *
   * @param options.clusterName - the name error messages use; by default the
   *   kubeconfig's current cluster
   */
  static create(
    kubeConfig: KubeConfig,
    options: { clusterName?: string } & Partial<KubernetesTimeouts> = {},
  ): KubernetesClusterClient {
    const timeouts = {
      requestTimeoutMs:
        options.requestTimeoutMs ?? DEFAULT_TIMEOUTS.requestTimeoutMs,
      logTimeoutMs: options.logTimeoutMs ?? DEFAULT_TIMEOUTS.logTimeoutMs,
    };
    const timed = timedConfiguration(kubeConfig, timeouts.requestTimeoutMs);
    return new KubernetesClusterClient(
      options.clusterName ?? kubeConfig.getCurrentCluster()?.name ?? 'unknown',
      timeouts,
      new AppsV1Api(timed),
      new BatchV1Api(timed),
      new CoreV1Api(timed),
      new CoreV1Api(timedConfiguration(kubeConfig, timeouts.logTimeoutMs)),
      new TimedObjectApi(kubeConfig, timeouts.requestTimeoutMs),
    );
  }

  private constructor(
    private readonly cluster: string,
    private readonly timeouts: KubernetesTimeouts,
    private readonly apps: AppsV1Api,
    private readonly batch: BatchV1Api,
    private readonly core: CoreV1Api,
    /** Core API with the longer time limit of log reads. */
    private readonly logs: CoreV1Api,
    private readonly objects: KubernetesObjectApi,
  ) {}

  async applyObjects<T extends KubernetesObject>(
    objects: T[],
    fieldManager = 'slipway',
    options: { dryRun?: boolean } = {},
  ): Promise<T[]> {
    const applied: T[] = [];
    // In order: a Deployment may name the ServiceAccount applied before it.
    for (const object of objects) {
      applied.push(
        await this.call(
          {
            verb: 'patch',
            resource: resourceOf(object),
            namespace: object.metadata?.namespace ?? '',
            name: object.metadata?.name,
          },
          () =>
            this.objects.patch(
              object,
              undefined,
              options.dryRun ? 'All' : undefined,
              fieldManager,
              true,
              PatchStrategy.ServerSideApply,
            ),
        ),
      );
    }
    return applied;
  }

  getObject(
    ref: ObjectRef,
  ): Promise<(KubernetesObject & Record<string, any>) | undefined> {
    return this.read(
      {
        verb: 'get',
        resource: resourceOf(ref),
        namespace: ref.namespace ?? '',
        name: ref.name,
      },
      () =>
        this.objects.read({
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          metadata: { name: ref.name, namespace: ref.namespace },
        }),
    );
  }

  async deleteObject(ref: ObjectRef): Promise<void> {
    await this.read(
      {
        verb: 'delete',
        resource: resourceOf(ref),
        namespace: ref.namespace ?? '',
        name: ref.name,
      },
      () =>
        this.objects.delete(
          {
            apiVersion: ref.apiVersion,
            kind: ref.kind,
            metadata: { name: ref.name, namespace: ref.namespace },
          },
          undefined,
          undefined,
          undefined,
          undefined,
          'Background',
        ),
    );
  }

  getDeployment(
    namespace: string,
    name: string,
  ): Promise<V1Deployment | undefined> {
    return this.read(
      { verb: 'get', resource: 'deployments.apps', namespace, name },
      () => this.apps.readNamespacedDeployment({ namespace, name }),
    );
  }

  setDeploymentImage(
    namespace: string,
    name: string,
    image: string,
    deploymentId: string,
  ): Promise<V1Deployment> {
    const version = versionOfImage(image);
    if (!version) {
      throw new InputError(
        `Image "${image}" has no tag or digest; Slipway deploys versions, e.g. ${image}:1.2.3`,
      );
    }
    const versioned = {
      labels: { [LABELS.version]: versionLabel(version) },
      annotations: { [VERSION_ANNOTATION]: version },
    };
    // A strategic merge patch merges containers by name, so only the app
    // container's image changes, whoever owns the rest of the spec.
    const body = {
      metadata: {
        labels: versioned.labels,
        annotations: {
          ...versioned.annotations,
          [DEPLOYMENT_ID_ANNOTATION]: deploymentId,
        },
      },
      spec: {
        template: {
          metadata: versioned,
          spec: { containers: [{ name: APP_CONTAINER, image }] },
        },
      },
    };
    return this.call(
      { verb: 'patch', resource: 'deployments.apps', namespace, name },
      () =>
        this.apps.patchNamespacedDeployment(
          { namespace, name, body, fieldManager: 'slipway' },
          setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
        ),
    );
  }

  async listPods(namespace: string, labelSelector: string): Promise<V1Pod[]> {
    const list = await this.call(
      { verb: 'list', resource: 'pods', namespace },
      () => this.core.listNamespacedPod({ namespace, labelSelector }),
    );
    return list.items;
  }

  readPodLog(
    namespace: string,
    pod: string,
    container: string,
    options: PodLogOptions = {},
  ): Promise<string> {
    return this.call(
      {
        verb: 'get',
        resource: 'pods/log',
        namespace,
        name: pod,
        timeoutMs: this.timeouts.logTimeoutMs,
      },
      () =>
        this.logs.readNamespacedPodLog({
          namespace,
          name: pod,
          container,
          previous: options.previous,
          tailLines: options.tailLines,
          limitBytes: options.limitBytes,
        }),
    );
  }

  async createJob(job: V1Job): Promise<V1Job> {
    const namespace = job.metadata?.namespace ?? '';
    const name = job.metadata?.name ?? '';
    const call = { verb: 'create', resource: 'jobs.batch', namespace, name };
    try {
      return await this.batch.createNamespacedJob({ namespace, body: job });
    } catch (error) {
      if (statusCodeOf(error) !== 409) {
        throw this.describe(error, call);
      }
    }
    // Created before (a retried step): that Job is the one to follow.
    const existing = await this.getJob(namespace, name);
    if (!existing) {
      throw new Error(
        `Job ${name} in namespace "${namespace}" of cluster "${this.cluster}" already existed, then vanished; try again`,
      );
    }
    return existing;
  }

  getJob(namespace: string, name: string): Promise<V1Job | undefined> {
    return this.read(
      { verb: 'get', resource: 'jobs.batch', namespace, name },
      () => this.batch.readNamespacedJob({ namespace, name }),
    );
  }

  async listEvents(
    namespace: string,
    involvedObjectNames?: string[],
  ): Promise<CoreV1Event[]> {
    const list = await this.call(
      { verb: 'list', resource: 'events', namespace },
      () => this.core.listNamespacedEvent({ namespace }),
    );
    // A field selector matches one name per request; one list and a filter
    // costs less than a request per object.
    const names = involvedObjectNames && new Set(involvedObjectNames);
    return list.items
      .filter(e => !names || names.has(e.involvedObject.name ?? ''))
      .sort((a, b) => eventTime(a) - eventTime(b));
  }

  async listReplicaSets(
    namespace: string,
    labelSelector: string,
  ): Promise<V1ReplicaSet[]> {
    const list = await this.call(
      { verb: 'list', resource: 'replicasets.apps', namespace },
      () => this.apps.listNamespacedReplicaSet({ namespace, labelSelector }),
    );
    return list.items;
  }

  private async call<T>(
    call: Omit<KubernetesCall, 'cluster'>,
    request: () => Promise<T>,
  ): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.describe(error, call);
    }
  }

  /** A read where 404 means "there is none". */
  private async read<T>(
    call: Omit<KubernetesCall, 'cluster'>,
    request: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await request();
    } catch (error) {
      if (statusCodeOf(error) === 404) {
        return undefined;
      }
      throw this.describe(error, call);
    }
  }

  private describe(error: unknown, call: Omit<KubernetesCall, 'cluster'>) {
    return describeKubernetesError(error, {
      timeoutMs: this.timeouts.requestTimeoutMs,
      ...call,
      cluster: this.cluster,
    });
  }
}

function eventTime(event: CoreV1Event): number {
  const time =
    event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? undefined;
  return time ? new Date(time).getTime() : 0;
}
