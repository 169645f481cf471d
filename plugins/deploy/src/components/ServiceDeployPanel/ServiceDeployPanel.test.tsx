import { ResponseError } from '@backstage/errors';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  channels,
  makeChannelStatus,
  makeDeployment,
  makePipeline,
} from '../../__testUtils__/fixtures';
import { mockDeployApi } from '../../__testUtils__/mockDeployApi';
import { mockSignalApi } from '../../__testUtils__/mockSignalApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { ServiceDeployPanel } from './ServiceDeployPanel';

function apiWithService() {
  const deployApi = mockDeployApi();
  // Out of order on purpose: the cards follow the channel order.
  deployApi.getChannels.mockResolvedValue({
    items: [channels[2], channels[0], channels[1]],
  });
  deployApi.getServiceStatus.mockResolvedValue({
    service: {
      name: 'checkout',
      entityRef: 'component:default/checkout',
      ownerRef: 'group:default/team-payments',
      spec: {
        image: 'registry.example.com/checkout',
        port: 8080,
        channels: {},
      },
      createdAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-01T00:00:00.000Z',
    },
    channels: [
      makeChannelStatus({ channel: 'dev', runningVersion: '1.3.0' }),
      makeChannelStatus({ channel: 'staging', runningVersion: '1.3.0' }),
      makeChannelStatus({ channel: 'prod', runningVersion: '1.2.3' }),
    ],
  });
  deployApi.listDeployments.mockResolvedValue({
    items: [
      makeDeployment({
        id: 'd3',
        channel: 'prod',
        version: '1.3.0',
        status: 'awaiting_approval',
        finishedAt: undefined,
      }),
      makeDeployment({ id: 'd2', channel: 'staging', version: '1.3.0' }),
    ],
  });
  return deployApi;
}

describe('ServiceDeployPanel', () => {
  it('shows one card per channel in promotion order, then the history', async () => {
    const deployApi = apiWithService();
    await renderWithApis(<ServiceDeployPanel service="checkout" />, {
      deployApi,
    });
    const titles = await screen.findAllByText(/^(dev|staging|prod)$/, {
      selector: '.MuiCardHeader-title',
    });
    expect(titles.map(t => t.textContent)).toEqual(['dev', 'staging', 'prod']);
    expect(screen.getByText('Deployment history')).toBeInTheDocument();
    expect(deployApi.getServiceStatus).toHaveBeenCalledWith('checkout');
    expect(deployApi.listDeployments).toHaveBeenCalledWith({
      service: 'checkout',
      limit: 20,
    });
    // prod's pending deployment can be approved from prod's card.
    expect(
      await screen.findByRole('button', { name: 'Approve 1.3.0 for prod' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', {
        name: 'Promote checkout from staging to prod',
      }),
    ).toBeInTheDocument();
    // Each channel compares with the one before it, which runs something.
    const card = (name: string) =>
      screen.getByRole('region', { name: `Channel ${name}` });
    expect(
      within(card('staging')).getByRole('button', { name: 'Compare with dev' }),
    ).toBeInTheDocument();
    expect(
      within(card('prod')).getByRole('button', {
        name: 'Compare with staging',
      }),
    ).toBeInTheDocument();
    expect(
      within(card('dev')).queryByRole('button', { name: /^Compare with/ }),
    ).toBeNull();
  });

  it('refetches when the backend signals a change on the service channel', async () => {
    const deployApi = apiWithService();
    const signals = mockSignalApi();
    await renderWithApis(<ServiceDeployPanel service="checkout" />, {
      deployApi,
      apis: [[signalApiRef, signals.api]],
    });
    await screen.findByText('Deployment history');
    expect(deployApi.getServiceStatus).toHaveBeenCalledTimes(1);
    expect(signals.isSubscribed('deploy:service:checkout')).toBe(true);

    // A pod changed: the live status is reloaded, the history is not.
    signals.publish('deploy:service:checkout', {
      type: 'status-changed',
      channel: 'prod',
    });
    await waitFor(() =>
      expect(deployApi.getServiceStatus).toHaveBeenCalledTimes(2),
    );
    expect(deployApi.listDeployments).toHaveBeenCalledTimes(1);

    // A deployment changed: both are.
    signals.publish('deploy:service:checkout', {
      type: 'deployment-changed',
      deploymentId: 'd3',
      status: 'migrating',
    });
    await waitFor(() =>
      expect(deployApi.listDeployments).toHaveBeenCalledTimes(2),
    );
    expect(deployApi.getServiceStatus).toHaveBeenCalledTimes(3);
    expect(deployApi.getChannels).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('progress')).toBeNull();
  });

  it('shows the release pipeline above the cards and reads it again when a release is published or a deployment changes', async () => {
    const deployApi = apiWithService();
    deployApi.getPipeline.mockResolvedValue(makePipeline());
    const signals = mockSignalApi();
    await renderWithApis(<ServiceDeployPanel service="checkout" />, {
      deployApi,
      apis: [[signalApiRef, signals.api]],
    });
    const pipeline = await screen.findByRole('region', {
      name: 'Release pipeline of checkout',
    });
    await within(pipeline).findByRole('table', {
      name: 'Pipeline of checkout',
    });
    const regions = screen.getAllByRole('region', {
      name: /^(Release pipeline of|Channel) /,
    });
    expect(regions.map(r => r.getAttribute('aria-label'))).toEqual([
      'Release pipeline of checkout',
      'Channel dev',
      'Channel staging',
      'Channel prod',
    ]);
    expect(deployApi.getPipeline).toHaveBeenCalledTimes(1);

    // A pod changed: the pipeline stands as it was.
    signals.publish('deploy:service:checkout', {
      type: 'status-changed',
      channel: 'dev',
    });
    await waitFor(() =>
      expect(deployApi.getServiceStatus).toHaveBeenCalledTimes(2),
    );
    expect(deployApi.getPipeline).toHaveBeenCalledTimes(1);

    signals.publish('deploy:service:checkout', {
      type: 'release-published',
      version: '1.4.0',
    });
    await waitFor(() => expect(deployApi.getPipeline).toHaveBeenCalledTimes(2));
    signals.publish('deploy:service:checkout', {
      type: 'deployment-changed',
      deploymentId: 'd3',
      status: 'migrating',
    });
    await waitFor(() => expect(deployApi.getPipeline).toHaveBeenCalledTimes(3));
    // Reading again does not blank what is shown.
    expect(
      within(pipeline).getByRole('table', { name: 'Pipeline of checkout' }),
    ).toBeInTheDocument();
  });

  it("reloads after the user's own action", async () => {
    const deployApi = apiWithService();
    deployApi.approveDeployment.mockResolvedValue(
      makeDeployment({ id: 'd3', channel: 'prod', status: 'migrating' }),
    );
    await renderWithApis(<ServiceDeployPanel service="checkout" />, {
      deployApi,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Approve 1.3.0 for prod' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(deployApi.listDeployments).toHaveBeenCalledTimes(2),
    );
    expect(deployApi.approveDeployment).toHaveBeenCalledWith('d3');
    expect(deployApi.getServiceStatus).toHaveBeenCalledTimes(2);
  });

  it('shows progress while loading', async () => {
    const deployApi = mockDeployApi();
    deployApi.getChannels.mockReturnValue(new Promise(() => {}));
    deployApi.getServiceStatus.mockReturnValue(new Promise(() => {}));
    await renderWithApis(<ServiceDeployPanel service="checkout" />, {
      deployApi,
    });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the backend error', async () => {
    const deployApi = mockDeployApi();
    deployApi.getServiceStatus.mockRejectedValue(new Error('database locked'));
    await renderWithApis(<ServiceDeployPanel service="checkout" />, {
      deployApi,
    });
    expect(
      await screen.findByText('Error: database locked', { selector: 'h6' }),
    ).toBeInTheDocument();
  });

  it('explains an unknown service', async () => {
    const deployApi = mockDeployApi();
    deployApi.getServiceStatus.mockRejectedValue(
      await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: { name: 'NotFoundError', message: 'no service checkout' },
            response: { statusCode: 404 },
          }),
          { status: 404, headers: { 'Content-Type': 'application/json' } },
        ),
      ),
    );
    await renderWithApis(<ServiceDeployPanel service="checkout" />, {
      deployApi,
    });
    expect(
      await screen.findByText('Slipway does not know the service checkout'),
    ).toBeInTheDocument();
  });

  it('explains missing channel configuration', async () => {
    const deployApi = apiWithService();
    deployApi.getChannels.mockResolvedValue({ items: [] });
    await renderWithApis(<ServiceDeployPanel service="checkout" />, {
      deployApi,
    });
    const empty = await screen.findByText('No release channels are configured');
    expect(
      within(empty.parentElement!.parentElement!).getByText(/deploy\.channels/),
    ).toBeInTheDocument();
  });
});
