import type {
  Deployment,
  DeploymentDetails,
  ListChannelsResponse,
  ListDeploymentsResponse,
  TeamMetricsResponse,
} from '@slipway/plugin-deploy-common';

/**
 * The portal's REST API as the guest user, for setting up what a test needs
 * and for reading what the page should show. The tests' assertions are about
 * the page; this is never what they check.
 */
export class PortalApi {
  private constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** The API as a service principal with a static external access token. */
  static asService(baseUrl: string, token: string): PortalApi {
    return new PortalApi(baseUrl, token);
  }

  static async signIn(baseUrl: string): Promise<PortalApi> {
    const response = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    if (!response.ok) {
      throw new Error(`guest sign-in failed: ${response.status}`);
    }
    const session = await response.json();
    return new PortalApi(baseUrl, session.backstageIdentity.token);
  }

  async request<T>(method: string, path: string, body?: object): Promise<T> {
    const response = await fetch(`${this.baseUrl}/api${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body && { 'Content-Type': 'application/json' }),
      },
      body: body && JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`${method} ${path}: ${response.status} ${text}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  channels(): Promise<ListChannelsResponse> {
    return this.request('GET', '/deploy/channels');
  }

  deployments(query: Record<string, string>): Promise<ListDeploymentsResponse> {
    return this.request(
      'GET',
      `/deploy/deployments?${new URLSearchParams(query)}`,
    );
  }

  teamMetrics(query: {
    team: string;
    from: string;
    to: string;
  }): Promise<TeamMetricsResponse> {
    return this.request('GET', `/deploy/metrics?${new URLSearchParams(query)}`);
  }

  /** Deploys and waits for the deployment to end, approving it if asked. */
  async deploy(
    service: string,
    channel: string,
    version: string,
  ): Promise<Deployment> {
    const created = await this.request<Deployment>(
      'POST',
      '/deploy/deployments',
      { service, channel, version },
    );
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const { deployment } = await this.request<DeploymentDetails>(
        'GET',
        `/deploy/deployments/${created.id}`,
      );
      if (deployment.finishedAt) {
        return deployment;
      }
      if (deployment.status === 'awaiting_approval') {
        await this.request('POST', `/deploy/deployments/${created.id}/approve`);
      }
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
    throw new Error(`${service} ${version} in ${channel} did not end in time`);
  }

  /** Waits until the catalog has read an entity. */
  async waitForEntity(ref: string): Promise<void> {
    const [kind, rest] = ref.split(':');
    const [namespace, name] = rest.split('/');
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      try {
        await this.request(
          'GET',
          `/catalog/entities/by-name/${kind}/${namespace}/${name}`,
        );
        return;
      } catch {
        await new Promise(resolve => setTimeout(resolve, 1000));
      }
    }
    throw new Error(`the catalog did not read ${ref} in time`);
  }
}
