/**
 * What both pages' Playwright suites share: Debian's Chromium (Playwright's own browser download
 * is not reachable here) with the flags that work on these machines, one worker, traces on failure.
 */
import type { PlaywrightTestConfig } from '@playwright/test';

export const sharedPlaywrightConfig: PlaywrightTestConfig = {
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
    trace: 'retain-on-failure',
  },
};
