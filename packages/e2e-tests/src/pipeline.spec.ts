import { Locator, Page, expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { PortalApi } from './PortalApi';
import { historyRow } from './historyRow';
import { signIn } from './signIn';

/** The static token CI publishes with (app-config.e2e.yaml): it may publish releases, nothing else. */
const CI_TOKEN = 'e2e-ci-publishes-releases';

/** A service of the user's team (entities.yaml) that only this spec deploys. */
const service = {
  name: 'e2e-pipeline',
  ref: 'component:default/e2e-pipeline',
  entityPath: '/catalog/default/component/e2e-pipeline/deploy',
};

// With SLIPWAY_SCREENSHOTS=1 this test also writes the README's screenshots
// of the pipeline (docs/screenshots/); Playwright runs from the package's
// folder. Of the element only: the portal's notification toasts come and go
// in a corner of the page.
async function shoot(page: Page, element: Locator, name: string) {
  if (!process.env.SLIPWAY_SCREENSHOTS) {
    return;
  }
  const { width, height } = page.viewportSize()!;
  await page.mouse.move(width - 1, height - 1);
  await element.screenshot({ path: resolve('../../docs/screenshots', name) });
}

test.use({ viewport: { width: 1600, height: 1000 } });

test('a release CI publishes goes through dev and staging on its own, waits for approval in prod, and one click ships it', async ({
  page,
  baseURL,
}) => {
  // Three rollouts of a few seconds each, a soak and an approval.
  test.setTimeout(240_000);
  const api = await PortalApi.signIn(baseURL!);
  await api.waitForEntity(service.ref);
  await api.request('POST', '/deploy/services', {
    name: service.name,
    entityRef: service.ref,
    spec: {
      image: `registry.slipway.test/${service.name}`,
      port: 8080,
      channels: {
        dev: { replicas: 1 },
        staging: { replicas: 1 },
        prod: { replicas: 1 },
      },
    },
  });

  await signIn(page);
  await page.goto(service.entityPath);
  const pipeline = page.getByRole('region', {
    name: `Release pipeline of ${service.name}`,
  });
  await expect(pipeline).toContainText(
    `No releases of ${service.name} published yet`,
  );

  // CI publishes what it built. "-slow8s" keeps the simulated pods unready
  // for a few seconds, so each rollout can be watched.
  const version = `2.0.${Date.now()}-slow8s`;
  const commit = '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39';
  const release = {
    version,
    commit,
    commitUrl: `https://git.example.com/payments/e2e-pipeline/commit/${commit}`,
    buildUrl: 'https://ci.example.com/payments/e2e-pipeline/builds/1234',
    title: 'Remember saved cards at checkout',
  };
  await PortalApi.asService(baseURL!, CI_TOKEN).request(
    'POST',
    `/deploy/services/${service.name}/releases`,
    release,
  );

  // The page follows through the backend's signals; it is never reloaded.
  const row = pipeline.getByRole('row').filter({ hasText: version });
  await expect(row).toContainText(release.title);
  await expect(row).toContainText('published by e2e-ci');
  await expect(
    row.getByRole('link', { name: /^Commit 3f2a9c1/ }),
  ).toHaveAttribute('href', release.commitUrl);
  await expect(row.getByRole('link', { name: /^Build of / })).toHaveAttribute(
    'href',
    release.buildUrl,
  );
  const stage = (channel: string) =>
    pipeline.getByRole('group', { name: `${version} in ${channel}` });

  await expect(stage('dev')).toContainText('Deploying', { timeout: 30_000 });
  await expect(stage('dev')).toContainText('by rule auto-deploy');
  await expect(stage('dev')).toContainText('Deployed', { timeout: 60_000 });
  await expect(stage('dev')).toContainText('Running now');

  // Staging takes it from dev on its own, then soaks it before prod may.
  await expect(stage('staging')).toContainText('by rule auto-promote', {
    timeout: 30_000,
  });
  await expect(stage('staging')).toContainText(
    /Waiting for the soak, (\d+s left|ends now)/,
    { timeout: 60_000 },
  );
  await expect(stage('staging')).toContainText('Deployed', { timeout: 60_000 });

  // Prod takes it on its own too, and waits for a person.
  await expect(stage('prod')).toContainText(
    'Waiting for approval by Payments',
    { timeout: 60_000 },
  );
  await expect(stage('prod')).toContainText('by rule auto-promote');
  const approve = stage('prod').getByRole('button', {
    name: `Approve ${version} for prod`,
  });
  await expect(approve).toBeVisible();
  await shoot(page, pipeline, 'pipeline-approval.png');

  // What staging runs that prod does not: this release, by commit and title.
  await pipeline
    .getByRole('button', { name: 'Compare staging with prod' })
    .click();
  const dialog = page.getByRole('dialog', {
    name: 'What staging runs that prod does not',
  });
  const releases = dialog.getByRole('region', {
    name: 'Releases in staging and not in prod',
  });
  await expect(releases).toContainText(version);
  await expect(releases).toContainText(release.title);
  await expect(
    releases.getByRole('link', { name: /^Commit 3f2a9c1/ }),
  ).toHaveAttribute('href', release.commitUrl);
  // Past the dialog's fade-in.
  await expect(page.locator('.MuiDialog-container')).toHaveCSS('opacity', '1');
  await shoot(page, dialog, 'pipeline-compare.png');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();

  await approve.click();
  await expect(stage('prod')).toContainText('Deployed', { timeout: 90_000 });
  for (const channel of ['dev', 'staging', 'prod']) {
    await expect(stage(channel)).toContainText('Running now');
  }
  await expect(approve).toBeHidden();
  // The history names the rules that asked for each deployment.
  const rows = historyRow(page, version);
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: 'rule auto-deploy' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'rule auto-promote' })).toHaveCount(2);
  await expect(rows.filter({ hasText: 'Succeeded' })).toHaveCount(3);
  // The channel cards agree.
  await expect(
    page.getByRole('region', { name: 'Channel prod' }),
  ).toContainText(`Running${version}`);
});
