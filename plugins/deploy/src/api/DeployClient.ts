import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  CreateDeploymentRequest,
  Deployment,
  DeploymentDetails,
  ListChannelsResponse,
  ListDeploymentsQuery,
  ListDeploymentsResponse,
  ListReleasesResponse,
  PipelineResponse,
  PodLogsResponse,
  PublishReleaseRequest,
  Release,
  ReleaseChangesResponse,
  ServiceStatusResponse,
  SetDiff,
  TeamMetricsResponse,
} from '@slipway/plugin-deploy-common';
import {
  CompareChannelsRequest,
  DeployApi,
  ListReleasesQuery,
  PodLogsRequest,
  ReleaseChangesRequest,
  SetDiffRequest,
  TeamMetricsQuery,
} from './DeployApi';

/**
 * The {@link DeployApi} over HTTP. Failed responses throw a `ResponseError`
 * that carries the backend's message, so the user sees why.
 *
 * @public
 */
export class DeployClient implements DeployApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getChannels(): Promise<ListChannelsResponse> {
    return this.request('/channels');
  }

  getServiceStatus(service: string): Promise<ServiceStatusResponse> {
    return this.request(`/services/${encodeURIComponent(service)}/status`);
  }

  createDeployment(request: CreateDeploymentRequest): Promise<Deployment> {
    return this.post('/deployments', request);
  }

  listDeployments(
    query: ListDeploymentsQuery = {},
  ): Promise<ListDeploymentsResponse> {
    return this.request(`/deployments${queryString({ ...query })}`);
  }

  getDeployment(id: string): Promise<DeploymentDetails> {
    return this.request(`/deployments/${encodeURIComponent(id)}`);
  }

  approveDeployment(id: string): Promise<Deployment> {
    return this.post(`/deployments/${encodeURIComponent(id)}/approve`);
  }

  cancelDeployment(id: string): Promise<Deployment> {
    return this.post(`/deployments/${encodeURIComponent(id)}/cancel`);
  }

  rollback(service: string, channel: string): Promise<Deployment> {
    return this.post(
      `/services/${encodeURIComponent(service)}/channels/${encodeURIComponent(
        channel,
      )}/rollback`,
    );
  }

  getPodLogs(request: PodLogsRequest): Promise<PodLogsResponse> {
    const { service, channel, pod, container, previous } = request;
    return this.request(
      `/services/${encodeURIComponent(service)}/channels/${encodeURIComponent(
        channel,
      )}/pods/${encodeURIComponent(pod)}/logs${queryString({
        container,
        // Only ever "true": a server reading the flag as a string would
        // take "false" for true.
        previous: previous || undefined,
      })}`,
    );
  }

  getTeamMetrics(query: TeamMetricsQuery): Promise<TeamMetricsResponse> {
    return this.request(`/metrics${queryString({ ...query })}`);
  }

  getDiff(request: SetDiffRequest): Promise<SetDiff> {
    const { service, channel, version } = request;
    return this.request(
      `/services/${encodeURIComponent(service)}/diff${queryString({
        channel,
        version,
      })}`,
    );
  }

  compareChannels(request: CompareChannelsRequest): Promise<SetDiff> {
    const { service, base, head } = request;
    return this.request(
      `/services/${encodeURIComponent(service)}/compare${queryString({
        base,
        head,
      })}`,
    );
  }

  getDeploymentDiff(id: string): Promise<SetDiff> {
    return this.request(`/deployments/${encodeURIComponent(id)}/diff`);
  }

  publishRelease(
    service: string,
    request: PublishReleaseRequest,
  ): Promise<Release> {
    return this.post(
      `/services/${encodeURIComponent(service)}/releases`,
      request,
    );
  }

  listReleases(
    service: string,
    query: ListReleasesQuery = {},
  ): Promise<ListReleasesResponse> {
    return this.request(
      `/services/${encodeURIComponent(service)}/releases${queryString({
        ...query,
      })}`,
    );
  }

  getPipeline(service: string): Promise<PipelineResponse> {
    return this.request(`/services/${encodeURIComponent(service)}/pipeline`);
  }

  getReleaseChanges(
    request: ReleaseChangesRequest,
  ): Promise<ReleaseChangesResponse> {
    const { service, base, head } = request;
    return this.request(
      `/services/${encodeURIComponent(service)}/changes${queryString({
        base,
        head,
      })}`,
    );
  }

  private post<T>(path: string, body?: object): Promise<T> {
    if (body === undefined) {
      return this.request(path, { method: 'POST' });
    }
    return this.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('deploy');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

/** "?a=1&b=x" from the defined values, or "" when there are none. */
function queryString(
  params: Record<string, string | number | boolean | undefined>,
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') {
      search.append(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
