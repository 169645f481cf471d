import {
  Deployment,
  DeploymentAutomation,
  DeploymentEvent,
  DeploymentResult,
  DeploymentStatus,
  FailureEvidence,
  ListDeploymentsQuery,
  ListDeploymentsResponse,
  PublishReleaseRequest,
  Service,
  ServiceSpec,
  TeamMetricsResponse,
} from '@slipway/plugin-deploy-common';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { DeployServiceQuery } from '../permissions/resources';
import { RenderedSet } from '../manifests/renderedSet';
import { ManifestSnapshot } from '../manifests/source/ManifestSnapshot';
import { StoredRelease } from './operations/releases';

export type { StoredRelease } from './operations/releases';

/**
 * The services a caller may read, as a permission condition in query form;
 * lists narrowed by it are filtered and paged by the database.
 */
export type ReadableServices = PermissionCriteria<DeployServiceQuery>;

/** A service as it is registered: the owner is the catalog entity's. */
export interface ServiceRegistration {
  name: string;
  entityRef: string;
  ownerRef: string;
  spec: ServiceSpec;
}

/**
 * A deployment as the store keeps it: the public shape plus where the worker
 * is within the current status, so a restarted backend resumes there.
 */
/** A deployment's rendered set as stored. */
export interface StoredSet extends RenderedSet {
  hash: string;
}

export interface StoredDeployment extends Deployment {
  step?: string;
  /** Transient step failures in a row since the last status change. */
  attempts?: number;
  /**
   * The token of the claim that returned this deployment (claimNext only):
   * the driver passes it to every write, which applies only while the claim
   * is still this one.
   */
  claim?: string;
}

/** What it takes to request a deployment. */
export interface CreateDeploymentInput {
  /** The id, when the caller needed it before (to render the set); a new one otherwise. */
  id?: string;
  service: string;
  channel: string;
  version: string;
  /**
   * The spec this deployment applies, pinned now so that later changes of
   * the service don't change it; the service's current spec when omitted.
   */
  spec?: ServiceSpec;
  /** The exact objects the deployment will apply, stored with it. */
  set?: RenderedSet;
  requestedBy: string;
  /** The version running in the channel now, when known at request time. */
  previousVersion?: string;
  overrideReason?: string;
  /** Set when a channel rule, not a person, asked for it. */
  automation?: DeploymentAutomation;
  /** awaiting_approval when the channel's policy wants an approval first. */
  status?: 'requested' | 'awaiting_approval';
  /** Its first timeline events, written in the same transaction. */
  events?: NewDeploymentEvent[];
}

/** A move from one status to another, applied only from the listed statuses. */
export interface DeploymentTransition {
  /** The statuses the deployment may be in for the move to apply. */
  from: DeploymentStatus[];
  to: DeploymentStatus;
  /** Where the worker is within `to`; cleared when omitted or null. */
  step?: string | null;
  /** When set, the move applies only while this claim (its token) holds. */
  claim?: string;
  /** Recorded on the timeline in the same transaction as the move. */
  event?: NewDeploymentEvent;
  result?: DeploymentResult;
  approvedBy?: string;
  previousVersion?: string;
  /** ISO time. */
  startedAt?: string;
  /** ISO time; defaults to now when `to` is final. */
  finishedAt?: string;
}

/** A step to record on a deployment's timeline. */
export interface NewDeploymentEvent {
  type: string;
  message: string;
  data?: Record<string, unknown>;
}

/** The window and team that delivery figures are computed for. */
export interface TeamMetricsQuery {
  /** Owner group ref, e.g. "group:default/team-payments". */
  team: string;
  /** ISO timestamps; deployments created within [from, to). */
  from: string;
  to: string;
  /** When set, only the deployments of services matching it count. */
  readable?: ReadableServices;
}

/**
 * Durable state of the deploy engine: services, deployments and their
 * events and failure evidence.
 */
export interface DeploymentStore {
  /**
   * Registers a service, or updates its spec and owner when the same catalog
   * entity registers it again. Throws ConflictError when the name or the
   * entity already belongs to another registration.
   */
  registerService(registration: ServiceRegistration): Promise<Service>;

  /** The service with this name, if registered. */
  getService(name: string): Promise<Service | undefined>;

  /** The service registered for this catalog entity, if any. */
  getServiceByEntityRef(entityRef: string): Promise<Service | undefined>;

  /** Every registered service, by name; only the owner's, or the readable ones, when given. */
  listServices(options?: {
    ownerRef?: string;
    readable?: ReadableServices;
  }): Promise<Service[]>;

  /**
   * Moves a service to another owner, with its whole deployment history, so
   * team pages follow ownership. Throws NotFoundError for an unknown service.
   */
  updateServiceOwner(name: string, ownerRef: string): Promise<Service>;

  /**
   * Records a new deployment in `requested` (or `awaiting_approval`). Throws
   * NotFoundError for an unknown service, and ConflictError naming the
   * running deployment when the service already has one active in the channel.
   */
  createDeployment(input: CreateDeploymentInput): Promise<StoredDeployment>;

  /** The deployment with this id, if any. */
  getDeployment(id: string): Promise<StoredDeployment | undefined>;

  /**
   * The spec a deployment was requested with; undefined for a deployment
   * recorded before specs were pinned (the service's current spec applies).
   */
  getDeploymentSpec(id: string): Promise<ServiceSpec | undefined>;

  /**
   * The set a deployment applies, and its hash; undefined for a deployment
   * recorded before sets were stored.
   */
  getDeploymentSet(id: string): Promise<StoredSet | undefined>;

  /** Keeps a manifest directory as read; the same content is kept once. */
  saveManifestSource(source: ManifestSnapshot): Promise<void>;

  getManifestSource(hash: string): Promise<ManifestSnapshot | undefined>;

  /** The deployment of this service in this channel that is not final yet. */
  getActiveDeployment(
    service: string,
    channel: string,
  ): Promise<StoredDeployment | undefined>;

  /** The latest deployment of this service that succeeded in this channel. */
  lastSucceeded(
    service: string,
    channel: string,
  ): Promise<StoredDeployment | undefined>;

  /**
   * Moves a deployment to `to` if it is still in one of `from`; returns
   * whether it moved. A final `to` frees the channel for the next deployment.
   */
  transition(id: string, change: DeploymentTransition): Promise<boolean>;

  /** Approves a deployment awaiting approval; false if it was not waiting. */
  approve(id: string, approver: string): Promise<boolean>;

  /**
   * Claims one runnable deployment for this worker: one that is neither final
   * nor awaiting approval, is due, and is unclaimed or whose claim has not
   * been heartbeated within the lease (by the database's clock). Safe when
   * several replicas claim at once. The returned deployment carries the new
   * claim's token.
   */
  claimNext(options: {
    workerId: string;
    leaseSeconds: number;
    /** Deployments this process drives already: never claimed twice. */
    exclude?: string[];
  }): Promise<StoredDeployment | undefined>;

  /** Renews a claim; false if it was lost (taken over, aborted, released). */
  heartbeat(id: string, claim: string): Promise<boolean>;

  /**
   * Gives up a claim; false if it was not held. With `dueInMs`, the
   * deployment is not claimed again before then (a wait that holds no
   * worker); `attempts` records transient failures in a row.
   */
  release(
    id: string,
    claim: string,
    options?: { dueInMs?: number; attempts?: number },
  ): Promise<boolean>;

  /** Makes a released, waiting deployment due now (its objects changed). */
  wake(id: string): Promise<void>;

  /**
   * Adds a step to a deployment's timeline. With `claim`, only while that
   * claim holds: otherwise throws ClaimLostError and writes nothing.
   */
  appendEvent(
    deploymentId: string,
    event: NewDeploymentEvent,
    options?: { claim?: string },
  ): Promise<DeploymentEvent>;

  /** A deployment's timeline, oldest first; only after `afterId` when given. */
  listEvents(
    deploymentId: string,
    options?: { afterId?: number },
  ): Promise<DeploymentEvent[]>;

  /** Keeps what a failure looked like, before the pods and logs vanish; fenced like appendEvent. */
  addEvidence(
    deploymentId: string,
    evidence: FailureEvidence,
    options?: { claim?: string },
  ): Promise<void>;

  /** The evidence captured for a deployment, in capture order. */
  listEvidence(deploymentId: string): Promise<FailureEvidence[]>;

  /**
   * A page of deployment history, newest first, filtered by the query.
   * Throws InputError for a bad limit, time or cursor.
   */
  listDeployments(
    query: ListDeploymentsQuery,
    options?: { readable?: ReadableServices },
  ): Promise<ListDeploymentsResponse>;

  /** A team's delivery figures over a window of at most a year. */
  teamMetrics(query: TeamMetricsQuery): Promise<TeamMetricsResponse>;

  /**
   * Stores a release of a registered service; the same version again with
   * the same fields is a no-op (`created: false`), with others a 409.
   */
  publishRelease(
    service: string,
    request: PublishReleaseRequest,
    publishedBy: string,
  ): Promise<{ release: StoredRelease; created: boolean }>;

  getRelease(
    service: string,
    version: string,
  ): Promise<StoredRelease | undefined>;

  /** A page of releases, newest first; `after`: only those published after that seq. */
  listReleases(
    service: string,
    options?: { limit?: number; cursor?: string; after?: number },
  ): Promise<{ items: StoredRelease[]; nextCursor?: string }>;

  /** Deletes all but the newest `keep` releases, sparing the versions in `inUse`. */
  pruneReleases(
    service: string,
    keep: number,
    inUse: string[],
  ): Promise<number>;
}
