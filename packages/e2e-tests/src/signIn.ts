import { Page, expect } from '@playwright/test';

/**
 * Signs in with the guest button, the way a user does (the tests' portal maps
 * it to alice), and waits for the portal.
 */
export async function signIn(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByRole('link', { name: 'Deployments' })).toBeVisible();
}
