import { LaunchOptions } from '@playwright/test';

/**
 * Debian's Chromium (src/ensureChromium.sh installs it), with the flags that
 * keep it quiet and offline on a CI machine.
 */
export function chromiumLaunchOptions(): LaunchOptions {
  return {
    executablePath: process.env.SLIPWAY_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  };
}
