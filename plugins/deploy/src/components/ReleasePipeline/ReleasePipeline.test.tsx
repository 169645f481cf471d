import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  makeDeployment,
  makePipeline,
  makeRelease,
} from '../../__testUtils__/fixtures';
import { mockDeployApi } from '../../__testUtils__/mockDeployApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { ReleasePipeline } from './ReleasePipeline';

function renderPipeline(
  deployApi = mockDeployApi(),
  options: Omit<
    NonNullable<Parameters<typeof renderWithApis>[1]>,
    'deployApi'
  > = {},
  onChanged = jest.fn(),
) {
  return renderWithApis(
    <ReleasePipeline service="checkout" refreshKey={0} onChanged={onChanged} />,
    { deployApi, ...options },
  );
}

/** The cell of one release in one channel. */
const stage = (version: string, channel: string) =>
  screen.getByRole('group', { name: `${version} in ${channel}` });

describe('ReleasePipeline', () => {
  afterEach(() => jest.restoreAllMocks());

  it('shows each release, newest first, and where it stands in every channel', async () => {
    const deployApi = mockDeployApi();
    deployApi.getPipeline.mockResolvedValue(makePipeline());
    await renderPipeline(deployApi);

    const table = await screen.findByRole('table', {
      name: 'Pipeline of checkout',
    });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(c => c.textContent),
    ).toEqual(['Release', 'dev', 'staging', 'prod']);
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('1.3.0');
    expect(rows[0]).toHaveTextContent('Pay with saved cards');
    expect(rows[1]).toHaveTextContent('1.2.3');

    // The commit and the build link to where CI said they are.
    expect(
      within(rows[0]).getByRole('link', { name: /^Commit 0123456/ }),
    ).toHaveAttribute(
      'href',
      'https://git.example.com/checkout/commit/0123456',
    );
    expect(
      within(rows[0]).getByRole('link', { name: /^Build of 1.3.0/ }),
    ).toHaveAttribute('href', 'https://ci.example.com/checkout/builds/42');
    expect(rows[0]).toHaveTextContent('published by ci');
    // Without links, the commit is plain text.
    expect(rows[1]).toHaveTextContent('fedcba9');
    expect(within(rows[1]).queryByRole('link', { name: /Commit/ })).toBeNull();

    expect(stage('1.3.0', 'dev')).toHaveTextContent('Deployed');
    expect(stage('1.3.0', 'dev')).toHaveTextContent('Running now');
    expect(stage('1.3.0', 'dev')).toHaveTextContent('by rule auto-deploy');
    expect(stage('1.3.0', 'staging')).toHaveTextContent('by rule auto-promote');
    expect(stage('1.3.0', 'prod')).toHaveTextContent(
      'Waiting for approval by team-payments',
    );
    expect(stage('1.2.3', 'prod')).toHaveTextContent('Running now');
    expect(stage('1.2.3', 'staging')).not.toHaveTextContent('Running now');
    expect(deployApi.getPipeline).toHaveBeenCalledWith('checkout');
  });

  it('counts a soak down to its end', async () => {
    const endsAt = Date.parse('2026-11-20T10:10:00.000Z');
    const now = jest.spyOn(Date, 'now').mockReturnValue(endsAt - 65_000);
    const deployApi = mockDeployApi();
    const pipeline = makePipeline();
    pipeline.releases[0].stages[1] = {
      channel: 'staging',
      state: 'waiting',
      waitingFor: 'soak',
      soakEndsAt: new Date(endsAt).toISOString(),
      deploymentId: 'd2',
      message: 'Soaking',
    };
    pipeline.releases[0].stages[2] = {
      channel: 'prod',
      state: 'pending',
      message: 'Not deployed',
    };
    deployApi.getPipeline.mockResolvedValue(pipeline);
    await renderPipeline(deployApi);

    await waitFor(() =>
      expect(stage('1.3.0', 'staging')).toHaveTextContent(
        'Waiting for the soak, 1m 05s left',
      ),
    );
    now.mockReturnValue(endsAt - 5_000);
    await waitFor(() =>
      expect(stage('1.3.0', 'staging')).toHaveTextContent('5s left'),
    );
    now.mockReturnValue(endsAt + 1_000);
    await waitFor(() =>
      expect(stage('1.3.0', 'staging')).toHaveTextContent('ends now'),
    );
    expect(stage('1.3.0', 'prod')).toHaveTextContent('Pending');
  });

  it('says what a stage waits for when it waits for the deploy window', async () => {
    const deployApi = mockDeployApi();
    deployApi.getPipeline.mockResolvedValue(
      makePipeline({
        waitingFor: 'window',
        window: 'Mon–Fri 09:00–17:00 UTC',
        approvers: undefined,
      }),
    );
    await renderPipeline(deployApi);
    await waitFor(() =>
      expect(stage('1.3.0', 'prod')).toHaveTextContent(
        'Waiting for the deploy window: Mon–Fri 09:00–17:00 UTC',
      ),
    );
    expect(screen.queryByRole('button', { name: /Approve/ })).toBeNull();
  });

  it('approves in one click where the release waits for approval', async () => {
    const deployApi = mockDeployApi();
    deployApi.getPipeline.mockResolvedValue(makePipeline());
    deployApi.approveDeployment.mockResolvedValue(
      makeDeployment({ id: 'd3', channel: 'prod', status: 'migrating' }),
    );
    const onChanged = jest.fn();
    await renderPipeline(deployApi, {}, onChanged);

    const approve = await screen.findByRole('button', {
      name: 'Approve 1.3.0 for prod',
    });
    expect(stage('1.3.0', 'prod')).toContainElement(approve);
    await userEvent.click(approve);
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(deployApi.approveDeployment).toHaveBeenCalledWith('d3');
    // Nothing else is on offer: every other stage is deployed.
    expect(
      screen.getAllByRole('button', { name: /^(Approve|Promote) / }),
    ).toHaveLength(1);
  });

  it("promotes a release the previous channel has deployed, with that release's version", async () => {
    const deployApi = mockDeployApi();
    deployApi.getPipeline.mockResolvedValue(
      makePipeline({
        state: 'pending',
        waitingFor: undefined,
        approvers: undefined,
        deploymentId: undefined,
        automation: undefined,
        message: 'Not deployed',
      }),
    );
    deployApi.createDeployment.mockResolvedValue(
      makeDeployment({ channel: 'prod', status: 'awaiting_approval' }),
    );
    const onChanged = jest.fn();
    await renderPipeline(deployApi, {}, onChanged);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Promote 1.3.0 to prod' }),
    );
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(deployApi.createDeployment).toHaveBeenCalledWith({
      service: 'checkout',
      channel: 'prod',
      version: '1.3.0',
    });
  });

  it('keeps the button and says why when the backend refuses', async () => {
    const deployApi = mockDeployApi();
    deployApi.getPipeline.mockResolvedValue(makePipeline());
    deployApi.approveDeployment.mockRejectedValue(
      new Error('the deployment was cancelled'),
    );
    const onChanged = jest.fn();
    await renderPipeline(deployApi, {}, onChanged);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Approve 1.3.0 for prod' }),
    );
    await waitFor(() => expect(deployApi.approveDeployment).toHaveBeenCalled());
    expect(onChanged).not.toHaveBeenCalled();
    expect(
      screen.getByRole('button', { name: 'Approve 1.3.0 for prod' }),
    ).toBeEnabled();
  });

  it('offers approval only to those the policy lets approve in that channel', async () => {
    const deployApi = mockDeployApi();
    deployApi.getPipeline.mockResolvedValue(makePipeline());
    await renderPipeline(deployApi, {
      allow: request =>
        request.permission.name !== 'deploy.approve' ||
        request.resourceRef !== 'checkout/prod',
    });
    await screen.findByRole('table', { name: 'Pipeline of checkout' });
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(screen.queryByRole('button', { name: /Approve/ })).toBeNull();
  });

  it('says how releases arrive when there are none yet', async () => {
    const deployApi = mockDeployApi();
    deployApi.getPipeline.mockResolvedValue({
      service: 'checkout',
      channels: ['dev', 'staging', 'prod'],
      releases: [],
    });
    await renderPipeline(deployApi);
    expect(
      await screen.findByText(/No releases of checkout published yet/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Compare/ })).toBeNull();
  });

  it('shows why the pipeline could not be read, and nothing else breaks', async () => {
    const deployApi = mockDeployApi();
    deployApi.getPipeline.mockRejectedValue(new Error('the backend is down'));
    await renderPipeline(deployApi);
    expect(
      await screen.findByText(
        'Could not read the pipeline: the backend is down',
      ),
    ).toBeInTheDocument();
  });

  it('compares neighbouring channels, listing the releases one runs and the next does not', async () => {
    const deployApi = mockDeployApi();
    deployApi.getPipeline.mockResolvedValue(makePipeline());
    deployApi.getReleaseChanges.mockResolvedValue({
      base: { channel: 'prod', version: '1.2.3' },
      head: { channel: 'staging', version: '1.3.0' },
      releases: [makeRelease()],
    });
    deployApi.compareChannels.mockRejectedValue(new Error('no sets'));
    await renderPipeline(deployApi);

    expect(
      await screen.findByRole('button', { name: 'Compare dev with staging' }),
    ).toHaveTextContent('dev vs staging');
    await userEvent.click(
      screen.getByRole('button', { name: 'Compare staging with prod' }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'What staging runs that prod does not',
    });
    const releases = await within(dialog).findByRole('region', {
      name: 'Releases in staging and not in prod',
    });
    await waitFor(() => expect(releases).toHaveTextContent('1.3.0'));
    expect(releases).toHaveTextContent('Pay with saved cards');
    expect(
      within(releases).getByRole('link', { name: /^Commit 0123456/ }),
    ).toHaveAttribute(
      'href',
      'https://git.example.com/checkout/commit/0123456',
    );
    expect(deployApi.getReleaseChanges).toHaveBeenCalledWith({
      service: 'checkout',
      base: 'prod',
      head: 'staging',
    });
  });
});
