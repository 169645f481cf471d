import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { historyRow } from '../historyRow';

// A new Backstage app with Slipway installed by following its READMEs
// (scripts/adoption-test.sh), signed in with the template's guest button. The
// service is the template's example component, annotated as the README says
// and owned by `guests`, the group the README's guest config puts the guest in.
const service = process.env.SLIPWAY_ADOPTION_SERVICE ?? 'example-website';
const image = `registry.example.com/${service}`;

/**
 * The README's command that registers a service over the REST API, for this
 * app's URL and service (the README's example is `checkout` on :7007).
 */
function readmeRegisterCommand(baseUrl: string): string {
  // The repository's root (scripts/setup.sh), else from this package's folder.
  const root = process.env.SLIPWAY_ROOT ?? resolve('../..');
  const readme = readFileSync(
    resolve(root, 'plugins/deploy-backend/README.md'),
    'utf8',
  );
  const marker = '<!-- adoption-test:register-service -->';
  const block = readme
    .slice(readme.indexOf(marker))
    .match(/```sh\n([\s\S]*?)```/);
  if (!readme.includes(marker) || !block) {
    throw new Error(
      `plugins/deploy-backend/README.md has no sh block after ${marker}`,
    );
  }
  return block[1]
    .replaceAll('http://localhost:7007', baseUrl)
    .replaceAll('checkout', service);
}

test('a new app with Slipway from its READMEs registers a service and deploys it', async ({
  page,
  baseURL,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  // The app discovered the plugin: its page is in the sidebar.
  await expect(page.getByRole('link', { name: 'Deployments' })).toBeVisible();

  // The catalog lists what the signed-in user's group owns.
  await page.getByRole('link', { name: service, exact: true }).click();
  // The entity page's tabs are links.
  await page.getByRole('link', { name: 'Deploy', exact: true }).click();

  // Slipway does not know the service yet: its owner sets it up on the tab.
  const form = page.getByRole('form', { name: 'Set up deployments' });
  await expect(form.getByLabel(/^Service name/)).toHaveValue(service);
  await form.getByLabel(/^Image repository/).fill(image);
  await form.getByRole('button', { name: 'Set up deployments' }).click();

  const dev = page.getByRole('region', { name: 'Channel dev' });
  await expect(dev).toBeVisible();
  await expect(form).toBeHidden();

  // The README's curl registers the same service again: a registration is
  // idempotent, so its body must be one the API accepts for it.
  const registered = JSON.parse(
    execFileSync(
      'bash',
      ['-euo', 'pipefail', '-c', readmeRegisterCommand(baseURL!)],
      {
        encoding: 'utf8',
      },
    ),
  );
  expect(registered).toMatchObject({
    name: service,
    entityRef: `component:default/${service}`,
    ownerRef: 'group:default/guests',
    spec: { image },
  });

  // A version no run has deployed before, ready after 10 s (the local
  // cluster's `slow10s` marker) as a real rollout takes a while. The tab
  // must follow it on its own, without a reload: by signals, or by its
  // 15 s re-read while a deployment runs when a signal fell into a gap
  // while the socket (re)connected.
  const version = `1.0.${Date.now()}-slow10s`;
  await dev
    .getByRole('button', { name: `Deploy a version of ${service} to dev` })
    .click();
  const dialog = page.getByRole('dialog', { name: `Deploy ${service} to dev` });
  await dialog.getByLabel(/^Version/).fill(version);
  await dialog.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(dialog).toBeHidden();

  const row = historyRow(page, version);
  await expect(row).toHaveCount(1);
  await expect(row.getByText('Succeeded')).toBeVisible({ timeout: 120_000 });
  await expect(dev).toContainText(`Running${version}`);
  await expect(dev).toContainText('Healthy');
});
