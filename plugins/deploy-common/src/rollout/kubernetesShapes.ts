// The few fields of Kubernetes objects that the rules read. Structural types
// keep this package free of a Kubernetes client; objects from
// @kubernetes/client-node satisfy them as they are.

/** @public */
export interface ObjectCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  /** When the API server gives it: a Date (client-node) or an ISO string (JSON). */
  lastUpdateTime?: Date | string;
  lastTransitionTime?: Date | string;
}

/** @public */
export interface ContainerStateShape {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: Date | string };
  terminated?: {
    reason?: string;
    message?: string;
    exitCode?: number;
    finishedAt?: Date | string;
  };
}

/** @public */
export interface ContainerStatusShape {
  name: string;
  image?: string;
  ready?: boolean;
  restartCount?: number;
  state?: ContainerStateShape;
  lastState?: ContainerStateShape;
}

/** @public */
export interface PodShape {
  metadata?: { name?: string; labels?: Record<string, string> };
  status?: {
    phase?: string;
    containerStatuses?: ContainerStatusShape[];
    initContainerStatuses?: ContainerStatusShape[];
  };
}

/** @public */
export interface DeploymentShape {
  metadata?: {
    name?: string;
    generation?: number;
    annotations?: Record<string, string>;
  };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: ObjectCondition[];
  };
}

/** @public */
export interface JobShape {
  metadata?: { name?: string };
  status?: {
    active?: number;
    succeeded?: number;
    failed?: number;
    conditions?: ObjectCondition[];
  };
}

/** @public */
export interface StatefulSetShape {
  metadata?: { name?: string; generation?: number };
  spec?: {
    replicas?: number;
    updateStrategy?: {
      /** `RollingUpdate` (the default when absent) or `OnDelete`. */
      type?: string;
      rollingUpdate?: { partition?: number };
    };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
  };
}

/** @public */
export interface DaemonSetShape {
  metadata?: {
    name?: string;
    generation?: number;
    annotations?: Record<string, string>;
  };
  spec?: {
    updateStrategy?: {
      /** `RollingUpdate` (the default when absent) or `OnDelete`. */
      type?: string;
    };
  };
  status?: {
    observedGeneration?: number;
    desiredNumberScheduled?: number;
    currentNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberReady?: number;
    numberAvailable?: number;
  };
}

/** @public */
export interface PersistentVolumeClaimShape {
  metadata?: { name?: string };
  spec?: { volumeName?: string; storageClassName?: string };
  status?: { phase?: string };
}

/** An autoscaling/v2 HorizontalPodAutoscaler. @public */
export interface HorizontalPodAutoscalerShape {
  metadata?: { name?: string };
  status?: {
    currentReplicas?: number;
    desiredReplicas?: number;
    conditions?: ObjectCondition[];
  };
}

/** @public */
export interface PodDisruptionBudgetShape {
  metadata?: { name?: string };
  status?: {
    currentHealthy?: number;
    desiredHealthy?: number;
    disruptionsAllowed?: number;
    expectedPods?: number;
    conditions?: ObjectCondition[];
  };
}

/** @public */
export interface IngressShape {
  metadata?: { name?: string };
  status?: {
    loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] };
  };
}
