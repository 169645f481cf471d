import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { Deployment, DeploymentStatus } from '@slipway/plugin-deploy-common';
import yaml from 'yaml';
import { DeployBackendClient } from '../client/DeployBackendClient';
import { createDeployServiceAction } from './deployService';
import { examples } from './deployService.examples';

function deployment(
  status: DeploymentStatus,
  result?: Deployment['result'],
): Deployment {
  return {
    id: '0b6f3c2e-2a47-4d1e-9d77-1f3a2b4c5d6e',
    service: 'checkout',
    ownerRef: 'group:default/team-payments',
    channel: 'dev',
    version: '1.0.0',
    status,
    requestedBy: 'user:default/mock',
    createdAt: '2026-11-27T10:00:00Z',
    result,
  };
}

/** The deploy backend as the action sees it, answering the statuses given in turn. */
function setUp(statuses: Array<Deployment>) {
  const deployBackend = {
    listChannels: jest.fn(async () => [
      { name: 'dev', order: 0 },
      { name: 'prod', order: 1 },
    ]),
    createDeployment: jest.fn(async () => deployment('requested')),
    getDeployment: jest.fn(async () => ({
      deployment: statuses.length > 1 ? statuses.shift()! : statuses[0],
      events: [],
      evidence: [],
    })),
  };
  const action = createDeployServiceAction({
    deployBackendFor: () => deployBackend as unknown as DeployBackendClient,
    pollIntervalMs: 1,
  });
  return { action, deployBackend };
}

describe('deploy:service:deploy', () => {
  it('deploys to the first channel and waits until it succeeds', async () => {
    const { action, deployBackend } = setUp([
      deployment('migrating'),
      deployment('rolling_out'),
      deployment('succeeded'),
    ]);
    const ctx = createMockActionContext({
      input: { service: 'checkout', version: '1.0.0' },
    });

    await action.handler(ctx);

    expect(deployBackend.createDeployment).toHaveBeenCalledWith({
      service: 'checkout',
      channel: 'dev',
      version: '1.0.0',
    });
    expect(deployBackend.getDeployment).toHaveBeenCalledTimes(3);
    expect(ctx.output).toHaveBeenCalledWith(
      'deploymentId',
      deployment('succeeded').id,
    );
    expect(ctx.output).toHaveBeenCalledWith('channel', 'dev');
    expect(ctx.output).toHaveBeenCalledWith('status', 'succeeded');
  });

  it('fails the step with the reason when the deployment fails', async () => {
    const { action } = setUp([
      deployment('failed', {
        migration: {
          state: 'failed',
          message: 'the migration Job failed: exit code 1',
        },
      }),
    ]);
    const ctx = createMockActionContext({
      input: { service: 'checkout', version: '1.0.0' },
    });

    await expect(action.handler(ctx)).rejects.toThrow(
      'of checkout 1.0.0 to dev ended failed: the migration Job failed: exit code 1',
    );
    expect(ctx.output).toHaveBeenCalledWith('status', 'failed');
  });

  it('fails the step when the deployment has not ended in time', async () => {
    const { action } = setUp([deployment('awaiting_approval')]);
    const ctx = createMockActionContext({
      input: {
        service: 'checkout',
        version: '1.0.0',
        channel: 'prod',
        timeoutSeconds: 1,
      },
    });

    await expect(action.handler(ctx)).rejects.toThrow(
      'is still awaiting_approval after 1 s',
    );
  });

  it('returns at once when told not to wait', async () => {
    const { action, deployBackend } = setUp([deployment('succeeded')]);
    const ctx = createMockActionContext({
      input: {
        service: 'checkout',
        version: '1.0.0',
        channel: 'prod',
        wait: false,
      },
    });

    await action.handler(ctx);

    expect(deployBackend.createDeployment).toHaveBeenCalledWith(
      expect.objectContaining({ channel: 'prod' }),
    );
    expect(deployBackend.getDeployment).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith('status', 'requested');
  });

  it('in a dry run deploys nothing', async () => {
    const { action, deployBackend } = setUp([deployment('succeeded')]);
    const ctx = {
      ...createMockActionContext({
        input: { service: 'checkout', version: '1.0.0' },
      }),
      isDryRun: true,
    };

    await action.handler(ctx);

    expect(deployBackend.createDeployment).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith('status', 'dry-run');
  });

  it('creates the deployment inside a checkpoint, so a re-run does not deploy twice', async () => {
    const { action } = setUp([deployment('succeeded')]);
    const ctx = createMockActionContext({
      input: { service: 'checkout', version: '1.0.0' },
    });
    const keys: string[] = [];
    ctx.checkpoint = (async ({ key, fn }: any) => {
      keys.push(key);
      return fn();
    }) as typeof ctx.checkpoint;

    await action.handler(ctx);

    expect(keys).toEqual(['deploy-checkout-dev-1.0.0']);
  });

  it('runs its documented examples', async () => {
    for (const example of examples) {
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe('deploy:service:deploy');
      const { action, deployBackend } = setUp([deployment('succeeded')]);
      const ctx = createMockActionContext({
        input: { ...step.input, service: 'checkout' },
      });
      await action.handler(ctx);
      expect(deployBackend.createDeployment).toHaveBeenCalled();
    }
  });
});
