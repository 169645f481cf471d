import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { crashingPod } from '../../__testUtils__/fixtures';
import { mockDeployApi } from '../../__testUtils__/mockDeployApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { CrashLogDialog } from './CrashLogDialog';

// LogViewer sizes itself to its parent, which has no size in jsdom.
jest.mock('react-virtualized-auto-sizer', () => ({
  __esModule: true,
  default: (props: {
    children: (size: { width: number; height: number }) => any;
  }) => props.children({ width: 800, height: 400 }),
}));

const container = crashingPod.containers[0];

function renderDialog(deployApi = mockDeployApi()) {
  return renderWithApis(
    <CrashLogDialog
      open
      onClose={jest.fn()}
      service="checkout"
      channel="prod"
      pod={crashingPod}
    />,
    { deployApi },
  );
}

describe('CrashLogDialog', () => {
  it('shows the crashed container logs first, then the current ones', async () => {
    const deployApi = mockDeployApi();
    deployApi.getPodLogs.mockImplementation(async request => ({
      pod: request.pod,
      container: request.container,
      previous: Boolean(request.previous),
      text: request.previous
        ? 'panic: cannot connect to database'
        : 'starting checkout',
    }));
    await renderDialog(deployApi);

    expect(
      screen.getByRole('dialog', {
        name: `Logs of app in ${crashingPod.name}`,
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('CrashLoopBackOff · exit code 137 · 4 restarts'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/panic: cannot connect to database/),
    ).toBeInTheDocument();
    expect(deployApi.getPodLogs).toHaveBeenCalledWith({
      service: 'checkout',
      channel: 'prod',
      pod: crashingPod.name,
      container: 'app',
      previous: true,
    });

    await userEvent.click(
      screen.getByRole('tab', { name: 'Current container' }),
    );
    expect(await screen.findByText(/starting checkout/)).toBeInTheDocument();
  });

  it('shows the current logs of a container that never restarted', async () => {
    const deployApi = mockDeployApi();
    deployApi.getPodLogs.mockResolvedValue({
      pod: 'p',
      container: 'app',
      previous: false,
      text: 'waiting for image',
    });
    await renderWithApis(
      <CrashLogDialog
        open
        onClose={jest.fn()}
        service="checkout"
        channel="prod"
        pod={{
          ...crashingPod,
          name: 'p',
          containers: [
            {
              ...container,
              restartCount: 0,
              lastTerminated: undefined,
              reason: 'ImagePullBackOff',
            },
          ],
        }}
      />,
      { deployApi },
    );
    expect(await screen.findByText(/waiting for image/)).toBeInTheDocument();
    expect(
      screen.getByRole('tab', { name: 'Previous container' }),
    ).toBeDisabled();
    expect(deployApi.getPodLogs).toHaveBeenCalledWith(
      expect.objectContaining({ previous: false }),
    );
  });

  it('opens on the failing container of a pod, whatever its name, and switches to the others', async () => {
    const deployApi = mockDeployApi();
    deployApi.getPodLogs.mockImplementation(async request => ({
      pod: request.pod,
      container: request.container,
      previous: Boolean(request.previous),
      text: `logs of ${request.container}${
        request.previous ? ' (crashed)' : ''
      }`,
    }));
    const proxy = {
      ...container,
      name: 'proxy',
      image: 'envoyproxy/envoy:v1.30',
      ready: true,
      restartCount: 0,
      state: 'running' as const,
      reason: undefined,
      message: undefined,
      lastTerminated: undefined,
    };
    const worker = {
      ...container,
      name: 'worker',
      image: 'registry.example.com/checkout-worker:1.3.0',
    };
    await renderWithApis(
      <CrashLogDialog
        open
        onClose={jest.fn()}
        service="checkout"
        channel="prod"
        pod={{ ...crashingPod, containers: [proxy, worker] }}
      />,
      { deployApi },
    );
    expect(
      screen.getByRole('dialog', {
        name: `Logs of worker in ${crashingPod.name}`,
      }),
    ).toHaveTextContent('Image registry.example.com/checkout-worker:1.3.0');
    expect(
      await screen.findByText(/logs of worker \(crashed\)/),
    ).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText('Container'), 'proxy');
    expect(
      screen.getByRole('dialog', {
        name: `Logs of proxy in ${crashingPod.name}`,
      }),
    ).toBeInTheDocument();
    // Proxy never restarted: its current logs.
    expect(await screen.findByText(/logs of proxy/)).toBeInTheDocument();
    expect(deployApi.getPodLogs).toHaveBeenLastCalledWith({
      service: 'checkout',
      channel: 'prod',
      pod: crashingPod.name,
      container: 'proxy',
      previous: false,
    });
  });

  it('says when a container left no logs', async () => {
    const deployApi = mockDeployApi();
    deployApi.getPodLogs.mockResolvedValue({
      pod: crashingPod.name,
      container: 'app',
      previous: true,
      text: '',
    });
    await renderDialog(deployApi);
    expect(
      await screen.findByText('The previous container left no logs.'),
    ).toBeInTheDocument();
  });

  it('shows why the logs could not be read', async () => {
    const deployApi = mockDeployApi();
    deployApi.getPodLogs.mockRejectedValue(new Error('pod not found'));
    await renderDialog(deployApi);
    expect(
      await screen.findByText('Error: pod not found', { selector: 'h6' }),
    ).toBeInTheDocument();
  });
});
