// The REST API of the deploy backend, under /api/deploy. The backend's
// OpenAPI spec (plugins/deploy-backend/src/schema/openapi.yaml) is the
// authority; these are the same shapes for TypeScript callers.
import {
  ChannelStatus,
  Deployment,
  DeploymentEvent,
  DeploymentStatus,
  FailureEvidence,
  Release,
  ReleaseChannel,
  Service,
  ServiceSpec,
} from './types';

/**
 * `GET /channels` — the release channels in promotion order.
 *
 * @public
 */
export interface ListChannelsResponse {
  items: ReleaseChannel[];
}

/**
 * `POST /services` — register a service, or update the spec of a registered
 * one (the scaffolder calls this). The catalog entity must exist; the
 * service's owner is the entity's owner.
 *
 * @public
 */
export interface RegisterServiceRequest {
  name: string;
  entityRef: string;
  spec: ServiceSpec;
}

/**
 * `GET /services/{name}/status` — live rollout state in every channel.
 *
 * @public
 */
export interface ServiceStatusResponse {
  service: Service;
  channels: ChannelStatus[];
}

/**
 * `POST /deployments` — deploy a version, or promote (no version: take the
 * version that succeeded in the previous channel).
 *
 * @public
 */
export interface CreateDeploymentRequest {
  service: string;
  channel: string;
  version?: string;
  /** Skips the promotion rule; needs the override permission and is recorded. */
  overrideReason?: string;
}

/**
 * `GET /deployments/{id}` — one deployment with its events and evidence.
 *
 * @public
 */
export interface DeploymentDetails {
  deployment: Deployment;
  events: DeploymentEvent[];
  evidence: FailureEvidence[];
}

/**
 * `GET /deployments` — query parameters; all optional, combined with AND.
 *
 * @public
 */
export interface ListDeploymentsQuery {
  service?: string;
  /** Owner group ref, e.g. "group:default/team-payments". */
  team?: string;
  channel?: string;
  status?: DeploymentStatus;
  /** ISO timestamps; createdAt within [from, to). */
  from?: string;
  to?: string;
  /** Page size, 1–200, default 50. */
  limit?: number;
  /** Opaque cursor from a previous page's nextCursor. */
  cursor?: string;
}

/**
 * `GET /deployments` — a page of history, newest first.
 *
 * @public
 */
export interface ListDeploymentsResponse {
  items: Deployment[];
  nextCursor?: string;
}

/**
 * `GET /metrics?team=&from=&to=` — a team's delivery figures over a window.
 *
 * @public
 */
export interface TeamMetricsResponse {
  team: string;
  from: string;
  to: string;
  deployments: number;
  /** Deployments per day, each day in the window (UTC), oldest first. */
  perDay: Array<{
    day: string;
    total: number;
    succeeded: number;
    failed: number;
  }>;
  /** Succeeded ÷ finished, 0–1; absent when nothing finished. */
  successRate?: number;
  medianDurationSeconds?: number;
  /** Failed or rolled back ÷ finished, 0–1. */
  changeFailureRate?: number;
  /** Mean time from a failure in a channel to the next success there. */
  meanTimeToRestoreSeconds?: number;
}

/**
 * `GET /services/{name}/channels/{channel}/pods/{pod}/logs?container=&previous=`
 *
 * @public
 */
export interface PodLogsResponse {
  pod: string;
  container: string;
  previous: boolean;
  text: string;
}

/**
 * One side of a diff: what a channel runs, or would run.
 *
 * @public
 */
export interface SetDiffSide {
  channel: string;
  version?: string;
  /** The deployment whose set this is; absent for a set not deployed yet. */
  deploymentId?: string;
}

/**
 * How one object differs between two sets.
 *
 * @public
 */
export interface ObjectChange {
  kind: string;
  name: string;
  change: 'added' | 'removed' | 'changed';
  /**
   * The change as unified-diff lines of YAML ("-" base, "+" head, " "
   * context, "@@" between hunks); status, managed fields and Slipway's own
   * labels are left out.
   */
  diff: string;
}

/**
 * What changes between two rendered sets: `GET
 * /services/{service}/diff` (a deploy or promotion before it is confirmed),
 * `GET /services/{service}/compare` (two channels) and `GET
 * /deployments/{id}/diff` (a deployment and the set before it).
 *
 * @public
 */
export interface SetDiff {
  /** Absent when the channel runs nothing Slipway applied yet. */
  base?: SetDiffSide;
  head: SetDiffSide;
  changes: ObjectChange[];
  /** How many objects are the same on both sides. */
  unchanged: number;
  /** The head runs migration Jobs before its rollout (never part of the diff: each deployment runs its own). */
  migrations: string[];
}

/**
 * `POST /services/{service}/releases` — what CI publishes for each image it
 * built. Publishing the same version again with the same fields changes
 * nothing; with different ones it is a 409.
 *
 * @public
 */
export interface PublishReleaseRequest {
  version: string;
  digest?: string;
  commit?: string;
  commitUrl?: string;
  buildUrl?: string;
  title?: string;
}

/**
 * `GET /services/{service}/releases?limit=&cursor=` — newest first.
 *
 * @public
 */
export interface ListReleasesResponse {
  items: Release[];
  nextCursor?: string;
}

/**
 * Where one release stands in one channel.
 *
 * - `deployed`: it succeeded there (`current` when the channel still runs it);
 * - `deploying`: a deployment of it is migrating, rolling out or rolling back;
 * - `waiting`: for its soak to end, for an approval, or for the deploy window;
 * - `failed`: its deployment there failed or was rolled back;
 * - `superseded`: a newer release took its place before it got there;
 * - `cancelled`, `rejected`: a person stopped it there;
 * - `pending`: not there yet.
 *
 * @public
 */
export interface PipelineStage {
  channel: string;
  state:
    | 'deployed'
    | 'deploying'
    | 'waiting'
    | 'failed'
    | 'superseded'
    | 'cancelled'
    | 'rejected'
    | 'pending';
  /** For `deployed`: the channel runs this release now. */
  current?: boolean;
  waitingFor?: 'soak' | 'approval' | 'window';
  /** For a soak: when it ends (ISO). */
  soakEndsAt?: string;
  /** For an approval: who may approve (the owning team, by the portal's policy). */
  approvers?: string[];
  /** For a window: the window, in words. */
  window?: string;
  /** The deployment of this release in this channel the stage is about. */
  deploymentId?: string;
  automation?: Deployment['automation'];
  message: string;
}

/**
 * `GET /services/{service}/pipeline` — the recent releases, newest first,
 * and where each stands in every channel.
 *
 * @public
 */
export interface PipelineResponse {
  service: string;
  channels: string[];
  releases: Array<{ release: Release; stages: PipelineStage[] }>;
}

/**
 * `GET /services/{service}/changes?base=prod&head=staging` — the releases
 * `head` runs that `base` does not yet: published after base's release, up
 * to head's, newest first.
 *
 * @public
 */
export interface ReleaseChangesResponse {
  base: { channel: string; version?: string };
  head: { channel: string; version?: string };
  releases: Release[];
}
