import { expect, test } from '@playwright/test';
import { PortalApi } from './PortalApi';
import { ledger, shop } from './services';
import { historyRow } from './historyRow';
import { signIn } from './signIn';

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test('the Deploy tab shows a card per channel, in promotion order, with version and health', async ({
  page,
  baseURL,
}) => {
  const api = await PortalApi.signIn(baseURL!);
  const { items } = await api.channels();
  const order = [...items].sort((a, b) => a.order - b.order).map(c => c.name);

  await page.goto(shop.entityPath);

  const cards = page.getByRole('region', { name: /^Channel / });
  await expect(cards).toHaveCount(order.length);
  for (const [index, channel] of order.entries()) {
    const card = cards.nth(index);
    await expect(card).toHaveAccessibleName(`Channel ${channel}`);
    await expect(card.getByText(channel, { exact: true })).toBeVisible();
    await expect(card).toContainText(`Running${shop.baseVersion}`);
    await expect(card).toContainText('Healthy');
    await expect(
      card.getByRole('table', { name: `Pods of ${shop.name} in ${channel}` }),
    ).toBeVisible();
  }
});

test('a version deployed through the dialog gets a history row that reaches Succeeded', async ({
  page,
}) => {
  // A version no run has deployed before; without a simulator marker in it
  // the local cluster runs it healthy.
  const version = `1.1.${Date.now()}`;
  await page.goto(shop.entityPath);

  const dev = page.getByRole('region', { name: 'Channel dev' });
  await dev
    .getByRole('button', { name: `Deploy a version of ${shop.name} to dev` })
    .click();
  const dialog = page.getByRole('dialog', {
    name: `Deploy ${shop.name} to dev`,
  });
  await dialog.getByLabel(/^Version/).fill(version);
  await dialog.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(dialog).toBeHidden();

  // The page follows the deployment through the backend's signals.
  const row = historyRow(page, version);
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('dev');
  await expect(row.getByText('Succeeded')).toBeVisible({ timeout: 90_000 });
  await expect(dev).toContainText(`Running${version}`);
  await expect(dev).toContainText('Healthy');
});

test("another team's service offers its channels to look at, not to act on", async ({
  page,
}) => {
  await page.goto(ledger.entityPath);

  const cards = page.getByRole('region', { name: /^Channel / });
  await expect(cards.first()).toContainText('Health');
  // The permission policy lets only a service's owners act on it; the tab
  // asks per channel (buttons appear once the answers are in) and offers
  // nothing.
  await page.waitForLoadState('networkidle');
  await expect(cards.getByRole('button')).toHaveCount(0);

  // The same user is offered the actions on their own team's service.
  await page.goto(shop.entityPath);
  await expect(
    page.getByRole('button', {
      name: `Deploy a version of ${shop.name} to dev`,
    }),
  ).toBeVisible();
});
