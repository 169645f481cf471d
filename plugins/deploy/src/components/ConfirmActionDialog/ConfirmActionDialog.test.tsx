import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ConfirmActionDialog } from './ConfirmActionDialog';

function renderDialog(onConfirm: () => Promise<unknown>) {
  const onDone = jest.fn();
  const onClose = jest.fn();
  const rendered = renderInTestApp(
    <ConfirmActionDialog
      open
      title="Roll back prod?"
      description="checkout returns to 1.2.2."
      confirmLabel="Roll back"
      onConfirm={onConfirm}
      onClose={onClose}
      onDone={onDone}
    />,
  );
  return { rendered, onDone, onClose };
}

describe('ConfirmActionDialog', () => {
  it('is titled, runs the action on confirm and reports done', async () => {
    const onConfirm = jest.fn().mockResolvedValue({});
    const { rendered, onDone } = renderDialog(onConfirm);
    await rendered;
    expect(
      screen.getByRole('dialog', { name: 'Roll back prod?' }),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Roll back' }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('shows why the action failed and stays open', async () => {
    const { rendered, onDone } = renderDialog(() =>
      Promise.reject(new Error('Nothing to roll back to in prod')),
    );
    await rendered;
    await userEvent.click(screen.getByRole('button', { name: 'Roll back' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Nothing to roll back to in prod',
    );
    expect(onDone).not.toHaveBeenCalled();
  });

  it('shows details under the description', async () => {
    await renderInTestApp(
      <ConfirmActionDialog
        open
        title="Promote checkout to prod?"
        description="Deploys 1.3.0 to prod."
        details={<p>1 changed · 5 unchanged</p>}
        confirmLabel="Promote"
        onConfirm={jest.fn()}
        onClose={jest.fn()}
        onDone={jest.fn()}
      />,
    );
    expect(
      screen.getByRole('dialog', { name: 'Promote checkout to prod?' }),
    ).toHaveTextContent('Deploys 1.3.0 to prod.1 changed · 5 unchanged');
  });

  it('closes without acting', async () => {
    const onConfirm = jest.fn();
    const { rendered, onClose } = renderDialog(onConfirm);
    await rendered;
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalled();
    expect(onConfirm).not.toHaveBeenCalled();
  });
});
