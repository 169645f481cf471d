import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import { AddressInfo } from 'node:net';
import { DeployBackendClient, DeployBackendError } from './DeployBackendClient';

describe('DeployBackendClient', () => {
  let baseUrl: string;
  let server: ReturnType<express.Express['listen']>;
  const received: Array<{
    method: string;
    path: string;
    auth?: string;
    body: unknown;
  }> = [];

  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.use((req, res) => {
      received.push({
        method: req.method,
        path: req.path,
        auth: req.headers.authorization,
        body: req.body,
      });
      if (req.path === '/services/taken') {
        res.status(404).json({
          error: {
            name: 'NotFoundError',
            message: 'service "taken" is not registered with Slipway',
          },
        });
      } else if (req.path === '/services') {
        res.status(409).json({
          error: {
            name: 'ConflictError',
            message:
              "The service name 'checkout' is taken by component:default/other; choose another name",
          },
        });
      } else {
        res.json({
          items: [
            { name: 'prod', order: 1 },
            { name: 'dev', order: 0 },
          ],
        });
      }
    });
    server = app.listen(0);
    await new Promise(resolve => server.once('listening', resolve));
    baseUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  function client() {
    const discovery = mockServices.discovery.mock({
      getBaseUrl: async () => baseUrl,
    });
    return new DeployBackendClient(
      discovery,
      mockServices.auth(),
      mockCredentials.user('user:default/alice'),
    );
  }

  it('calls the deploy backend on behalf of the user', async () => {
    expect(await client().listChannels()).toEqual([
      { name: 'dev', order: 0 },
      { name: 'prod', order: 1 },
    ]);
    const call = received[received.length - 1];
    expect(call.path).toBe('/channels');
    expect(call.auth).toBe(
      mockCredentials.service.header({
        onBehalfOf: mockCredentials.user('user:default/alice'),
        targetPluginId: 'deploy',
      }),
    );
  });

  it('answers undefined for a service that is not registered', async () => {
    expect(await client().findService('taken')).toBeUndefined();
  });

  it("fails with the backend's own message", async () => {
    const failure = client().registerService({
      name: 'checkout',
      entityRef: 'component:default/checkout',
      spec: {
        image: 'registry.example.com/checkout',
        port: 8080,
        channels: {},
      },
    });
    await expect(failure).rejects.toBeInstanceOf(DeployBackendError);
    await expect(failure).rejects.toThrow(
      "POST /services failed: The service name 'checkout' is taken by component:default/other; choose another name",
    );
  });
});
