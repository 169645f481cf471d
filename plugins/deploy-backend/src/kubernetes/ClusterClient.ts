import type {
  CoreV1Event,
  KubernetesObject,
  V1Deployment,
  V1Job,
  V1Pod,
  V1ReplicaSet,
} from '@kubernetes/client-node';

/** Names one object in a cluster. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Options for reading a container's log. */
export interface PodLogOptions {
  /** The log of the container's previous run, the one that crashed. */
  previous?: boolean;
  /** Only the last lines. */
  tailLines?: number;
  /** At most this many bytes. */
  limitBytes?: number;
}

/**
 * What the deploy engine does in one cluster. Calls fail with a message that
 * names the verb, resource and namespace; a read of something that does not
 * exist resolves to undefined instead of failing.
 */
export interface ClusterClient {
  /**
   * Creates or updates objects by server-side apply, taking ownership of the
   * fields they set (force), and returns them as the cluster stored them.
   */
  applyObjects<T extends KubernetesObject>(
    objects: T[],
    fieldManager?: string,
    options?: { dryRun?: boolean },
  ): Promise<T[]>;
  /** Any object, by apiVersion, kind, namespace and name; undefined when it does not exist. */
  getObject(
    ref: ObjectRef,
  ): Promise<(KubernetesObject & Record<string, any>) | undefined>;
  /** Deletes an object in the background (its dependents after it); a missing one is no error. */
  deleteObject(ref: ObjectRef): Promise<void>;
  getDeployment(
    namespace: string,
    name: string,
  ): Promise<V1Deployment | undefined>;
  /**
   * Points a Slipway Deployment's app container at another image and stamps
   * the deployment id; patching it again with the same values changes nothing.
   */
  setDeploymentImage(
    namespace: string,
    name: string,
    image: string,
    deploymentId: string,
  ): Promise<V1Deployment>;
  listPods(namespace: string, labelSelector: string): Promise<V1Pod[]>;
  readPodLog(
    namespace: string,
    pod: string,
    container: string,
    options?: PodLogOptions,
  ): Promise<string>;
  /** Creates a Job; when it already exists, returns that one instead. */
  createJob(job: V1Job): Promise<V1Job>;
  getJob(namespace: string, name: string): Promise<V1Job | undefined>;
  /** Events in the namespace, oldest first; only those about the named objects when names are given. */
  listEvents(
    namespace: string,
    involvedObjectNames?: string[],
  ): Promise<CoreV1Event[]>;
  listReplicaSets(
    namespace: string,
    labelSelector: string,
  ): Promise<V1ReplicaSet[]>;
}
