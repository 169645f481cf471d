import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeSetDiff } from '../../__testUtils__/fixtures';
import { mockDeployApi } from '../../__testUtils__/mockDeployApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { CompareChannelsDialog } from './CompareChannelsDialog';

function renderDialog(deployApi = mockDeployApi(), onClose = jest.fn()) {
  return renderWithApis(
    <CompareChannelsDialog
      open
      onClose={onClose}
      service="checkout"
      channel="prod"
      other="staging"
    />,
    { deployApi },
  );
}

describe('CompareChannelsDialog', () => {
  it('shows what the other channel runs that this one does not', async () => {
    const deployApi = mockDeployApi();
    deployApi.compareChannels.mockResolvedValue(
      makeSetDiff({ head: { channel: 'staging', version: '1.3.0' } }),
    );
    const onClose = jest.fn();
    await renderDialog(deployApi, onClose);

    const dialog = screen.getByRole('dialog', {
      name: 'What staging runs that prod does not',
    });
    expect(
      await within(dialog).findByRole('region', {
        name: 'Changes to Deployment checkout',
      }),
    ).toBeInTheDocument();
    expect(dialog).toHaveTextContent(
      '1 changed · 1 added · 1 removed · 5 unchanged',
    );
    expect(deployApi.compareChannels).toHaveBeenCalledWith({
      service: 'checkout',
      base: 'prod',
      head: 'staging',
    });
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalled();
  });

  it('says everything is new when this channel runs nothing yet', async () => {
    const deployApi = mockDeployApi();
    deployApi.compareChannels.mockResolvedValue(
      makeSetDiff({ base: undefined, head: { channel: 'staging' } }),
    );
    await renderDialog(deployApi);
    expect(
      await screen.findByText(
        'prod runs nothing Slipway applied yet, so everything staging runs is new to it.',
      ),
    ).toBeInTheDocument();
  });

  it('shows why the channels could not be compared', async () => {
    const deployApi = mockDeployApi();
    deployApi.compareChannels.mockRejectedValue(
      new Error('staging runs nothing Slipway applied'),
    );
    await renderDialog(deployApi);
    expect(
      await screen.findByText(
        'Could not show the changes: staging runs nothing Slipway applied',
      ),
    ).toBeInTheDocument();
  });

  it('lists the releases the other channel runs, or says there are none', async () => {
    const deployApi = mockDeployApi();
    deployApi.compareChannels.mockResolvedValue(makeSetDiff());
    deployApi.getReleaseChanges.mockResolvedValue({
      base: { channel: 'prod', version: '1.3.0' },
      head: { channel: 'staging', version: '1.3.0' },
      releases: [],
    });
    await renderDialog(deployApi);
    const releases = screen.getByRole('region', {
      name: 'Releases in staging and not in prod',
    });
    expect(
      await within(releases).findByText(
        'staging runs no release that prod does not.',
      ),
    ).toBeInTheDocument();
  });

  it('still shows the changes to the objects when the releases cannot be listed', async () => {
    const deployApi = mockDeployApi();
    deployApi.compareChannels.mockResolvedValue(makeSetDiff());
    deployApi.getReleaseChanges.mockRejectedValue(new Error('no such route'));
    await renderDialog(deployApi);
    expect(
      await screen.findByText('Could not list the releases: no such route'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('1 changed · 1 added · 1 removed · 5 unchanged'),
    ).toBeInTheDocument();
  });
});
