import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Service } from '@slipway/plugin-deploy-common';
import { channels, makeChannelStatus } from '../../__testUtils__/fixtures';
import { mockDeployApi } from '../../__testUtils__/mockDeployApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { DeployTab } from '../DeployTab';

function checkout(annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: { 'slipway.dev/service': 'checkout', ...annotations },
    },
    spec: { type: 'service', owner: 'team-payments', lifecycle: 'production' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-payments' }],
  };
}

async function responseError(status: number, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'Error', message },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

const registered: Service = {
  name: 'checkout',
  entityRef: 'component:default/checkout',
  ownerRef: 'group:default/team-payments',
  spec: { image: 'registry.example.com/checkout', port: 9090, channels: {} },
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
};

/** Slipway does not know checkout until registerService is called. */
async function apiWithoutService() {
  const deployApi = mockDeployApi();
  deployApi.getChannels.mockResolvedValue({ items: channels });
  deployApi.getPipeline.mockResolvedValue({
    service: 'checkout',
    channels: ['dev', 'staging', 'prod'],
    releases: [],
  });
  deployApi.getServiceStatus.mockRejectedValue(
    await responseError(404, 'service "checkout" is not registered'),
  );
  return deployApi;
}

async function renderTab(
  deployApi: ReturnType<typeof mockDeployApi>,
  entity = checkout(),
  allow?: string[],
) {
  await renderWithApis(
    <EntityProvider entity={entity}>
      <DeployTab />
    </EntityProvider>,
    { deployApi, allow },
  );
  return screen.findByRole('form', { name: 'Set up deployments' });
}

describe('ServiceSetup', () => {
  it('names the required fields that are empty and sends nothing', async () => {
    const deployApi = await apiWithoutService();
    const form = await renderTab(deployApi);
    // The name is the annotation's: this tab shows that service.
    const name = within(form).getByRole('textbox', { name: /Service name/ });
    expect(name).toHaveValue('checkout');
    expect(name).toHaveAttribute('readonly');
    await userEvent.clear(
      within(form).getByRole('spinbutton', { name: /Port/ }),
    );
    await userEvent.click(
      within(form).getByRole('button', { name: 'Set up deployments' }),
    );
    expect(
      within(form).getByText('Image repository is required'),
    ).toBeVisible();
    expect(within(form).getByText('Port is required')).toBeVisible();
    expect(deployApi.registerService).not.toHaveBeenCalled();
  });

  it('registers the service and then shows its channels, without a reload', async () => {
    const deployApi = await apiWithoutService();
    deployApi.registerService.mockImplementation(async () => {
      deployApi.getServiceStatus.mockResolvedValue({
        service: registered,
        channels: [
          makeChannelStatus({ channel: 'dev', runningVersion: undefined }),
        ],
      });
      return registered;
    });
    const form = await renderTab(deployApi);
    expect(
      within(form).getByRole('textbox', { name: 'Catalog entity' }),
    ).toHaveAttribute('readonly');
    await userEvent.type(
      within(form).getByRole('textbox', { name: /Image repository/ }),
      'registry.example.com/checkout',
    );
    const port = within(form).getByRole('spinbutton', { name: /Port/ });
    await userEvent.clear(port);
    await userEvent.type(port, '9090');
    await userEvent.click(
      within(form).getByRole('button', { name: 'Set up deployments' }),
    );

    expect(deployApi.registerService).toHaveBeenCalledWith({
      name: 'checkout',
      entityRef: 'component:default/checkout',
      spec: {
        image: 'registry.example.com/checkout',
        port: 9090,
        channels: {},
      },
    });
    const titles = await screen.findAllByText(/^(dev|staging|prod)$/, {
      selector: '.MuiCardHeader-title',
    });
    expect(titles.map(t => t.textContent)).toEqual(['dev', 'staging', 'prod']);
    expect(
      screen.queryByRole('form', { name: 'Set up deployments' }),
    ).not.toBeInTheDocument();
  });

  it('does not overwrite a service registered after the form opened, and shows it', async () => {
    const deployApi = await apiWithoutService();
    const form = await renderTab(deployApi);
    // A template or CI registers checkout while the form is open.
    deployApi.getServiceStatus.mockResolvedValue({
      service: registered,
      channels: [makeChannelStatus({ channel: 'dev' })],
    });
    await userEvent.type(
      within(form).getByRole('textbox', { name: /Image repository/ }),
      'registry.example.com/other',
    );
    await userEvent.click(
      within(form).getByRole('button', { name: 'Set up deployments' }),
    );

    await screen.findAllByText(/^(dev|staging|prod)$/, {
      selector: '.MuiCardHeader-title',
    });
    expect(deployApi.registerService).not.toHaveBeenCalled();
    expect(
      screen.queryByRole('form', { name: 'Set up deployments' }),
    ).not.toBeInTheDocument();
  });

  it('says who may set it up when the backend refuses with 403', async () => {
    const deployApi = await apiWithoutService();
    deployApi.registerService.mockRejectedValue(
      await responseError(
        403,
        'user:default/carol may not deploy.service.update on service checkout (owned by group:default/team-payments)',
      ),
    );
    const form = await renderTab(deployApi);
    await userEvent.type(
      within(form).getByRole('textbox', { name: /Image repository/ }),
      'registry.example.com/checkout',
    );
    await userEvent.click(
      within(form).getByRole('button', { name: 'Set up deployments' }),
    );
    const alert = await within(form).findByRole('alert');
    expect(alert).toHaveTextContent(
      'You may not set up deployments for component:default/checkout: only its owners (group:default/team-payments) may.',
    );
    expect(alert).toHaveTextContent('user:default/carol may not');
    // The form stays, so nothing typed is lost.
    expect(
      within(form).getByRole('textbox', { name: /Image repository/ }),
    ).toHaveValue('registry.example.com/checkout');
  });

  it("shows the backend's message naming the field it refused", async () => {
    const deployApi = await apiWithoutService();
    deployApi.registerService.mockRejectedValue(
      await responseError(
        400,
        'request/body/spec/image must match pattern "^[a-z0-9]+…"',
      ),
    );
    const form = await renderTab(deployApi);
    await userEvent.type(
      within(form).getByRole('textbox', { name: /Image repository/ }),
      'Registry/Checkout:1.0',
    );
    await userEvent.click(
      within(form).getByRole('button', { name: 'Set up deployments' }),
    );
    expect(await within(form).findByRole('alert')).toHaveTextContent(
      'Could not set up deployments: request/body/spec/image must match pattern',
    );
  });

  it("uses the service's own manifests when the entity names them", async () => {
    const deployApi = await apiWithoutService();
    deployApi.registerService.mockResolvedValue(registered);
    const form = await renderTab(
      deployApi,
      checkout({ 'slipway.dev/manifests': './deploy' }),
    );
    expect(form).toHaveTextContent(
      "From the service's own manifests: ./deploy (the entity's annotation slipway.dev/manifests)",
    );
    expect(
      within(form).queryByRole('spinbutton', { name: /Port/ }),
    ).not.toBeInTheDocument();
    await userEvent.type(
      within(form).getByRole('textbox', { name: /Image repository/ }),
      'registry.example.com/checkout',
    );
    await userEvent.click(
      within(form).getByRole('button', { name: 'Set up deployments' }),
    );
    expect(deployApi.registerService).toHaveBeenCalledWith(
      expect.objectContaining({
        spec: expect.objectContaining({
          image: 'registry.example.com/checkout',
        }),
      }),
    );
  });

  it('explains who owns it to a user who may not register it', async () => {
    const deployApi = await apiWithoutService();
    await renderWithApis(
      <EntityProvider entity={checkout()}>
        <DeployTab />
      </EntityProvider>,
      { deployApi, allow: ['deploy.read'] },
    );
    expect(
      await screen.findByText('Slipway does not deploy checkout yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Only the owners of component:default/checkout may set up its deployments: group:default/team-payments.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/deploy\.service\.update/)).toBeInTheDocument();
    expect(
      screen.queryByRole('form', { name: 'Set up deployments' }),
    ).not.toBeInTheDocument();
  });
});
