import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { DeploymentStatusLabel } from './DeploymentStatusLabel';

describe('DeploymentStatusLabel', () => {
  it('names the status in words', async () => {
    await renderInTestApp(<DeploymentStatusLabel status="awaiting_approval" />);
    expect(screen.getByText('Awaiting approval')).toBeInTheDocument();
  });

  it('marks a failure as an error', async () => {
    await renderInTestApp(<DeploymentStatusLabel status="failed" />);
    expect(screen.getByLabelText('Status error')).toHaveTextContent('Failed');
  });
});
