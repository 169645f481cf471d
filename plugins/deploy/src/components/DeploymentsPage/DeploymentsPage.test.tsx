import { identityApiRef } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { mockApis } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { channels, makeDeployment } from '../../__testUtils__/fixtures';
import { mockDeployApi } from '../../__testUtils__/mockDeployApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { DeploymentsPage } from './DeploymentsPage';

const team = 'group:default/team-payments';

function setup(ownershipEntityRefs = ['user:default/ada', team]) {
  const deployApi = mockDeployApi();
  deployApi.getChannels.mockResolvedValue({ items: channels });
  deployApi.getTeamMetrics.mockResolvedValue({
    team,
    from: '',
    to: '',
    deployments: 2,
    perDay: [{ day: '2026-11-20', total: 2, succeeded: 1, failed: 1 }],
    successRate: 0.5,
    medianDurationSeconds: 120,
  });
  deployApi.listDeployments.mockResolvedValue({
    items: [
      makeDeployment({ id: 'a', service: 'checkout' }),
      makeDeployment({ id: 'b', service: 'ledger', status: 'failed' }),
    ],
    nextCursor: 'next',
  });
  const render = () =>
    renderWithApis(<DeploymentsPage />, {
      deployApi,
      apis: [
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: 'user:default/ada',
            ownershipEntityRefs,
          }),
        ],
        [catalogApiRef, catalogApiMock()],
      ],
    });
  return { deployApi, render };
}

describe('DeploymentsPage', () => {
  it("shows the user's team history and figures by default", async () => {
    const { deployApi, render } = setup();
    await render();
    expect(await screen.findByText('ledger')).toBeInTheDocument();
    expect(screen.getByText('checkout')).toBeInTheDocument();
    expect(await screen.findByText('50%')).toBeInTheDocument();
    const query = deployApi.listDeployments.mock.calls[0][0]!;
    expect(query).toMatchObject({ team, limit: 50 });
    expect(Date.parse(query.from!)).toBeLessThan(Date.now());
    expect(query.to).toBeUndefined();
    const metricsQuery = deployApi.getTeamMetrics.mock.calls[0][0];
    expect(metricsQuery).toMatchObject({ team, from: query.from });
    expect(Date.parse(metricsQuery.to)).toBeGreaterThan(
      Date.parse(metricsQuery.from),
    );
  });

  it('pages with the cursor', async () => {
    const { deployApi, render } = setup();
    await render();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Load older deployments' }),
    );
    await waitFor(() =>
      expect(deployApi.listDeployments).toHaveBeenLastCalledWith(
        expect.objectContaining({ team, cursor: 'next' }),
      ),
    );
  });

  it('filters by channel', async () => {
    const { deployApi, render } = setup();
    await render();
    await screen.findByText('ledger');
    await userEvent.click(
      screen.getByRole('button', { name: /Channel Any channel/ }),
    );
    await userEvent.click(
      within(screen.getByRole('listbox')).getByRole('option', {
        name: 'prod',
      }),
    );
    await waitFor(() =>
      expect(deployApi.listDeployments).toHaveBeenLastCalledWith(
        expect.objectContaining({ team, channel: 'prod' }),
      ),
    );
  });

  it('asks for a team when the user is in none', async () => {
    const { deployApi, render } = setup(['user:default/ada']);
    await render();
    expect(await screen.findByText('Pick a team')).toBeInTheDocument();
    expect(deployApi.listDeployments).not.toHaveBeenCalled();
  });

  it('shows why the history could not be read', async () => {
    const { deployApi, render } = setup();
    deployApi.listDeployments.mockRejectedValue(new Error('store offline'));
    await render();
    expect(
      await screen.findByText('Error: store offline', { selector: 'h6' }),
    ).toBeInTheDocument();
  });
});
