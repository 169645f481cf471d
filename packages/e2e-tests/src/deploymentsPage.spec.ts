import { expect, test } from '@playwright/test';
import { PortalApi } from './PortalApi';
import { mailer, shop, user } from './services';
import { historyRow } from './historyRow';
import { signIn } from './signIn';

test("the Deployments page shows the team's deployments and its delivery charts", async ({
  page,
  baseURL,
}) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Deployments' }).click();
  await expect(page).toHaveURL(/\/deployments$/);

  // The page starts on the user's own team.
  await expect(page.getByLabel('Team')).toHaveText(
    `${user.teamTitle} (your team)`,
  );

  // Every deployment of the team's services this run made, as the backend
  // lists them.
  const api = await PortalApi.signIn(baseURL!);
  const { items } = await api.deployments({ team: shop.team, limit: '200' });
  expect(items.length).toBeGreaterThan(0);

  for (const service of [shop.name, mailer.name]) {
    await expect(historyRow(page, service).first()).toBeVisible();
  }
  for (const deployment of items.slice(0, 5)) {
    await expect(historyRow(page, deployment.version).first()).toBeVisible();
  }

  // The delivery figures and chart count the same deployments.
  const main = page.getByRole('main');
  await expect(main).toContainText(`Deployments${items.length}`);
  await expect(
    main.getByRole('img', {
      name: new RegExp(`^Deployments per day: ${items.length} over`),
    }),
  ).toBeVisible();
});
