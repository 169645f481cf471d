import { expect, test } from '@playwright/test';
import { mailer } from './services';
import { historyRow } from './historyRow';
import { signIn } from './signIn';

test('a crash-looping rollout rolls back and its history shows the crash evidence', async ({
  page,
}) => {
  // "crashloop" makes the local cluster's simulated container exit 1 soon
  // after each start.
  const version = `2.0.${Date.now()}-crashloop`;
  await signIn(page);
  await page.goto(mailer.entityPath);

  const dev = page.getByRole('region', { name: 'Channel dev' });
  await dev
    .getByRole('button', { name: `Deploy a version of ${mailer.name} to dev` })
    .click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/^Version/).fill(version);
  await dialog.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(dialog).toBeHidden();

  const row = historyRow(page, version);
  await expect(row.getByText('Rolled back')).toBeVisible({ timeout: 100_000 });
  // Dev is back on the version that worked.
  await expect(dev).toContainText(`Running${mailer.baseVersion}`);

  await row.getByRole('button').first().click();
  const timeline = page.getByRole('region', {
    name: `Timeline of ${version} to dev`,
  });
  await expect(timeline).toContainText('CrashLoopBackOff');
  const evidence = timeline.getByRole('region', {
    name: 'rollout failure evidence',
  });
  await expect(evidence).toContainText('exit code 1');
  await expect(
    evidence.getByText('Logs of the crashed container'),
  ).toBeVisible();
  // What the simulated container wrote before it died.
  await expect(evidence).toContainText('exiting with status 1');
  await expect(
    evidence.getByRole('table', { name: 'Kubernetes events' }),
  ).toContainText('BackOff');
});
