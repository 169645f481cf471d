import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { crashingPod, makeChannelStatus } from '../../__testUtils__/fixtures';
import { mockDeployApi } from '../../__testUtils__/mockDeployApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { isFailingContainer, PodList } from './PodList';

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

  it('says when no pods run', async () => {
    await renderWithApis(
      <PodList service="checkout" channel="prod" pods={[]} />,
    );
    expect(
      screen.getByText('No pods are running in prod.'),
    ).toBeInTheDocument();
  });
});

describe('isFailingContainer', () => {
  const base = healthyPod.containers[0];
  it('does not count a starting container as failing', () => {
    expect(
      isFailingContainer({
        ...base,
        ready: false,
        state: 'waiting',
        reason: 'ContainerCreating',
      }),
    ).toBe(false);
    expect(
      isFailingContainer({
        ...base,
        ready: false,
        state: 'waiting',
        reason: 'ImagePullBackOff',
      }),
    ).toBe(true);
  });
});
