/**
 * Health of one service in one release channel, as the Deploy tab shows it.
 *
 * @public
 */
export type RolloutHealth = 'Healthy' | 'Progressing' | 'Degraded' | 'Missing';

/**
 * Every status a deployment passes through; see DESIGN.md, "A deployment's life".
 *
 * @public
 */
export const DEPLOYMENT_STATUSES = [
  'requested',
  'awaiting_approval',
  'migrating',
  'rolling_out',
  'soaking',
  'succeeded',
  'rejected',
  'failed',
  'rolling_back',
  'rolled_back',
  'cancelled',
] as const;

/** @public */
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

/**
 * Statuses after which a deployment never changes again.
 *
 * @public
 */
export const FINAL_DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = [
  'succeeded',
  'rejected',
  'failed',
  'rolled_back',
  'cancelled',
];

/** @public */
export function isFinalDeploymentStatus(status: DeploymentStatus): boolean {
  return FINAL_DEPLOYMENT_STATUSES.includes(status);
}

/**
 * A release channel's policy, from app-config (`deploy.channels`).
 *
 * @public
 */
export interface ChannelPolicy {
  /** A person must approve before the deployment runs. */
  approvalRequired: boolean;
  /** The approver must be someone other than the requester. */
  approverMustDiffer: boolean;
  /** How long a version must have run here before the next channel may take it. */
  soakSeconds: number;
  /**
   * How long the workloads may be unhealthy, in total, during a soak before
   * the deployment fails (and rolls back).
   */
  soakUnavailableSeconds: number;
  /** Restore the previous version when a rollout fails. */
  autoRollback: boolean;
  /** The Deployment's progressDeadlineSeconds. */
  progressDeadlineSeconds: number;
  /** When set, deployments may only start inside this window. */
  deployWindow?: DeployWindow;
  /** Take every newly published release on its own (the first channel only). */
  autoDeploy: boolean;
  /**
   * Promote on its own from the previous channel once a release succeeded
   * (and soaked) there; with `approvalRequired`, the promotion waits for a
   * person's approval.
   */
  autoPromote: boolean;
  /** Only published releases may be deployed here, no free-text versions. */
  releasesOnly: boolean;
  /**
   * Tell the owning team when this channel has run an older release than the
   * previous channel for longer than this; absent: never.
   */
  behindAlertMinutes?: number;
}

/**
 * Days and hours (UTC) when deployments may start.
 *
 * @public
 */
export interface DeployWindow {
  /** 0 = Sunday … 6 = Saturday. */
  days: number[];
  /** "HH:MM", inclusive. */
  start: string;
  /** "HH:MM", exclusive. */
  end: string;
}

/**
 * A release channel: dev, staging, prod … in promotion order.
 *
 * @public
 */
export interface ReleaseChannel {
  name: string;
  /** Position in the promotion order, 0 first. */
  order: number;
  /** Name of the cluster (from `kubernetes.clusterLocatorMethods`). */
  cluster: string;
  /** The namespace pattern, e.g. "slipway-{channel}" or "{service}-{channel}". */
  namespacePattern: string;
  policy: ChannelPolicy;
}

/**
 * A reference to one key of a Secret or ConfigMap in the channel's
 * namespace. Slipway passes the reference to Kubernetes; it never reads,
 * stores or shows the value.
 *
 * @public
 */
export interface KeyReference {
  name: string;
  key: string;
}

/**
 * An environment variable's value: a literal, or a reference to a Secret or
 * ConfigMap key. In responses to callers who may not update the service, a
 * literal comes back as `{ hidden: true }`.
 *
 * @public
 */
export type EnvValue =
  | string
  | { secretKeyRef: KeyReference }
  | { configMapKeyRef: KeyReference }
  | { hidden: true };

/**
 * A service's settings in one channel.
 *
 * @public
 */
export interface ServiceChannelSpec {
  replicas: number;
  env: Record<string, EnvValue>;
}

/**
 * The optional migration step, run as a Job with the new image before rollout.
 *
 * @public
 */
export interface MigrationSpec {
  command: string[];
  timeoutSeconds: number;
  /** The Job's backoffLimit. */
  retries: number;
}

/**
 * The small config from which Slipway generates a service's Kubernetes objects.
 *
 * @public
 */
export interface ServiceSpec {
  /** Image repository without a tag, e.g. "registry.example.com/checkout". */
  image: string;
  port: number;
  /** Per channel, by channel name; channels not listed get one replica and no env. */
  channels: Record<string, ServiceChannelSpec>;
  migration?: MigrationSpec;
}

/**
 * A service Slipway deploys.
 *
 * @public
 */
export interface Service {
  name: string;
  /** The catalog entity, e.g. "component:default/checkout". */
  entityRef: string;
  /** The owning group, e.g. "group:default/team-payments". */
  ownerRef: string;
  spec: ServiceSpec;
  createdAt: string;
  updatedAt: string;
}

/**
 * A version of a service that CI built and published to Slipway.
 *
 * @public
 */
export interface Release {
  service: string;
  /** The image tag, e.g. "1.4.0" or "2026.12.03-abc1234". */
  version: string;
  /** The image's digest ("sha256:…"), where CI knows it. */
  digest?: string;
  /** The source commit the image was built from. */
  commit?: string;
  /** A link to the commit, e.g. on the git host. */
  commitUrl?: string;
  /** A link to the build that produced the image. */
  buildUrl?: string;
  /** A line about what changed, e.g. the commit's subject. */
  title?: string;
  /** Who or what published it: a user entity ref, or "service:<subject>" for CI. */
  publishedBy: string;
  publishedAt: string;
}

/**
 * Why Slipway started a deployment on its own, by which channel rule.
 *
 * @public
 */
export interface DeploymentAutomation {
  rule: 'auto-deploy' | 'auto-promote';
  /** What triggered it, in words, e.g. "1.4.0 succeeded and soaked in staging". */
  reason: string;
}

/**
 * One deployment: a version of a service into a channel.
 *
 * @public
 */
export interface Deployment {
  id: string;
  service: string;
  ownerRef: string;
  channel: string;
  version: string;
  previousVersion?: string;
  status: DeploymentStatus;
  requestedBy: string;
  approvedBy?: string;
  overrideReason?: string;
  /** Set when a channel rule started it, not a person. */
  automation?: DeploymentAutomation;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Migration and rollout outcomes, filled in as the run goes. */
  result?: DeploymentResult;
}

/**
 * What the migration and the rollout came to.
 *
 * @public
 */
export interface DeploymentResult {
  /** When the set was applied (or restored); deadlines count from here. */
  appliedAt?: string;
  migration?: {
    state: 'skipped' | 'succeeded' | 'failed';
    message: string;
    job?: string;
  };
  rollout?: {
    state: 'complete' | 'failed';
    message: string;
    reason?: string;
    /** When the rollout was judged complete; a soak counts from here. */
    completedAt?: string;
  };
  rollback?: { state: 'complete' | 'failed'; message: string };
  /** A newer release took its place before it ran (it was cancelled). */
  supersededBy?: string;
  /**
   * The engine's latest judgement of the rollout while it judges it (rolling
   * out, soaking, rolling back): the Deploy tab shows this one, so the two
   * never disagree.
   */
  verdict?: {
    state: 'progressing' | 'complete' | 'failed';
    message: string;
    /** When the engine last saw it change (ISO). */
    at: string;
  };
  soak?: {
    /** Seconds the workloads were unhealthy during the soak so far. */
    unavailableSeconds: number;
    /** When the last look found them unhealthy (ISO), to add up the next. */
    unhealthySince?: string;
  };
}

/**
 * One step in a deployment's life, for the timeline and the live feed.
 *
 * @public
 */
export interface DeploymentEvent {
  /** Increasing; use as a cursor. */
  id: number;
  deploymentId: string;
  type: string;
  message: string;
  data?: Record<string, unknown>;
  createdAt: string;
}

/**
 * A container's state as the Deploy tab shows it.
 *
 * @public
 */
export interface ContainerState {
  name: string;
  image: string;
  ready: boolean;
  restartCount: number;
  state: 'running' | 'waiting' | 'terminated' | 'unknown';
  reason?: string;
  message?: string;
  exitCode?: number;
  lastTerminated?: { reason?: string; exitCode?: number; finishedAt?: string };
}

/**
 * A pod of a service in a channel.
 *
 * @public
 */
export interface PodState {
  name: string;
  phase: string;
  version?: string;
  ready: boolean;
  containers: ContainerState[];
}

/**
 * One workload of a service's set in a channel, with its pods (live).
 *
 * @public
 */
export interface WorkloadStatus {
  kind: string;
  name: string;
  health: RolloutHealth;
  /** Pods ready, of those the workload wants (a DaemonSet: of those it has). */
  ready: number;
  desired: number;
  message: string;
  pods: PodState[];
}

/**
 * Live rollout state of a service in a channel (not stored).
 *
 * @public
 */
export interface ChannelStatus {
  channel: string;
  health: RolloutHealth;
  desiredVersion?: string;
  runningVersion?: string;
  replicas: {
    desired: number;
    updated: number;
    ready: number;
    available: number;
  };
  conditions: Array<{
    type: string;
    status: string;
    reason?: string;
    message?: string;
  }>;
  message: string;
  pods: PodState[];
  /**
   * Each workload of the set the channel runs (Deployments, StatefulSets,
   * DaemonSets), when Slipway knows the set.
   */
  workloads?: WorkloadStatus[];
  /** Set when the cluster could not be read; the other fields are then empty. */
  error?: string;
  /**
   * While a deployment's rollout is being judged, the deployment whose
   * judgement `health` and `message` are: the engine's, not a second one.
   */
  judgedBy?: string;
}

/**
 * The evidence captured when a rollout or migration fails: pods, containers,
 * exit codes, logs of the previous container, and events.
 *
 * @public
 */
export interface FailureEvidence {
  kind: 'migration' | 'rollout';
  capturedAt: string;
  pods: Array<{
    name: string;
    containers: Array<
      ContainerState & { logs?: string; previousLogs?: string }
    >;
  }>;
  events: Array<{
    reason: string;
    message: string;
    type: string;
    object: string;
    count?: number;
    lastSeen?: string;
  }>;
}
