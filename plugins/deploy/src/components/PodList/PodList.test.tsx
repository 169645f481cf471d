import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { crashingPod, makeChannelStatus } from '../../__testUtils__/fixtures';
import { mockDeployApi } from '../../__testUtils__/mockDeployApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { PodList } from './PodList';

jest.mock('react-virtualized-auto-sizer', () => ({
  __esModule: true,
  default: (props: {
    children: (size: { width: number; height: number }) => any;
  }) => props.children({ width: 800, height: 400 }),
}));

const healthyPod = makeChannelStatus().pods[0];

describe('PodList', () => {
  it('marks a crash-looping pod with its reason, exit code and restarts', async () => {
    await renderWithApis(
      <PodList
        service="checkout"
        channel="prod"
        pods={[healthyPod, crashingPod]}
      />,
    );
    expect(screen.getByLabelText('Status ok')).toHaveTextContent(
      'Running, ready',
    );
    expect(screen.getByLabelText('Status error')).toHaveTextContent(
      'app: CrashLoopBackOff · exit code 137 · 4 restarts',
    );
  });

  it('opens the crash logs of a failing container', async () => {
    const deployApi = mockDeployApi();
    deployApi.getPodLogs.mockResolvedValue({
      pod: crashingPod.name,
      container: 'app',
      previous: true,
      text: 'panic: out of memory',
    });
    await renderWithApis(
      <PodList service="checkout" channel="prod" pods={[crashingPod]} />,
      { deployApi },
    );
    await userEvent.click(
      screen.getByRole('button', {
        name: `Show logs of app in ${crashingPod.name}`,
      }),
    );
    expect(await screen.findByText(/panic: out of memory/)).toBeInTheDocument();
  });

  it('puts the failing container of a pod first, whatever its name', async () => {
    const sidecar = { ...healthyPod.containers[0], name: 'proxy' };
    const worker = { ...crashingPod.containers[0], name: 'worker' };
    const deployApi = mockDeployApi();
    deployApi.getPodLogs.mockResolvedValue({
      pod: crashingPod.name,
      container: 'worker',
      previous: true,
      text: 'worker: queue unreachable',
    });
    await renderWithApis(
      <PodList
        service="checkout"
        channel="prod"
        pods={[{ ...crashingPod, containers: [sidecar, worker] }]}
      />,
      { deployApi },
    );
    const buttons = screen.getAllByRole('button', { name: /^Show logs of/ });
    expect(buttons.map(b => b.textContent)).toEqual(['worker', 'proxy']);
    await userEvent.click(buttons[0]);
    expect(
      screen.getByRole('dialog', {
        name: `Logs of worker in ${crashingPod.name}`,
      }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/worker: queue unreachable/),
    ).toBeInTheDocument();
    expect(deployApi.getPodLogs).toHaveBeenCalledWith(
      expect.objectContaining({ container: 'worker', previous: true }),
    );
  });

  it('says when no pods run', async () => {
    await renderWithApis(
      <PodList service="checkout" channel="prod" pods={[]} />,
    );
    expect(
      screen.getByText('No pods are running in prod.'),
    ).toBeInTheDocument();
  });
});
