import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { WorkloadStatus } from '@slipway/plugin-deploy-common';
import {
  channels,
  crashingPod,
  makeChannelStatus,
  makeDeployment,
  makeSetDiff,
} from '../../__testUtils__/fixtures';
import { mockDeployApi } from '../../__testUtils__/mockDeployApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { ChannelCard } from './ChannelCard';

// LogViewer sizes itself to its parent, which has no size in jsdom.
jest.mock('react-virtualized-auto-sizer', () => ({
  __esModule: true,
  default: (props: {
    children: (size: { width: number; height: number }) => any;
  }) => props.children({ width: 800, height: 400 }),
}));

const prod = channels[2];
const healthyPod = makeChannelStatus().pods[0];

const web: WorkloadStatus = {
  kind: 'Deployment',
  name: 'checkout-web',
  health: 'Healthy',
  ready: 1,
  desired: 1,
  message: '1 of 1 pods ready',
  pods: [healthyPod],
};
const queue: WorkloadStatus = {
  kind: 'StatefulSet',
  name: 'checkout-queue',
  health: 'Degraded',
  ready: 0,
  desired: 1,
  message: `CrashLoopBackOff in pod ${crashingPod.name}: back-off restarting`,
  pods: [
    {
      ...crashingPod,
      containers: [{ ...crashingPod.containers[0], name: 'broker' }],
    },
  ],
};

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

  it('shows each workload with its health, readiness, problem and pods', async () => {
    const deployApi = mockDeployApi();
    deployApi.getPodLogs.mockResolvedValue({
      pod: crashingPod.name,
      container: 'broker',
      previous: true,
      text: 'broker: disk full',
    });
    await renderWithApis(
      <ChannelCard
        service="checkout"
        channel={prod}
        status={makeChannelStatus({
          channel: 'prod',
          health: 'Degraded',
          pods: [healthyPod, ...queue.pods],
          workloads: [web, queue],
        })}
        onChanged={jest.fn()}
      />,
      { deployApi },
    );
    const workloads = screen.getByRole('region', { name: 'Workloads' });
    const webSection = within(workloads).getByRole('region', {
      name: 'Deployment checkout-web',
    });
    expect(webSection).toHaveTextContent('Healthy');
    expect(webSection).toHaveTextContent('1 of 1 ready');
    // A healthy workload's message says nothing new.
    expect(webSection).not.toHaveTextContent('1 of 1 pods ready');
    expect(
      within(webSection).getByRole('table', {
        name: 'Pods of Deployment checkout-web',
      }),
    ).toHaveTextContent(healthyPod.name);

    const queueSection = within(workloads).getByRole('region', {
      name: 'StatefulSet checkout-queue',
    });
    expect(queueSection).toHaveTextContent('Degraded');
    expect(queueSection).toHaveTextContent('0 of 1 ready');
    expect(queueSection).toHaveTextContent(queue.message);
    // The pods are under their workloads, not in one list of the channel.
    expect(
      screen.queryByRole('table', { name: 'Pods of checkout in prod' }),
    ).toBeNull();

    await userEvent.click(
      within(queueSection).getByRole('button', {
        name: `Show logs of broker in ${crashingPod.name}`,
      }),
    );
    expect(await screen.findByText(/broker: disk full/)).toBeInTheDocument();
    expect(deployApi.getPodLogs).toHaveBeenCalledWith(
      expect.objectContaining({ container: 'broker', previous: true }),
    );
  });

  it('shows a single workload that is not a Deployment as a workload', async () => {
    await renderWithApis(
      <ChannelCard
        service="checkout"
        channel={prod}
        status={makeChannelStatus({ channel: 'prod', workloads: [queue] })}
        onChanged={jest.fn()}
      />,
    );
    expect(
      within(screen.getByRole('region', { name: 'Workloads' })).getByRole(
        'region',
        { name: 'StatefulSet checkout-queue' },
      ),
    ).toBeInTheDocument();
  });

  it('keeps the single-Deployment view for a service that runs one Deployment', async () => {
    await renderWithApis(
      <ChannelCard
        service="checkout"
        channel={prod}
        status={makeChannelStatus({
          channel: 'prod',
          workloads: [{ ...web, name: 'checkout' }],
        })}
        onChanged={jest.fn()}
      />,
    );
    expect(screen.queryByRole('region', { name: 'Workloads' })).toBeNull();
    expect(
      screen.getByRole('table', { name: 'Pods of checkout in prod' }),
    ).toBeInTheDocument();
  });

  it('compares the channel with the previous one', async () => {
    const deployApi = mockDeployApi();
    deployApi.compareChannels.mockResolvedValue(
      makeSetDiff({ head: { channel: 'staging', version: '1.3.0' } }),
    );
    await renderWithApis(
      <ChannelCard
        service="checkout"
        channel={prod}
        status={makeChannelStatus({ channel: 'prod' })}
        previousChannel={{
          name: 'staging',
          runningVersion: '1.3.0',
          runsSomething: true,
        }}
        onChanged={jest.fn()}
      />,
      { deployApi, allow: ['deploy.read'] },
    );
    // Reading is enough to compare.
    await userEvent.click(
      screen.getByRole('button', { name: 'Compare with staging' }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'What staging runs that prod does not',
    });
    expect(
      await within(dialog).findByRole('region', {
        name: 'Changes to Deployment checkout',
      }),
    ).toBeInTheDocument();
    expect(deployApi.compareChannels).toHaveBeenCalledWith({
      service: 'checkout',
      base: 'prod',
      head: 'staging',
    });
  });

  it('offers no comparison when the previous channel runs nothing', async () => {
    await renderWithApis(
      <ChannelCard
        service="checkout"
        channel={prod}
        status={makeChannelStatus({ channel: 'prod' })}
        previousChannel={{ name: 'staging', runsSomething: false }}
        onChanged={jest.fn()}
      />,
      { allow: ['deploy.read'] },
    );
    expect(screen.queryByRole('button', { name: /^Compare with/ })).toBeNull();
  });
});
