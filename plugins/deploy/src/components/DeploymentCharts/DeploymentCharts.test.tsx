import { screen } from '@testing-library/react';
import { TeamMetricsResponse } from '@slipway/plugin-deploy-common';
import { mockDeployApi } from '../../__testUtils__/mockDeployApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { DeploymentCharts } from './DeploymentCharts';

const metrics: TeamMetricsResponse = {
  team: 'group:default/team-payments',
  from: '2026-11-18T00:00:00.000Z',
  to: '2026-11-20T00:00:00.000Z',
  deployments: 7,
  perDay: [
    { day: '2026-11-18', total: 3, succeeded: 3, failed: 0 },
    { day: '2026-11-19', total: 0, succeeded: 0, failed: 0 },
    { day: '2026-11-20', total: 4, succeeded: 2, failed: 1 },
  ],
  successRate: 5 / 6,
  medianDurationSeconds: 95,
};

const period = {
  from: '2026-11-18T00:00:00.000Z',
  to: '2026-11-21T00:00:00.000Z',
};

describe('DeploymentCharts', () => {
  it('shows frequency, success rate and median duration', async () => {
    const deployApi = mockDeployApi();
    deployApi.getTeamMetrics.mockResolvedValue(metrics);
    await renderWithApis(
      <DeploymentCharts
        team="group:default/team-payments"
        from="2026-11-18T00:00:00.000Z"
        to="2026-11-21T00:00:00.000Z"
      />,
      { deployApi },
    );
    expect(await screen.findByText('83%')).toBeInTheDocument();
    expect(screen.getByText('7')).toBeInTheDocument();
    expect(screen.getByText('1m 35s')).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: 'Deployments per day: 7 over 3 days',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('2026-11-20: 4 deployments, 2 succeeded, 1 failed'),
    ).toBeInTheDocument();
    expect(deployApi.getTeamMetrics).toHaveBeenCalledWith({
      team: 'group:default/team-payments',
      from: '2026-11-18T00:00:00.000Z',
      to: '2026-11-21T00:00:00.000Z',
    });
  });

  it('says when the team did not deploy', async () => {
    const deployApi = mockDeployApi();
    deployApi.getTeamMetrics.mockResolvedValue({
      ...metrics,
      deployments: 0,
      perDay: [],
      successRate: undefined,
      medianDurationSeconds: undefined,
    });
    await renderWithApis(
      <DeploymentCharts
        team="group:default/a"
        from={period.from}
        to={period.to}
      />,
      {
        deployApi,
      },
    );
    expect(
      await screen.findByText('No deployments in this period.'),
    ).toBeInTheDocument();
  });

  it('shows why the figures could not be read', async () => {
    const deployApi = mockDeployApi();
    deployApi.getTeamMetrics.mockRejectedValue(new Error('metrics offline'));
    await renderWithApis(
      <DeploymentCharts
        team="group:default/a"
        from={period.from}
        to={period.to}
      />,
      {
        deployApi,
      },
    );
    expect(
      await screen.findByText('Error: metrics offline', { selector: 'h6' }),
    ).toBeInTheDocument();
  });
});
