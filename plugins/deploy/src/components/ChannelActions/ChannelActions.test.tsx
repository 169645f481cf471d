import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  channels,
  makeChannelStatus,
  makeDeployment,
  makeSetDiff,
} from '../../__testUtils__/fixtures';
import { mockDeployApi } from '../../__testUtils__/mockDeployApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { ChannelActions } from './ChannelActions';

const prod = channels[2];
const awaiting = makeDeployment({
  id: 'd9',
  channel: 'prod',
  version: '1.3.0',
  status: 'awaiting_approval',
  finishedAt: undefined,
});

function renderActions(
  options: Parameters<typeof renderWithApis>[1],
  onChanged = jest.fn(),
) {
  return renderWithApis(
    <ChannelActions
      service="checkout"
      channel={prod}
      status={makeChannelStatus({ channel: 'prod' })}
      previousChannel={{ name: 'staging', runningVersion: '1.3.0' }}
      activeDeployment={awaiting}
      onChanged={onChanged}
    />,
    options,
  );
}

describe('ChannelActions', () => {
  it('offers every action to a user allowed everything', async () => {
    await renderActions({});
    for (const name of [
      'Approve 1.3.0 for prod',
      'Deploy a version of checkout to prod',
      'Promote checkout from staging to prod',
      'Cancel the deployment of 1.3.0 to prod',
      'Roll back checkout in prod',
    ]) {
      expect(await screen.findByRole('button', { name })).toBeInTheDocument();
    }
  });

  it('offers nothing a user may not do', async () => {
    await renderActions({ allow: ['deploy.read', 'deploy.create'] });
    expect(
      await screen.findByRole('button', {
        name: 'Deploy a version of checkout to prod',
      }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Approve/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Cancel/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Roll back/ })).toBeNull();
  });

  it('offers no action to a reader', async () => {
    await renderActions({ allow: ['deploy.read'] });
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(screen.queryAllByRole('button')).toHaveLength(0);
  });

  it('asks about this service in this channel, so prod can be stricter than dev', async () => {
    await renderActions({
      allow: request => request.resourceRef === 'checkout/dev',
    });
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(screen.queryAllByRole('button')).toHaveLength(0);
  });

  it('approves after confirmation and reloads the channel', async () => {
    const deployApi = mockDeployApi();
    deployApi.approveDeployment.mockResolvedValue({
      ...awaiting,
      status: 'migrating',
    });
    const onChanged = jest.fn();
    await renderActions({ deployApi }, onChanged);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Approve 1.3.0 for prod' }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Approve 1.3.0 for prod?',
    });
    expect(dialog).toHaveTextContent('Requested by ada.');
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(deployApi.approveDeployment).toHaveBeenCalledWith('d9');
  });

  it('promotes without a version, so the backend takes the previous channel one', async () => {
    const deployApi = mockDeployApi();
    deployApi.createDeployment.mockResolvedValue(awaiting);
    await renderActions({ deployApi });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Promote checkout from staging to prod',
      }),
    );
    expect(
      screen.getByRole('dialog', { name: 'Promote checkout to prod?' }),
    ).toHaveTextContent('Deploys 1.3.0, the version running in staging');
    await userEvent.click(screen.getByRole('button', { name: 'Promote' }));
    await waitFor(() =>
      expect(deployApi.createDeployment).toHaveBeenCalledWith({
        service: 'checkout',
        channel: 'prod',
      }),
    );
  });

  it('shows what a promotion would change before it is confirmed', async () => {
    const deployApi = mockDeployApi();
    deployApi.getDiff.mockResolvedValue(makeSetDiff());
    await renderActions({ deployApi });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Promote checkout from staging to prod',
      }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Promote checkout to prod?',
    });
    expect(
      await within(dialog).findByRole('region', {
        name: 'Changes to Deployment checkout',
      }),
    ).toHaveTextContent('+ - image: registry.example.com/checkout:1.3.0');
    expect(dialog).toHaveTextContent(
      '1 changed · 1 added · 1 removed · 5 unchanged',
    );
    expect(dialog).toHaveTextContent(
      'Runs migration Job checkout-migrate first',
    );
    // No version: the diff of the promotion itself.
    expect(deployApi.getDiff).toHaveBeenCalledWith({
      service: 'checkout',
      channel: 'prod',
    });
    expect(deployApi.createDeployment).not.toHaveBeenCalled();
  });

  it('still promotes when the changes cannot be shown', async () => {
    const deployApi = mockDeployApi();
    deployApi.getDiff.mockRejectedValue(
      new Error('the manifests of 1.3.0 could not be rendered'),
    );
    deployApi.createDeployment.mockResolvedValue(awaiting);
    const onChanged = jest.fn();
    await renderActions({ deployApi }, onChanged);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Promote checkout from staging to prod',
      }),
    );
    expect(
      await screen.findByText(
        'Could not show the changes: the manifests of 1.3.0 could not be rendered',
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Promote' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
  });

  it('shows why a rollback was refused', async () => {
    const deployApi = mockDeployApi();
    deployApi.rollback.mockRejectedValue(
      new Error('prod has no earlier version to return to'),
    );
    const onChanged = jest.fn();
    await renderActions({ deployApi }, onChanged);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Roll back checkout in prod' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Roll back' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'prod has no earlier version to return to',
    );
    expect(onChanged).not.toHaveBeenCalled();
  });
});
