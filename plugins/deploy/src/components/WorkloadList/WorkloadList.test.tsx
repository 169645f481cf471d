import { screen, within } from '@testing-library/react';
import { WorkloadStatus } from '@slipway/plugin-deploy-common';
import { crashingPod, makeChannelStatus } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { showsWorkloads, WorkloadList } from './WorkloadList';

const healthyPod = makeChannelStatus().pods[0];

const web: WorkloadStatus = {
  kind: 'Deployment',
  name: 'shop-web',
  health: 'Healthy',
  ready: 2,
  desired: 2,
  message: '2 of 2 pods ready',
  pods: [healthyPod],
};
const agent: WorkloadStatus = {
  kind: 'DaemonSet',
  name: 'shop-agent',
  health: 'Progressing',
  ready: 0,
  desired: 1,
  message: '0 of 1 pods ready',
  pods: [],
};
const queue: WorkloadStatus = {
  kind: 'StatefulSet',
  name: 'shop-queue',
  health: 'Degraded',
  ready: 0,
  desired: 1,
  message: `CrashLoopBackOff in pod ${crashingPod.name}`,
  pods: [crashingPod],
};

describe('WorkloadList', () => {
  it('lists each workload with its health, readiness, problem and pods', async () => {
    await renderWithApis(
      <WorkloadList
        service="shop"
        channel="dev"
        workloads={[web, queue, agent]}
      />,
    );
    const section = screen.getByRole('region', { name: 'Workloads' });
    const regions = within(section)
      .getAllByRole('region')
      .map(r => r.getAttribute('aria-label'));
    expect(regions).toEqual([
      'Deployment shop-web',
      'StatefulSet shop-queue',
      'DaemonSet shop-agent',
    ]);

    const queueSection = within(section).getByRole('region', {
      name: 'StatefulSet shop-queue',
    });
    expect(queueSection).toHaveTextContent('Degraded');
    expect(queueSection).toHaveTextContent('0 of 1 ready');
    expect(queueSection).toHaveTextContent(
      `CrashLoopBackOff in pod ${crashingPod.name}`,
    );
    expect(
      within(queueSection).getByText(
        'app: CrashLoopBackOff · exit code 137 · 4 restarts',
      ),
    ).toBeInTheDocument();

    const agentSection = within(section).getByRole('region', {
      name: 'DaemonSet shop-agent',
    });
    expect(agentSection).toHaveTextContent('Progressing');
    expect(agentSection).toHaveTextContent(
      'No pods of DaemonSet shop-agent are running.',
    );
  });
});

describe('showsWorkloads', () => {
  it('is for several workloads, or one that is not a Deployment', () => {
    expect(showsWorkloads(undefined)).toBe(false);
    expect(showsWorkloads([])).toBe(false);
    expect(showsWorkloads([web])).toBe(false);
    expect(showsWorkloads([queue])).toBe(true);
    expect(showsWorkloads([web, { ...web, name: 'shop-worker' }])).toBe(true);
  });
});
