import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  makeDeployment,
  makeRelease,
  makeSetDiff,
} from '../../__testUtils__/fixtures';
import { mockDeployApi } from '../../__testUtils__/mockDeployApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { DeployDialog } from './DeployDialog';

describe('DeployDialog', () => {
  it('posts the version to the channel and reports the deployment', async () => {
    const deployApi = mockDeployApi();
    const deployment = makeDeployment({ status: 'requested' });
    deployApi.createDeployment.mockResolvedValue(deployment);
    const onDeployed = jest.fn();
    await renderWithApis(
      <DeployDialog
        open
        service="checkout"
        channel="dev"
        onClose={jest.fn()}
        onDeployed={onDeployed}
      />,
      { deployApi, allow: ['deploy.create'] },
    );

    expect(
      screen.getByRole('dialog', { name: 'Deploy checkout to dev' }),
    ).toBeInTheDocument();
    const deploy = screen.getByRole('button', { name: 'Deploy' });
    expect(deploy).toBeDisabled();
    await userEvent.type(screen.getByLabelText(/Version/), ' 1.2.3 ');
    await userEvent.click(deploy);

    await waitFor(() => expect(onDeployed).toHaveBeenCalledWith(deployment));
    expect(deployApi.createDeployment).toHaveBeenCalledWith({
      service: 'checkout',
      channel: 'dev',
      version: '1.2.3',
    });
  });

  it('previews what the typed version would change before deploying it', async () => {
    const deployApi = mockDeployApi();
    deployApi.getDiff.mockResolvedValue(
      makeSetDiff({ head: { channel: 'dev', version: '1.3.0' } }),
    );
    deployApi.createDeployment.mockResolvedValue(makeDeployment());
    await renderWithApis(
      <DeployDialog
        open
        service="checkout"
        channel="dev"
        onClose={jest.fn()}
        onDeployed={jest.fn()}
      />,
      { deployApi, allow: ['deploy.create'] },
    );
    const preview = screen.getByRole('button', { name: 'Preview changes' });
    expect(preview).toBeDisabled();
    await userEvent.type(screen.getByLabelText(/Version/), '1.3.0');
    await userEvent.click(preview);

    const section = await screen.findByRole('region', {
      name: 'What deploying 1.3.0 changes in dev',
    });
    expect(
      await within(section).findByRole('region', {
        name: 'Changes to Deployment checkout',
      }),
    ).toBeInTheDocument();
    expect(deployApi.getDiff).toHaveBeenCalledWith({
      service: 'checkout',
      channel: 'dev',
      version: '1.3.0',
    });
    // Previewing deploys nothing; the preview is gone once the version changes.
    expect(deployApi.createDeployment).not.toHaveBeenCalled();
    await userEvent.type(screen.getByLabelText(/Version/), '1');
    expect(screen.queryByRole('region', { name: /What deploying/ })).toBeNull();
  });

  it('records an override reason from a user allowed to override', async () => {
    const deployApi = mockDeployApi();
    deployApi.createDeployment.mockResolvedValue(makeDeployment());
    await renderWithApis(
      <DeployDialog
        open
        service="checkout"
        channel="prod"
        onClose={jest.fn()}
        onDeployed={jest.fn()}
      />,
      { deployApi },
    );
    await userEvent.type(screen.getByLabelText(/Version/), '1.3.1');
    await userEvent.type(
      await screen.findByLabelText(/Override reason/),
      'hotfix for incident 42',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Deploy' }));
    await waitFor(() =>
      expect(deployApi.createDeployment).toHaveBeenCalledWith({
        service: 'checkout',
        channel: 'prod',
        version: '1.3.1',
        overrideReason: 'hotfix for incident 42',
      }),
    );
  });

  it('offers no override to a user not allowed to', async () => {
    await renderWithApis(
      <DeployDialog
        open
        service="checkout"
        channel="prod"
        onClose={jest.fn()}
        onDeployed={jest.fn()}
      />,
      { allow: ['deploy.create'] },
    );
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(screen.queryByLabelText(/Override reason/)).toBeNull();
  });

  it('shows the backend reason when the deployment is refused', async () => {
    const deployApi = mockDeployApi();
    deployApi.createDeployment.mockRejectedValue(
      new Error('checkout already has an active deployment in dev'),
    );
    const onDeployed = jest.fn();
    await renderWithApis(
      <DeployDialog
        open
        service="checkout"
        channel="dev"
        onClose={jest.fn()}
        onDeployed={onDeployed}
      />,
      { deployApi },
    );
    await userEvent.type(screen.getByLabelText(/Version/), '1.2.3{enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'checkout already has an active deployment in dev',
    );
    expect(onDeployed).not.toHaveBeenCalled();
  });

  it('offers the recent releases by version, title and commit, and still takes a typed version', async () => {
    const deployApi = mockDeployApi();
    deployApi.listReleases.mockResolvedValue({
      items: [
        makeRelease(),
        makeRelease({ version: '1.2.3', title: undefined, commit: undefined }),
      ],
    });
    deployApi.createDeployment.mockResolvedValue(makeDeployment());
    await renderWithApis(
      <DeployDialog
        open
        service="checkout"
        channel="dev"
        onClose={jest.fn()}
        onDeployed={jest.fn()}
      />,
      { deployApi, allow: ['deploy.create'] },
    );
    const release = await screen.findByRole('combobox', { name: /Release/ });
    expect(
      within(release)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual([
      'Choose a release',
      '1.3.0 — Pay with saved cards (0123456)',
      '1.2.3',
    ]);
    expect(deployApi.listReleases).toHaveBeenCalledWith('checkout', {
      limit: 25,
    });

    await userEvent.selectOptions(release, '1.3.0');
    expect(screen.getByLabelText(/Version/)).toHaveValue('1.3.0');
    // A typed version that is no release leaves the list unchosen.
    await userEvent.clear(screen.getByLabelText(/Version/));
    await userEvent.type(screen.getByLabelText(/Version/), '9.9.9');
    expect(release).toHaveValue('');
    await userEvent.click(screen.getByRole('button', { name: 'Deploy' }));
    await waitFor(() =>
      expect(deployApi.createDeployment).toHaveBeenCalledWith({
        service: 'checkout',
        channel: 'dev',
        version: '9.9.9',
      }),
    );
  });

  it('takes only a published release where the channel says so', async () => {
    const deployApi = mockDeployApi();
    deployApi.listReleases.mockResolvedValue({ items: [makeRelease()] });
    deployApi.createDeployment.mockResolvedValue(makeDeployment());
    await renderWithApis(
      <DeployDialog
        open
        service="checkout"
        channel="prod"
        releasesOnly
        onClose={jest.fn()}
        onDeployed={jest.fn()}
      />,
      { deployApi, allow: ['deploy.create'] },
    );
    const release = await screen.findByRole('combobox', { name: /Release/ });
    expect(screen.queryByRole('textbox', { name: /Version/ })).toBeNull();
    expect(
      screen.getByText('prod takes published releases only.'),
    ).toBeInTheDocument();
    const deploy = screen.getByRole('button', { name: 'Deploy' });
    expect(deploy).toBeDisabled();
    await userEvent.selectOptions(release, '1.3.0');
    await userEvent.click(deploy);
    await waitFor(() =>
      expect(deployApi.createDeployment).toHaveBeenCalledWith({
        service: 'checkout',
        channel: 'prod',
        version: '1.3.0',
      }),
    );
  });

  it('says so when a releases-only channel has no release to take', async () => {
    await renderWithApis(
      <DeployDialog
        open
        service="checkout"
        channel="prod"
        releasesOnly
        onClose={jest.fn()}
        onDeployed={jest.fn()}
      />,
      { allow: ['deploy.create'] },
    );
    expect(
      await screen.findByText(/checkout has no published releases yet/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Deploy' })).toBeDisabled();
  });
});
