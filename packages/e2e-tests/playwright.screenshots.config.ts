import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './src/chromium';

/**
 * Takes the README's screenshots (docs/screenshots/) from a running portal,
 * `scripts/start.sh` with its example services; nothing is started here.
 */
export default defineConfig({
  testDir: 'src/screenshots',
  testMatch: '*.spec.ts',
  workers: 1,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  outputDir: '../../.cache/e2e/screenshot-results',
  use: {
    baseURL: process.env.SLIPWAY_PORTAL_URL ?? 'http://localhost:3000',
    viewport: { width: 1280, height: 800 },
    launchOptions: chromiumLaunchOptions(),
  },
});
