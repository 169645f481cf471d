// The few fields of Kubernetes objects that the rules read. Structural types
// keep this package free of a Kubernetes client; objects from
// @kubernetes/client-node satisfy them as they are.

/** @public */
export interface ObjectCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
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
