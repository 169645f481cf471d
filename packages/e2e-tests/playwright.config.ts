import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './src/chromium';

// The portal under test: the backend serving the built app, on a port of its
// own so that it can run beside a developer's portal on 3000/7007.
const port = process.env.SLIPWAY_E2E_PORT ?? '7017';
process.env.SLIPWAY_E2E_PORT = port;
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: 'src',
  testMatch: '*.spec.ts',
  // The adoption test runs against another app: playwright.adoption.config.ts.
  testIgnore: ['screenshots/**', 'adoption/**'],
  // One browser at a time on a 2-core machine; the tests share one portal.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  outputDir: '../../.cache/e2e/results',
  globalSetup: './src/globalSetup.ts',
  use: {
    baseURL,
    viewport: { width: 1280, height: 800 },
    launchOptions: chromiumLaunchOptions(),
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  webServer: {
    command: 'bash src/servePortal.sh',
    url: `${baseURL}/api/deploy/health`,
    // Includes building the app when its sources changed.
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
});
