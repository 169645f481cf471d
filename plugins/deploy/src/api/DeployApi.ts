import { createApiRef } from '@backstage/core-plugin-api';
import {
  CreateDeploymentRequest,
  Deployment,
  DeploymentDetails,
  ListChannelsResponse,
  ListDeploymentsQuery,
  ListDeploymentsResponse,
  PodLogsResponse,
  ServiceStatusResponse,
  TeamMetricsResponse,
} from '@slipway/plugin-deploy-common';

/**
 * Which container's logs to read: the current one, or the one that ran
 * before the last restart (`previous`), which holds a crash's output.
 *
 * @public
 */
export interface PodLogsRequest {
  service: string;
  channel: string;
  pod: string;
  container: string;
  previous?: boolean;
}

/**
 * A team's delivery figures over a window [from, to) of ISO timestamps.
 *
 * @public
 */
export interface TeamMetricsQuery {
  /** The owner group's ref, e.g. "group:default/team-payments". */
  team: string;
  from: string;
  to: string;
}

/**
 * Slipway's deploy backend (`/api/deploy`), as the frontend calls it.
 *
 * @public
 */
export interface DeployApi {
  /** The release channels in promotion order. */
  getChannels(): Promise<ListChannelsResponse>;
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
}

/**
 * The reference to the {@link DeployApi}.
 *
 * @public
 */
export const deployApiRef = createApiRef<DeployApi>({ id: 'plugin.deploy' });
