import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeDeployment } from '../../__testUtils__/fixtures';
import { mockDeployApi } from '../../__testUtils__/mockDeployApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { DeploymentHistory } from './DeploymentHistory';

const succeeded = makeDeployment({ id: 'd1' });
const running = makeDeployment({
  id: 'd2',
  version: '1.3.0',
  previousVersion: '1.2.3',
  status: 'rolling_out',
  approvedBy: 'user:default/grace',
  finishedAt: undefined,
});

describe('DeploymentHistory', () => {
  it('lists status, version, who, when and how long', async () => {
    await renderWithApis(
      <DeploymentHistory
        deployments={[running, succeeded]}
        loading={false}
        hasMore={false}
        onLoadMore={jest.fn()}
      />,
    );
    expect(screen.getByText('Rolling out')).toBeInTheDocument();
    expect(screen.getByText('Succeeded')).toBeInTheDocument();
    expect(screen.getByText('from 1.2.3')).toBeInTheDocument();
    expect(
      screen.getByText(
        (_, element) =>
          element?.tagName === 'DIV' &&
          element.textContent === 'approved by grace',
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByText('ada')).toHaveLength(2);
    expect(screen.getByText('2m 00s')).toBeInTheDocument();
    expect(screen.getByText('running')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Load older/ })).toBeNull();
  });

  it('names the rule, not a person, for a deployment a channel rule started', async () => {
    await renderWithApis(
      <DeploymentHistory
        deployments={[
          makeDeployment({
            id: 'd3',
            channel: 'staging',
            requestedBy: 'slipway:rule/auto-promote',
            automation: {
              rule: 'auto-promote',
              reason: '1.2.3 succeeded and soaked 5 s in dev',
            },
          }),
        ]}
        loading={false}
        hasMore={false}
        onLoadMore={jest.fn()}
      />,
    );
    expect(screen.getByText('rule auto-promote')).toHaveAttribute(
      'title',
      '1.2.3 succeeded and soaked 5 s in dev',
    );
  });

  it('expands a deployment into its timeline', async () => {
    const deployApi = mockDeployApi();
    deployApi.getDeployment.mockResolvedValue({
      deployment: succeeded,
      events: [
        {
          id: 1,
          deploymentId: 'd1',
          type: 'succeeded',
          message: 'All 2 replicas available',
          createdAt: succeeded.finishedAt!,
        },
      ],
      evidence: [],
    });
    await renderWithApis(
      <DeploymentHistory
        deployments={[succeeded]}
        loading={false}
        hasMore={false}
        onLoadMore={jest.fn()}
      />,
      { deployApi },
    );
    await userEvent.click(screen.getAllByTitle('Show timeline')[0]);
    expect(
      await screen.findByText('All 2 replicas available'),
    ).toBeInTheDocument();
  });

  it('offers older deployments when there are more', async () => {
    const onLoadMore = jest.fn();
    await renderWithApis(
      <DeploymentHistory
        deployments={[succeeded]}
        loading={false}
        hasMore
        onLoadMore={onLoadMore}
      />,
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Load older deployments' }),
    );
    expect(onLoadMore).toHaveBeenCalled();
  });

  it('says when nothing matches, and shows errors', async () => {
    const { unmount } = await renderWithApis(
      <DeploymentHistory
        deployments={[]}
        loading={false}
        hasMore={false}
        onLoadMore={jest.fn()}
      />,
    );
    expect(screen.getByText('No deployments match.')).toBeInTheDocument();
    unmount();

    await renderWithApis(
      <DeploymentHistory
        deployments={[]}
        loading={false}
        error={new Error('history unavailable')}
        hasMore={false}
        onLoadMore={jest.fn()}
      />,
    );
    expect(
      screen.getByText('Error: history unavailable', { selector: 'h6' }),
    ).toBeInTheDocument();
  });
});
