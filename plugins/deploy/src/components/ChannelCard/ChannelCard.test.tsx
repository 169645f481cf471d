import { screen } from '@testing-library/react';
import {
  channels,
  crashingPod,
  makeChannelStatus,
  makeDeployment,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { ChannelCard } from './ChannelCard';

const prod = channels[2];

describe('ChannelCard', () => {
  it('shows versions, health, rollout progress, conditions and pods', async () => {
    await renderWithApis(
      <ChannelCard
        service="checkout"
        channel={prod}
        status={makeChannelStatus({
          channel: 'prod',
          health: 'Progressing',
          runningVersion: '1.2.3',
          desiredVersion: '1.3.0',
          replicas: { desired: 3, updated: 1, ready: 2, available: 2 },
          conditions: [
            {
              type: 'Progressing',
              status: 'True',
              reason: 'ReplicaSetUpdated',
            },
          ],
        })}
        onChanged={jest.fn()}
      />,
    );
    expect(screen.getByText('prod')).toBeInTheDocument();
    expect(screen.getByText(/approval required/)).toBeInTheDocument();
    expect(screen.getByLabelText('Status running')).toHaveTextContent(
      'Progressing',
    );
    // Running 1.2.3 (also its pod's version), desired 1.3.0.
    expect(screen.getAllByText('1.2.3')).toHaveLength(2);
    expect(screen.getByText('1.3.0')).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Rollout progress of prod' }),
    ).toHaveAttribute('aria-valuenow', '33');
    expect(
      screen.getByText('1 updated · 2 ready · 2 available of 3 desired'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Progressing: True (ReplicaSetUpdated)'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'Pods of checkout in prod' }),
    ).toBeInTheDocument();
  });

  it('makes a failing pod stand out', async () => {
    await renderWithApis(
      <ChannelCard
        service="checkout"
        channel={prod}
        status={makeChannelStatus({
          channel: 'prod',
          health: 'Degraded',
          pods: [crashingPod],
        })}
        onChanged={jest.fn()}
      />,
    );
    expect(
      screen.getByText('app: CrashLoopBackOff · exit code 137 · 4 restarts'),
    ).toBeInTheDocument();
  });

  it('shows the deployment in progress', async () => {
    await renderWithApis(
      <ChannelCard
        service="checkout"
        channel={prod}
        status={makeChannelStatus({ channel: 'prod' })}
        activeDeployment={makeDeployment({
          channel: 'prod',
          version: '1.3.0',
          status: 'awaiting_approval',
        })}
        onChanged={jest.fn()}
      />,
    );
    expect(screen.getByText('Awaiting approval')).toBeInTheDocument();
    expect(
      screen.getByText(
        (_, element) =>
          element?.tagName === 'P' &&
          element.textContent === '1.3.0, requested by ada',
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Approve 1.3.0 for prod' }),
    ).toBeInTheDocument();
  });

  it('says when the cluster could not be read', async () => {
    await renderWithApis(
      <ChannelCard
        service="checkout"
        channel={prod}
        status={makeChannelStatus({
          channel: 'prod',
          error: 'connect ECONNREFUSED 10.0.0.1:6443',
        })}
        onChanged={jest.fn()}
      />,
    );
    expect(
      screen.getByText(/Could not read prod from cluster local/),
    ).toBeInTheDocument();
  });

  it('says when the service was never deployed here', async () => {
    await renderWithApis(
      <ChannelCard service="checkout" channel={prod} onChanged={jest.fn()} />,
    );
    expect(
      screen.getByText('checkout has not been deployed to prod yet.'),
    ).toBeInTheDocument();
  });
});
