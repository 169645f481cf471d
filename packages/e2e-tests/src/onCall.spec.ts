import { expect, test } from '@playwright/test';
import { PortalApi } from './PortalApi';
import { historyRow } from './historyRow';
import { mailer } from './services';
import { signIn } from './signIn';

test('on-call rolls back a rollout in progress from the Deploy tab: it is stopped and the last good version restored', async ({
  page,
  baseURL,
}) => {
  // "-slow60s" keeps the simulated pods unready for a minute: the rollout is
  // still in progress when on-call steps in.
  const version = `3.0.${Date.now()}-slow60s`;
  const api = await PortalApi.signIn(baseURL!);
  await api.request('POST', '/deploy/deployments', {
    service: mailer.name,
    channel: 'dev',
    version,
  });
  await signIn(page);
  await page.goto(mailer.entityPath);

  const row = historyRow(page, version);
  await expect(row.getByText('Rolling out')).toBeVisible({ timeout: 60_000 });

  const dev = page.getByRole('region', { name: 'Channel dev' });
  await dev
    .getByRole('button', { name: `Roll back ${mailer.name} in dev` })
    .click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(
    `Stops the deployment of ${version} now and restores the last version that succeeded in dev.`,
  );
  await dialog.getByRole('button', { name: 'Roll back', exact: true }).click();
  await expect(dialog).toBeHidden();

  // The rollout is stopped at once, not left to run out its minute.
  await expect(row.getByText('Cancelled')).toBeVisible({ timeout: 20_000 });
  await expect(dev).toContainText(`Running${mailer.baseVersion}`, {
    timeout: 60_000,
  });
  await expect(dev).toContainText('Healthy');

  await row.getByRole('button').first().click();
  const timeline = page.getByRole('region', {
    name: `Timeline of ${version} to dev`,
  });
  await expect(timeline).toContainText(
    'Pre-empted by a rollback requested by user:default/alice while rolling out',
  );
});
