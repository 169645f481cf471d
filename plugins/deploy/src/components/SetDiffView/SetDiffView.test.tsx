import { screen, within } from '@testing-library/react';
import { makeSetDiff } from '../../__testUtils__/fixtures';
import { mockDeployApi } from '../../__testUtils__/mockDeployApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { AsyncSetDiffView } from './AsyncSetDiffView';
import { SetDiffView, summarizeSetDiff } from './SetDiffView';

describe('SetDiffView', () => {
  it('sums up the changes and the migrations that run first', async () => {
    await renderWithApis(<SetDiffView diff={makeSetDiff()} />);
    expect(
      screen.getByText('1 changed · 1 added · 1 removed · 5 unchanged'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Runs migration Job checkout-migrate first'),
    ).toBeInTheDocument();
  });

  it('shows each changed object in its own labelled section', async () => {
    await renderWithApis(<SetDiffView diff={makeSetDiff()} />);
    const sections = screen.getAllByRole('region');
    expect(sections.map(s => s.getAttribute('aria-label'))).toEqual([
      'Changes to Deployment checkout',
      'Changes to ConfigMap checkout-flags',
      'Changes to Service checkout-legacy',
    ]);
    expect(
      within(sections[0]).getByRole('heading', { level: 3 }),
    ).toHaveTextContent('Deployment checkout — changed');
    expect(
      within(sections[1]).getByRole('heading', { level: 3 }),
    ).toHaveTextContent('ConfigMap checkout-flags — added');
    expect(
      within(sections[2]).getByRole('heading', { level: 3 }),
    ).toHaveTextContent('Service checkout-legacy — removed');
  });

  it('marks added and removed lines apart from context, and hunks with a rule', async () => {
    await renderWithApis(<SetDiffView diff={makeSetDiff()} />);
    const deployment = screen.getByRole('region', {
      name: 'Changes to Deployment checkout',
    });
    const block = within(deployment).getByRole('group', {
      name: 'Diff of Deployment checkout',
    });
    // Lines keep their indentation: the YAML stays readable.
    const exact = { normalizer: (text: string) => text };
    const removed = within(block).getByText(
      '-        - image: registry.example.com/checkout:1.2.3',
      exact,
    );
    const added = within(block).getByText(
      '+        - image: registry.example.com/checkout:1.3.0',
      exact,
    );
    const context = within(block).getByText('   template:', exact);
    expect(removed.tagName).toBe('DEL');
    expect(added.tagName).toBe('INS');
    expect(context.tagName).toBe('SPAN');
    // Three different looks: green, red and plain.
    const colors = [added, removed, context].map(
      line => getComputedStyle(line).backgroundColor,
    );
    expect(new Set(colors).size).toBe(3);
    expect(within(block).getAllByRole('separator')).toHaveLength(1);
    expect(block).not.toHaveTextContent('@@');
  });

  it('says when nothing changes', async () => {
    const diff = makeSetDiff({ changes: [], migrations: [] });
    await renderWithApis(<SetDiffView diff={diff} />);
    expect(screen.getByText('No changes · 5 unchanged')).toBeInTheDocument();
    expect(screen.queryByText(/migration/)).toBeNull();
    expect(screen.queryByRole('region')).toBeNull();
  });

  it('says everything is new when the channel runs nothing yet', async () => {
    await renderWithApis(
      <SetDiffView diff={makeSetDiff({ base: undefined, unchanged: 0 })} />,
    );
    expect(
      screen.getByText(
        'prod runs nothing Slipway applied yet, so everything is new.',
      ),
    ).toBeInTheDocument();
  });
});

describe('summarizeSetDiff', () => {
  it('leaves out the kinds of change that did not happen', () => {
    expect(
      summarizeSetDiff(
        makeSetDiff({
          changes: makeSetDiff().changes.slice(0, 1),
          unchanged: 0,
        }),
      ),
    ).toBe('1 changed');
    expect(summarizeSetDiff(makeSetDiff({ changes: [], unchanged: 0 }))).toBe(
      'No changes',
    );
  });
});

describe('AsyncSetDiffView', () => {
  it('loads the diff and shows it', async () => {
    const deployApi = mockDeployApi();
    deployApi.getDiff.mockResolvedValue(makeSetDiff());
    const load = () =>
      deployApi.getDiff({ service: 'checkout', channel: 'prod' });
    await renderWithApis(<AsyncSetDiffView load={load} />, { deployApi });
    expect(
      await screen.findByRole('region', {
        name: 'Changes to Deployment checkout',
      }),
    ).toBeInTheDocument();
  });

  it('shows why the diff could not be made', async () => {
    const load = () =>
      Promise.reject(new Error('staging runs nothing to promote'));
    await renderWithApis(<AsyncSetDiffView load={load} />);
    expect(
      await screen.findByText(
        'Could not show the changes: staging runs nothing to promote',
      ),
    ).toBeInTheDocument();
  });
});
