/**
 * What both pages' Playwright suites share: a Chromium found by itself (`playwright.chromium.ts`:
 * `CHROMIUM_PATH`, a system Chromium or Chrome, or Playwright's own download) with the flags that
 * work on these machines, one worker, traces on failure.
 */
import type { PlaywrightTestConfig } from '@playwright/test';
import { findChromium } from './playwright.chromium';

/** The browser's path, or one line saying what to install and an exit (rather than Playwright's generic error). */
function chromiumOrExit(): string {
  const choice = findChromium();
  if (choice.kind === 'found') return choice.path;
  process.stderr.write(`${choice.message}\n`);
  process.exit(1);
}

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
      executablePath: chromiumOrExit(),
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
