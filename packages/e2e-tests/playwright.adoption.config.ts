import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './src/chromium';

// The adoption test (scripts/adoption-test.sh): a new Backstage app with
// Slipway installed from its READMEs, which the script builds and starts
// itself. Nothing is started here, and the repository's own portal is not
// involved.
const baseURL = process.env.SLIPWAY_ADOPTION_URL;
if (!baseURL) {
  throw new Error(
    'SLIPWAY_ADOPTION_URL is not set: run the adoption test with scripts/adoption-test.sh',
  );
}

export default defineConfig({
  testDir: 'src/adoption',
  testMatch: 'adoption.spec.ts',
  workers: 1,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  outputDir: '../../.cache/adoption/results',
  use: {
    baseURL,
    viewport: { width: 1280, height: 800 },
    launchOptions: chromiumLaunchOptions(),
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
