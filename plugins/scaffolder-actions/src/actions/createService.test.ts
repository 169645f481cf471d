import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { ProvisionedChannel, Service } from '@slipway/plugin-deploy-common';
import yaml from 'yaml';
import {
  DeployBackendClient,
  DeployBackendError,
} from '../client/DeployBackendClient';
import { createCreateServiceAction } from './createService';
import { examples } from './createService.examples';

const CHANNELS = ['dev', 'staging', 'prod'];

function provisioned(name: string, channel: string): ProvisionedChannel {
  return {
    channel,
    namespace: `slipway-${channel}`,
    objects: [
      { kind: 'ServiceAccount', name },
      { kind: 'Service', name },
    ],
  };
}

/** The deploy backend as the action sees it: the edge these tests replace. */
function fakeDeployBackend(existing?: Partial<Service>) {
  return {
    findService: jest.fn(async () => existing as Service | undefined),
    registerService: jest.fn(async (request: any) => request),
    listChannels: jest.fn(async () =>
      CHANNELS.map((name, order) => ({ name, order })),
    ),
    provisionChannel: jest.fn(async (name: string, channel: string) =>
      provisioned(name, channel),
    ),
    renderService: jest.fn(async (request: any) =>
      CHANNELS.map(channel => ({
        channel,
        namespace: `slipway-${channel}`,
        objects: [
          { kind: 'ServiceAccount', metadata: { name: request.name } },
          { kind: 'Service', metadata: { name: request.name } },
        ],
      })),
    ),
  };
}

function setUp(existing?: Partial<Service>) {
  const deployBackend = fakeDeployBackend(existing);
  const catalog = catalogServiceMock({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'team-payments', namespace: 'default' },
        spec: { type: 'team', children: [] },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'checkout', namespace: 'default' },
        spec: {
          type: 'service',
          lifecycle: 'production',
          owner: 'group:default/team-payments',
        },
      },
    ],
  });
  const deployBackendFor = jest.fn(
    () => deployBackend as unknown as DeployBackendClient,
  );
  const action = createCreateServiceAction({ catalog, deployBackendFor });
  return { action, deployBackend, deployBackendFor };
}

const input = {
  name: 'checkout',
  image: 'registry.example.com/checkout',
  port: 8080,
};

describe('deploy:service:create', () => {
  it('registers the service, then creates it in every channel in order', async () => {
    const { action, deployBackend, deployBackendFor } = setUp();
    const ctx = createMockActionContext({
      input: { ...input, migration: { command: './migrate up' } },
    });

    await action.handler(ctx);

    expect(deployBackendFor).toHaveBeenCalledWith(
      await ctx.getInitiatorCredentials(),
    );
    expect(deployBackend.registerService).toHaveBeenCalledWith({
      name: 'checkout',
      entityRef: 'component:default/checkout',
      spec: {
        image: 'registry.example.com/checkout',
        port: 8080,
        channels: {},
        migration: {
          command: ['sh', '-c', './migrate up'],
          timeoutSeconds: 600,
          retries: 0,
        },
      },
    });
    expect(deployBackend.provisionChannel.mock.calls).toEqual(
      CHANNELS.map(channel => ['checkout', channel]),
    );
    expect(ctx.output).toHaveBeenCalledWith('name', 'checkout');
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/checkout',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'channels',
      CHANNELS.map(channel => provisioned('checkout', channel)),
    );
  });

  it('wraps each side effect in its own checkpoint, so a re-run skips what is done', async () => {
    const { action } = setUp();
    const keys: string[] = [];
    const ctx = createMockActionContext({ input });
    ctx.checkpoint = (async ({ key, fn }: any) => {
      keys.push(key);
      return fn();
    }) as typeof ctx.checkpoint;

    await action.handler(ctx);

    expect(keys).toEqual([
      'register-checkout',
      'provision-checkout-dev',
      'provision-checkout-staging',
      'provision-checkout-prod',
    ]);
  });

  it('in a dry run shows what it would create and changes nothing', async () => {
    const { action, deployBackend } = setUp();
    const ctx = {
      ...createMockActionContext({ input }),
      isDryRun: true,
    };

    await action.handler(ctx);

    expect(deployBackend.renderService).toHaveBeenCalled();
    expect(deployBackend.registerService).not.toHaveBeenCalled();
    expect(deployBackend.provisionChannel).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith(
      'channels',
      CHANNELS.map(channel => provisioned('checkout', channel)),
    );
  });

  it('registers no migration for a blank command', async () => {
    const { action, deployBackend } = setUp();
    await action.handler(
      createMockActionContext({
        input: { ...input, migration: { command: '  ' } },
      }),
    );
    expect(
      deployBackend.registerService.mock.calls[0][0].spec,
    ).not.toHaveProperty('migration');
  });

  it('waits for the entity in the catalog, and says so when it never comes', async () => {
    const { action, deployBackend } = setUp();
    const ctx = createMockActionContext({
      input: {
        ...input,
        name: 'billing',
        entityRef: 'component:default/billing',
        waitForEntitySeconds: 0,
      },
    });

    await expect(action.handler(ctx)).rejects.toThrow(
      "component:default/billing is not in the catalog after 0s (or you may not see it). Publish the entity before this step: Slipway takes the service's owner from it",
    );
    expect(deployBackend.registerService).not.toHaveBeenCalled();
  });

  it('refuses a name another entity already registered, and accepts its own', async () => {
    const taken = setUp({
      name: 'checkout',
      entityRef: 'component:default/legacy-checkout',
    });
    await expect(
      taken.action.handler(createMockActionContext({ input })),
    ).rejects.toThrow(
      'The service name "checkout" is already used by component:default/legacy-checkout; choose another name',
    );
    expect(taken.deployBackend.registerService).not.toHaveBeenCalled();

    const ours = setUp({
      name: 'checkout',
      entityRef: 'component:default/checkout',
    });
    await ours.action.handler(createMockActionContext({ input }));
    expect(ours.deployBackend.registerService).toHaveBeenCalled();
  });

  it('refuses a name that is not a DNS label before calling anything', async () => {
    const { action, deployBackendFor } = setUp();
    await expect(
      action.handler(
        createMockActionContext({ input: { ...input, name: 'Check_Out' } }),
      ),
    ).rejects.toThrow('Service name "Check_Out" must contain only lowercase');
    expect(deployBackendFor).not.toHaveBeenCalled();
  });

  it('says which channels were done when one fails', async () => {
    const { action, deployBackend } = setUp();
    deployBackend.provisionChannel.mockImplementation(async (name, channel) => {
      if (channel === 'prod') {
        throw new DeployBackendError(
          404,
          'POST /services/checkout/channels/prod/provision failed: namespace "slipway-prod" does not exist',
        );
      }
      return provisioned(name, channel);
    });

    await expect(
      action.handler(createMockActionContext({ input })),
    ).rejects.toThrow(
      'Could not create checkout in channel prod: POST /services/checkout/channels/prod/provision failed: namespace "slipway-prod" does not exist. ' +
        'Already created in: dev, staging. Fix the cause and run the template again',
    );
  });

  it('runs its documented examples', async () => {
    for (const example of examples) {
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe('deploy:service:create');
      const { action, deployBackend } = setUp();
      const ctx = createMockActionContext({
        input: {
          ...step.input,
          name: 'checkout',
          image: 'registry.example.com/checkout',
        },
      });
      await action.handler(ctx);
      expect(deployBackend.provisionChannel).toHaveBeenCalledTimes(3);
    }
    const detailed = yaml.parse(examples[1].example).steps[0].input;
    const { action, deployBackend } = setUp();
    await action.handler(createMockActionContext({ input: detailed }));
    expect(deployBackend.registerService).toHaveBeenCalledWith(
      expect.objectContaining({
        spec: expect.objectContaining({
          channels: {
            dev: { replicas: 1, env: { LOG_LEVEL: 'debug' } },
            prod: {
              replicas: 3,
              env: {
                DATABASE_PASSWORD: {
                  secretKeyRef: { name: 'checkout-db', key: 'password' },
                },
              },
            },
          },
          migration: {
            command: ['./migrate', 'up'],
            timeoutSeconds: 300,
            retries: 1,
          },
        }),
      }),
    );
  });
});
