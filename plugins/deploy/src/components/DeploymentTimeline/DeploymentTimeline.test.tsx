import { signalApiRef } from '@backstage/plugin-signals-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeDeployment, makeSetDiff } from '../../__testUtils__/fixtures';
import { mockDeployApi } from '../../__testUtils__/mockDeployApi';
import { mockSignalApi } from '../../__testUtils__/mockSignalApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { DeploymentTimeline } from './DeploymentTimeline';

jest.mock('react-virtualized-auto-sizer', () => ({
  __esModule: true,
  default: (props: {
    children: (size: { width: number; height: number }) => any;
  }) => props.children({ width: 800, height: 300 }),
}));

const deployment = makeDeployment({
  id: 'd7',
  status: 'failed',
  result: {
    migration: { state: 'succeeded', message: 'Job completed' },
    rollout: {
      state: 'failed',
      message: 'pod checkout-x is crash-looping',
      reason: 'CrashLoopBackOff',
    },
  },
});

function event(id: number, message: string) {
  return {
    id,
    deploymentId: 'd7',
    type: 'step',
    message,
    createdAt: '2026-11-20T10:00:00.000Z',
  };
}

describe('DeploymentTimeline', () => {
  it('lists the steps, the results and the captured crash logs', async () => {
    const deployApi = mockDeployApi();
    deployApi.getDeployment.mockResolvedValue({
      deployment,
      events: [event(1, 'Migration started'), event(2, 'Rollout failed')],
      evidence: [
        {
          kind: 'rollout',
          capturedAt: '2026-11-20T10:02:00.000Z',
          pods: [
            {
              name: 'checkout-x',
              containers: [
                {
                  name: 'app',
                  image: 'checkout:1.2.3',
                  ready: false,
                  restartCount: 3,
                  state: 'waiting',
                  reason: 'CrashLoopBackOff',
                  lastTerminated: { exitCode: 2 },
                  previousLogs: 'fatal: missing STRIPE_KEY',
                },
              ],
            },
          ],
          events: [],
        },
      ],
    });
    await renderWithApis(<DeploymentTimeline deployment={deployment} />, {
      deployApi,
    });
    expect(await screen.findByText('Migration started')).toBeInTheDocument();
    expect(screen.getByText('Rollout failed')).toBeInTheDocument();
    expect(
      screen.getByText('Rollout failed: pod checkout-x is crash-looping'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('CrashLoopBackOff · exit code 2 · 3 restarts'),
    ).toBeInTheDocument();
    expect(screen.getByText(/missing STRIPE_KEY/)).toBeInTheDocument();
    expect(deployApi.getDeployment).toHaveBeenCalledWith('d7');
  });

  it('shows why the deployment could not be read', async () => {
    const deployApi = mockDeployApi();
    deployApi.getDeployment.mockRejectedValue(new Error('backend down'));
    await renderWithApis(<DeploymentTimeline deployment={deployment} />, {
      deployApi,
    });
    expect(
      await screen.findByText('Error: backend down', { selector: 'h6' }),
    ).toBeInTheDocument();
  });

  it('follows the deployment live through its service signal', async () => {
    const deployApi = mockDeployApi();
    deployApi.getDeployment
      .mockResolvedValueOnce({
        deployment,
        events: [event(1, 'Migration started')],
        evidence: [],
      })
      .mockResolvedValue({
        deployment,
        events: [event(1, 'Migration started'), event(2, 'Rollout started')],
        evidence: [],
      });
    const signals = mockSignalApi();
    await renderWithApis(<DeploymentTimeline deployment={deployment} />, {
      deployApi,
      apis: [[signalApiRef, signals.api]],
    });
    await screen.findByText('Migration started');

    signals.publish('deploy:service:checkout', {
      type: 'deployment-changed',
      deploymentId: 'another',
    });
    signals.publish('deploy:service:checkout', {
      type: 'deployment-changed',
      deploymentId: 'd7',
    });
    expect(await screen.findByText('Rollout started')).toBeInTheDocument();
    await waitFor(() =>
      expect(deployApi.getDeployment).toHaveBeenCalledTimes(2),
    );
  });

  it('shows what the deployment changed, read only when opened', async () => {
    const deployApi = mockDeployApi();
    deployApi.getDeployment.mockResolvedValue({
      deployment,
      events: [],
      evidence: [],
    });
    deployApi.getDeploymentDiff.mockResolvedValue(
      makeSetDiff({ head: { channel: 'dev', version: '1.2.3' } }),
    );
    await renderWithApis(<DeploymentTimeline deployment={deployment} />, {
      deployApi,
    });
    const toggle = await screen.findByRole('button', { name: 'Changes' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(deployApi.getDeploymentDiff).not.toHaveBeenCalled();

    await userEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const changes = screen.getByRole('region', {
      name: 'Changes of 1.2.3 to dev',
    });
    expect(
      await within(changes).findByRole('region', {
        name: 'Changes to Deployment checkout',
      }),
    ).toBeInTheDocument();
    expect(changes).toHaveTextContent(
      '1 changed · 1 added · 1 removed · 5 unchanged',
    );
    expect(deployApi.getDeploymentDiff).toHaveBeenCalledWith('d7');

    await userEvent.click(toggle);
    expect(
      screen.queryByRole('region', { name: 'Changes of 1.2.3 to dev' }),
    ).toBeNull();
  });

  it('says when the first deployment to a channel made everything new', async () => {
    const deployApi = mockDeployApi();
    deployApi.getDeployment.mockResolvedValue({
      deployment,
      events: [],
      evidence: [],
    });
    deployApi.getDeploymentDiff.mockResolvedValue(
      makeSetDiff({ base: undefined, head: { channel: 'dev' } }),
    );
    await renderWithApis(<DeploymentTimeline deployment={deployment} />, {
      deployApi,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Changes' }),
    );
    expect(
      await screen.findByText(
        'dev ran nothing Slipway applied before this deployment, so everything was new.',
      ),
    ).toBeInTheDocument();
  });
});
