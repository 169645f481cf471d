import { Page, expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { PortalApi } from '../PortalApi';
import { historyRow } from '../historyRow';
import { signIn } from '../signIn';

const backendUrl = process.env.SLIPWAY_BACKEND_URL ?? 'http://localhost:7007';
// Playwright runs from the package's folder (yarn workspace … screenshots).
const out = (name: string) => resolve('../../docs/screenshots', name);

/** Screenshots the page with the pointer parked where it highlights nothing. */
async function shoot(page: Page, name: string) {
  const { width, height } = page.viewportSize()!;
  await page.mouse.move(width - 1, height - 1);
  await page.screenshot({ path: out(name) });
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test.describe('wide', () => {
  // Wide enough for the channel cards to sit side by side.
  test.use({ viewport: { width: 1920, height: 1000 } });

  test('the Deploy tab of a healthy service', async ({ page }) => {
    await page.goto('/catalog/default/component/checkout/deploy');
    const cards = page.getByRole('region', { name: /^Channel / });
    await expect(cards).toHaveCount(3);
    for (const card of await cards.all()) {
      await expect(card).toContainText('Healthy');
    }
    await shoot(page, 'deploy-tab.png');
  });
});

test('a crash-looping rollout, its crash logs, then its timeline', async ({
  page,
}) => {
  const api = await PortalApi.signIn(backendUrl);
  const version = `1.2.${Date.now() % 100000}-crashloop`;
  await api.request('POST', '/deploy/deployments', {
    service: 'notifier',
    channel: 'dev',
    version,
  });
  await page.goto('/catalog/default/component/notifier/deploy');
  const dev = page.getByRole('region', { name: 'Channel dev' });
  const crashing = dev
    .getByRole('row')
    .filter({ hasText: version })
    .filter({ hasText: 'CrashLoopBackOff' });
  await expect(crashing).toBeVisible({ timeout: 60_000 });
  await crashing.getByRole('button', { name: /^Show logs of app/ }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('exiting with status 1');
  // Past the dialog's fade-in.
  await expect(page.locator('.MuiDialog-container')).toHaveCSS('opacity', '1');
  await shoot(page, 'crash-logs.png');
  await page.keyboard.press('Escape');

  const row = historyRow(page, version);
  await expect(row.getByText('Rolled back')).toBeVisible({ timeout: 90_000 });
  await row.getByRole('button').first().click();
  const timeline = page.getByRole('region', {
    name: `Timeline of ${version} to dev`,
  });
  await expect(timeline).toContainText('exiting with status 1');
  await row.evaluate(element => element.scrollIntoView({ block: 'start' }));
  await shoot(page, 'history-timeline.png');
});

test('the team Deployments page', async ({ page }) => {
  await page.getByRole('link', { name: 'Deployments' }).click();
  // The guest's first team, the page's default: notifier's team.
  await expect(page.getByLabel('Team')).toContainText('Growth');
  // People are shown by their catalog name once it has loaded.
  await expect(page.getByRole('main').getByText('Guest').first()).toBeVisible();
  await expect(
    page.getByRole('img', { name: /^Deployments per day/ }),
  ).toBeVisible();
  await shoot(page, 'deployments-page.png');
});
