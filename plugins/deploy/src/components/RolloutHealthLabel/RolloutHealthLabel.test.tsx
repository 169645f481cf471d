import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { RolloutHealthLabel } from './RolloutHealthLabel';

describe('RolloutHealthLabel', () => {
  it('shows a degraded channel as an error', async () => {
    await renderInTestApp(<RolloutHealthLabel health="Degraded" />);
    expect(screen.getByLabelText('Status error')).toHaveTextContent('Degraded');
  });
});
