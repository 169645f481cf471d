import { Page, expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { stack } from './services';
import { signIn } from './signIn';

// With SLIPWAY_SCREENSHOTS=1 these tests also write the README's screenshots
// of the feature (docs/screenshots/); Playwright runs from the package's folder.
async function shoot(page: Page, name: string) {
  if (!process.env.SLIPWAY_SCREENSHOTS) {
    return;
  }
  const { width, height } = page.viewportSize()!;
  await page.mouse.move(width - 1, height - 1);
  await page.screenshot({ path: resolve('../../docs/screenshots', name) });
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test.use({ viewport: { width: 1600, height: 1000 } });

test('a service deployed from its own manifests shows each workload with its pods', async ({
  page,
}) => {
  await page.goto(stack.entityPath);
  const dev = page.getByRole('region', { name: 'Channel dev' });
  await expect(dev).toContainText('Healthy');
  const workloads = dev.getByRole('region', { name: 'Workloads' });
  await expect(workloads).toBeVisible();
  for (const [kind, name, pods] of [
    ['Deployment', 'e2e-stack-web', 2],
    ['StatefulSet', 'e2e-stack-queue', 2],
    ['DaemonSet', 'e2e-stack-agent', 3],
  ] as const) {
    const workload = workloads.getByRole('region', { name: `${kind} ${name}` });
    await expect(workload).toContainText('Healthy');
    await expect(workload).toContainText(`${pods} of ${pods}`);
  }
  await dev.scrollIntoViewIfNeeded();
  await shoot(page, 'multi-workload.png');
});

test('the promotion dialog shows what will change before it is confirmed', async ({
  page,
}) => {
  await page.goto(stack.entityPath);
  const staging = page.getByRole('region', { name: 'Channel staging' });
  await expect(staging).toContainText(`Running${stack.baseVersion}`);
  await staging
    .getByRole('button', {
      name: `Promote ${stack.name} from dev to staging`,
    })
    .click();
  const dialog = page.getByRole('dialog', {
    name: `Promote ${stack.name} to staging?`,
  });
  // The new version's image, in each workload that runs the service's image;
  // the agent runs another image and stays as it is.
  for (const name of [
    'Deployment e2e-stack-web',
    'StatefulSet e2e-stack-queue',
  ]) {
    const change = dialog.getByRole('region', { name: `Changes to ${name}` });
    await expect(change).toContainText(
      `registry.slipway.test/${stack.name}:${stack.nextVersion}`,
    );
    await expect(change).toContainText(
      `registry.slipway.test/${stack.name}:${stack.baseVersion}`,
    );
  }
  await expect(
    dialog.getByRole('region', {
      name: 'Changes to DaemonSet e2e-stack-agent',
    }),
  ).toHaveCount(0);
  await expect(page.locator('.MuiDialog-container')).toHaveCSS('opacity', '1');
  await shoot(page, 'promotion-diff.png');

  await dialog.getByRole('button', { name: 'Promote', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(staging).toContainText(`Running${stack.nextVersion}`, {
    timeout: 90_000,
  });
  await expect(staging).toContainText('Healthy');
});
