import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  CreateDeploymentRequest,
  Deployment,
  DeploymentDetails,
  RegisterServiceRequest,
  Service,
} from '@slipway/plugin-deploy-common';

/**
 * A failed call to the deploy backend. Its message is the backend's own
 * (e.g. "The service name 'checkout' is taken by …"), so a template's log
 * tells the user what to do.
 */
export class DeployBackendError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
    this.name = 'DeployBackendError';
  }
}

// Type aliases, not interfaces: checkpoint results must be JSON values.

/** An object Slipway creates, as the actions report it. */
export type ObjectRef = {
  kind: string;
  name: string;
};

/** The objects Slipway would create for a service in one channel (`POST /services/render`). */
export interface RenderedChannel {
  channel: string;
  namespace: string;
  objects: Array<{ kind: string; metadata: { name: string } }>;
}

/** What provisioning applied in one channel. */
export type ProvisionedChannel = {
  channel: string;
  namespace: string;
  objects: ObjectRef[];
};

/** A release channel, as far as the actions need it. */
export interface ChannelSummary {
  name: string;
  order: number;
}

/**
 * The deploy backend's REST API as the scaffolder actions call it: every call
 * is made on behalf of the user who runs the template, so the deploy
 * backend's permission policy applies to them. Failures carry the backend's
 * message.
 */
export class DeployBackendClient {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
    private readonly credentials: BackstageCredentials,
  ) {}

  async listChannels(): Promise<ChannelSummary[]> {
    const { items } = await this.request<{ items: ChannelSummary[] }>(
      'GET',
      '/channels',
    );
    return [...items].sort((a, b) => a.order - b.order);
  }

  /** The registered service, or undefined when the name is free. */
  async findService(name: string): Promise<Service | undefined> {
    try {
      return await this.request<Service>(
        'GET',
        `/services/${encodeURIComponent(name)}`,
      );
    } catch (error) {
      if (error instanceof DeployBackendError && error.statusCode === 404) {
        return undefined;
      }
      throw error;
    }
  }

  registerService(request: RegisterServiceRequest): Promise<Service> {
    return this.request('POST', '/services', request);
  }

  async renderService(
    request: RegisterServiceRequest,
    version?: string,
  ): Promise<RenderedChannel[]> {
    const { items } = await this.request<{ items: RenderedChannel[] }>(
      'POST',
      '/services/render',
      { ...request, ...(version && { version }) },
    );
    return items;
  }

  provisionChannel(
    service: string,
    channel: string,
  ): Promise<ProvisionedChannel> {
    return this.request(
      'POST',
      `/services/${encodeURIComponent(service)}/channels/${encodeURIComponent(
        channel,
      )}/provision`,
    );
  }

  createDeployment(request: CreateDeploymentRequest): Promise<Deployment> {
    return this.request('POST', '/deployments', request);
  }

  getDeployment(id: string): Promise<DeploymentDetails> {
    return this.request('GET', `/deployments/${encodeURIComponent(id)}`);
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const [baseUrl, { token }] = await Promise.all([
      this.discovery.getBaseUrl('deploy'),
      this.auth.getPluginRequestToken({
        onBehalfOf: this.credentials,
        targetPluginId: 'deploy',
      }),
    ]);
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) {
      throw new DeployBackendError(
        response.status,
        `${method} ${path} failed: ${await errorMessageOf(response)}`,
      );
    }
    // JSON.parse rather than response.json(): results become step outputs,
    // and the scaffolder's template engine takes only plain objects of its own
    // realm, which fetch's parser does not make under Jest.
    return JSON.parse(await response.text()) as T;
  }
}

/** The message of a Backstage error body (`{ error: { message } }`), else the status and text. */
async function errorMessageOf(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const message = JSON.parse(text)?.error?.message;
    if (typeof message === 'string') {
      return message;
    }
  } catch {
    // Not JSON, e.g. a proxy's error page: say what came back.
  }
  return `${response.status} ${response.statusText} ${text.slice(
    0,
    200,
  )}`.trim();
}
