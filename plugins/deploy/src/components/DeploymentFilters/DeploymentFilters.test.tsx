import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DeploymentFilters } from './DeploymentFilters';

async function choose(label: RegExp, option: string) {
  await userEvent.click(screen.getByRole('button', { name: label }));
  await userEvent.click(
    within(screen.getByRole('listbox')).getByRole('option', { name: option }),
  );
}

describe('DeploymentFilters', () => {
  it('offers "any" until something is chosen', async () => {
    await renderInTestApp(
      <DeploymentFilters
        channels={['dev']}
        value={{ range: '7d' }}
        onChange={jest.fn()}
      />,
    );
    expect(screen.getByRole('button', { name: /Channel/ })).toHaveTextContent(
      'Any channel',
    );
    expect(screen.getByRole('button', { name: /Status/ })).toHaveTextContent(
      'Any status',
    );
  });

  it('filters by channel, status and time', async () => {
    const onChange = jest.fn();
    await renderInTestApp(
      <DeploymentFilters
        channels={['dev', 'prod']}
        value={{ range: '7d' }}
        onChange={onChange}
      />,
    );
    await choose(/Channel/, 'prod');
    expect(onChange).toHaveBeenLastCalledWith({ range: '7d', channel: 'prod' });
    await choose(/Status/, 'Rolled back');
    expect(onChange).toHaveBeenLastCalledWith({
      range: '7d',
      status: 'rolled_back',
    });
    await choose(/Time/, 'Last 90 days');
    expect(onChange).toHaveBeenLastCalledWith({ range: '90d' });
  });

  it('filters by service once the user stops typing', async () => {
    const onChange = jest.fn();
    await renderInTestApp(
      <DeploymentFilters
        channels={[]}
        value={{ range: '7d' }}
        onChange={onChange}
      />,
    );
    await userEvent.type(screen.getByLabelText('Service'), 'checkout');
    await waitFor(() =>
      expect(onChange).toHaveBeenCalledWith({
        range: '7d',
        service: 'checkout',
      }),
    );
    expect(onChange).toHaveBeenCalledTimes(1);
  });
});
