import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  CreateDeploymentRequest,
  DefaultApiClient,
  Deployment,
  DeploymentDetails,
  ProvisionedChannel,
  RegisterServiceRequest,
  ReleaseChannel,
  RenderServiceRequest,
  RenderedChannel,
  RequestOptions,
  Service,
  TypedResponse,
} from '@slipway/plugin-deploy-common';

/**
 * A failed call to the deploy backend. Its message is the backend's own
 * (e.g. "The service name 'checkout' is taken by …"), so a template's log
 * tells the user what to do.
 *
 * @public
 */
export class DeployBackendError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
    this.name = 'DeployBackendError';
  }
}

/**
 * The deploy backend's REST API as the scaffolder actions call it: every call
 * is made on behalf of the user who runs the template, so the deploy
 * backend's permission policy applies to them. Failures carry the backend's
 * message.
 *
 * @public
 */
export class DeployBackendClient {
  private readonly client: DefaultApiClient;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
    private readonly credentials: BackstageCredentials,
  ) {
    // The platform's fetch, not the generated client's default polyfill.
    this.client = new DefaultApiClient({
      discoveryApi: discovery,
      fetchApi: { fetch },
    });
  }

  async listChannels(): Promise<ReleaseChannel[]> {
    const { items } = await this.call('GET', options =>
      this.client.listChannels({}, options),
    );
    return [...items].sort((a, b) => a.order - b.order);
  }

  /** The registered service, or undefined when the name is free. */
  async findService(name: string): Promise<Service | undefined> {
    try {
      return await this.call('GET', options =>
        this.client.getService({ path: { service: name } }, options),
      );
    } catch (error) {
      if (error instanceof DeployBackendError && error.statusCode === 404) {
        return undefined;
      }
      throw error;
    }
  }

  registerService(request: RegisterServiceRequest): Promise<Service> {
    return this.call('POST', options =>
      this.client.registerService({ body: request }, options),
    );
  }

  async renderService(
    request: RenderServiceRequest,
  ): Promise<RenderedChannel[]> {
    const { items } = await this.call('POST', options =>
      this.client.renderService({ body: request }, options),
    );
    return items;
  }

  provisionChannel(
    service: string,
    channel: string,
  ): Promise<ProvisionedChannel> {
    return this.call('POST', options =>
      this.client.provisionChannel({ path: { service, channel } }, options),
    );
  }

  createDeployment(request: CreateDeploymentRequest): Promise<Deployment> {
    return this.call('POST', options =>
      this.client.createDeployment({ body: request }, options),
    );
  }

  getDeployment(id: string): Promise<DeploymentDetails> {
    return this.call('GET', options =>
      this.client.getDeployment({ path: { id } }, options),
    );
  }

  /** One call of the generated client with the user's token; its body, or a DeployBackendError. */
  private async call<T>(
    method: 'GET' | 'POST',
    send: (options: RequestOptions) => Promise<TypedResponse<T>>,
  ): Promise<T> {
    const [baseUrl, { token }] = await Promise.all([
      this.discovery.getBaseUrl('deploy'),
      this.auth.getPluginRequestToken({
        onBehalfOf: this.credentials,
        targetPluginId: 'deploy',
      }),
    ]);
    const response = await send({ token });
    if (!response.ok) {
      const path = response.url.slice(baseUrl.length).split('?')[0];
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
async function errorMessageOf(
  response: TypedResponse<unknown>,
): Promise<string> {
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
