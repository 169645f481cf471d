import { createApiRef } from '@backstage/core-plugin-api';
import {
  CompareChannels,
  CreateDeploymentRequest,
  Deployment,
  DeploymentDetails,
  GetPodLogs,
  GetReleaseChanges,
  ListChannelsResponse,
  ListDeploymentsQuery,
  ListDeploymentsResponse,
  ListReleasesQuery,
  ListReleasesResponse,
  PipelineResponse,
  PodLogsResponse,
  PreviewServiceDiff,
  PublishReleaseRequest,
  RegisterServiceRequest,
  Release,
  ReleaseChangesResponse,
  Service,
  ServiceStatusResponse,
  SetDiff,
  TeamMetricsQuery,
  TeamMetricsResponse,
} from '@slipway/plugin-deploy-common';

// The query shapes are the spec's; the plugin exports them under these names.
export type { ListReleasesQuery, TeamMetricsQuery };

// The operations' path and query parameters, as one object each: the
// spec's own types (generated), flattened for callers.

/**
 * Which container's logs to read: the current one, or the one that ran
 * before the last restart (`previous`), which holds a crash's output.
 *
 * @public
 */
export type PodLogsRequest = GetPodLogs['path'] & GetPodLogs['query'];

/**
 * A deploy or promotion to preview: what it would change in `channel`;
 * without `version`, the promotion from the previous channel.
 *
 * @public
 */
export type SetDiffRequest = PreviewServiceDiff['path'] &
  PreviewServiceDiff['query'];

/**
 * Two channels of a service to compare: what `head` runs that `base` does not.
 *
 * @public
 */
export type CompareChannelsRequest = CompareChannels['path'] &
  CompareChannels['query'];

/**
 * Two channels of a service whose releases to compare: the releases `head`
 * runs that `base` does not yet.
 *
 * @public
 */
export type ReleaseChangesRequest = GetReleaseChanges['path'] &
  GetReleaseChanges['query'];

/**
 * Slipway's deploy backend (`/api/deploy`), as the frontend calls it.
 *
 * @public
 */
export interface DeployApi {
  /** The release channels in promotion order. */
  getChannels(): Promise<ListChannelsResponse>;
  /** Register a service with Slipway, or update a registered one's spec. */
  registerService(request: RegisterServiceRequest): Promise<Service>;
  /** Live rollout state of a service in every channel. */
  getServiceStatus(service: string): Promise<ServiceStatusResponse>;
  /** Deploy a version, or promote (no version) from the previous channel. */
  createDeployment(request: CreateDeploymentRequest): Promise<Deployment>;
  /** A page of deployment history, newest first. */
  listDeployments(
    query?: ListDeploymentsQuery,
  ): Promise<ListDeploymentsResponse>;
  /** One deployment with its events and failure evidence. */
  getDeployment(id: string): Promise<DeploymentDetails>;
  /** Approve a deployment that awaits approval. */
  approveDeployment(id: string): Promise<Deployment>;
  /** Cancel a deployment that has not finished. */
  cancelDeployment(id: string): Promise<Deployment>;
  /** Restore the version that ran in the channel before the current one. */
  rollback(service: string, channel: string): Promise<Deployment>;
  /** The logs of one container of a pod. */
  getPodLogs(request: PodLogsRequest): Promise<PodLogsResponse>;
  /** A team's deployments per day, success rate and median duration. */
  getTeamMetrics(query: TeamMetricsQuery): Promise<TeamMetricsResponse>;
  /** What deploying a version (or promoting) would change in a channel. */
  getDiff(request: SetDiffRequest): Promise<SetDiff>;
  /** What one channel runs that another does not. */
  compareChannels(request: CompareChannelsRequest): Promise<SetDiff>;
  /** What a deployment changed against the set its channel ran before it. */
  getDeploymentDiff(id: string): Promise<SetDiff>;
  /** Publish a release of a service, as CI does for every image it builds. */
  publishRelease(
    service: string,
    request: PublishReleaseRequest,
  ): Promise<Release>;
  /** A page of a service's releases, newest first. */
  listReleases(
    service: string,
    query?: ListReleasesQuery,
  ): Promise<ListReleasesResponse>;
  /** The recent releases of a service and where each stands in every channel. */
  getPipeline(service: string): Promise<PipelineResponse>;
  /** The releases one channel runs that another does not yet. */
  getReleaseChanges(
    request: ReleaseChangesRequest,
  ): Promise<ReleaseChangesResponse>;
}

/**
 * The reference to the {@link DeployApi}.
 *
 * @public
 */
export const deployApiRef = createApiRef<DeployApi>({ id: 'plugin.deploy' });
