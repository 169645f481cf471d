import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  CreateDeploymentRequest,
  DefaultApiClient,
  Deployment,
  DeploymentDetails,
  ListChannelsResponse,
  ListDeploymentsQuery,
  ListDeploymentsResponse,
  ListReleasesResponse,
  PipelineResponse,
  PodLogsResponse,
  PublishReleaseRequest,
  RegisterServiceRequest,
  Release,
  ReleaseChangesResponse,
  Service,
  ServiceStatusResponse,
  SetDiff,
  TeamMetricsResponse,
  TypedResponse,
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
 * The {@link DeployApi} over HTTP, through the client generated from the
 * backend's OpenAPI spec. Failed responses throw a `ResponseError` that
 * carries the backend's message, so the user sees why.
 *
 * @public
 */
export class DeployClient implements DeployApi {
  private readonly client: DefaultApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.client = new DefaultApiClient(options);
  }

  getChannels(): Promise<ListChannelsResponse> {
    return ok(this.client.listChannels({}));
  }

  registerService(request: RegisterServiceRequest): Promise<Service> {
    return ok(this.client.registerService({ body: request }));
  }

  getServiceStatus(service: string): Promise<ServiceStatusResponse> {
    return ok(this.client.getServiceStatus({ path: { service } }));
  }

  createDeployment(request: CreateDeploymentRequest): Promise<Deployment> {
    return ok(this.client.createDeployment({ body: request }));
  }

  listDeployments(
    query: ListDeploymentsQuery = {},
  ): Promise<ListDeploymentsResponse> {
    return ok(this.client.listDeployments({ query: onTheWire(given(query)) }));
  }

  getDeployment(id: string): Promise<DeploymentDetails> {
    return ok(this.client.getDeployment({ path: { id } }));
  }

  approveDeployment(id: string): Promise<Deployment> {
    return ok(this.client.approveDeployment({ path: { id } }));
  }

  cancelDeployment(id: string): Promise<Deployment> {
    return ok(this.client.cancelDeployment({ path: { id } }));
  }

  rollback(service: string, channel: string): Promise<Deployment> {
    return ok(this.client.rollback({ path: { service, channel } }));
  }

  getPodLogs(request: PodLogsRequest): Promise<PodLogsResponse> {
    const { service, channel, pod, container, previous, tailLines } = request;
    return ok(
      this.client.getPodLogs({
        path: { service, channel, pod },
        // Only ever "true": a server reading the flag as a string would
        // take "false" for true.
        query: given({ container, previous: previous || undefined, tailLines }),
      }),
    );
  }

  getTeamMetrics(query: TeamMetricsQuery): Promise<TeamMetricsResponse> {
    return ok(this.client.getTeamMetrics({ query: onTheWire(query) }));
  }

  getDiff(request: SetDiffRequest): Promise<SetDiff> {
    const { service, channel, version } = request;
    return ok(
      this.client.previewServiceDiff({
        path: { service },
        query: given({ channel, version }),
      }),
    );
  }

  compareChannels(request: CompareChannelsRequest): Promise<SetDiff> {
    const { service, base, head } = request;
    return ok(
      this.client.compareChannels({ path: { service }, query: { base, head } }),
    );
  }

  getDeploymentDiff(id: string): Promise<SetDiff> {
    return ok(this.client.getDeploymentDiff({ path: { id } }));
  }

  publishRelease(
    service: string,
    request: PublishReleaseRequest,
  ): Promise<Release> {
    return ok(this.client.publishRelease({ path: { service }, body: request }));
  }

  listReleases(
    service: string,
    query: ListReleasesQuery = {},
  ): Promise<ListReleasesResponse> {
    return ok(
      this.client.listReleases({ path: { service }, query: given(query) }),
    );
  }

  getPipeline(service: string): Promise<PipelineResponse> {
    return ok(this.client.getPipeline({ path: { service }, query: {} }));
  }

  getReleaseChanges(
    request: ReleaseChangesRequest,
  ): Promise<ReleaseChangesResponse> {
    const { service, base, head } = request;
    return ok(
      this.client.getReleaseChanges({
        path: { service },
        query: { base, head },
      }),
    );
  }
}

/** The body of a 2xx response; otherwise a `ResponseError` with the backend's message. */
async function ok<T>(call: Promise<TypedResponse<T>>): Promise<T> {
  const response = await call;
  if (!response.ok) {
    throw await ResponseError.fromResponse(response as Response);
  }
  return response.json();
}

/**
 * A query as the generated client sends it: it expands the spec's names
 * (`from`, ISO strings), which its own types call `_from` and Date.
 */
function onTheWire<Q extends { from?: string; to?: string }, G>(query: Q): G {
  return query as unknown as G;
}

/** The query without empty filters: a form's blank field means "any", not "". */
function given<T extends object>(query: T): T {
  return Object.fromEntries(
    Object.entries(query).filter(([, v]) => v !== undefined && v !== ''),
  ) as T;
}
