/**
 * Finds the Chromium the end-to-end tests run, for `playwright.shared.ts`. Kept apart so that it can
 * be tested without loading (and acting on) the shared configuration.
 */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/** Where a system Chromium or Chrome usually is: Debian and Ubuntu, other Linux, macOS. */
export const SYSTEM_CHROMIUMS: readonly string[] = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** The one line printed when there is none. */
export const NO_CHROMIUM =
  'No Chromium for the browser tests: install one (Debian/Ubuntu: `sudo apt-get install chromium`), ' +
  "or download Playwright's (`pnpm exec playwright install chromium`), or set CHROMIUM_PATH to a Chromium or Chrome binary.";

export type ChromiumChoice =
  | {
      readonly kind: 'found';
      readonly path: string;
      readonly from: 'CHROMIUM_PATH' | 'system' | 'playwright';
    }
  | { readonly kind: 'missing'; readonly message: string };

/**
 * The browser the end-to-end tests run: `CHROMIUM_PATH` when set (and it must exist), else the
 * first system Chromium or Chrome, else Playwright's own download where it has been made.
 */
export function findChromium(
  env: Record<string, string | undefined> = process.env,
  exists: (path: string) => boolean = existsSync,
  playwrightChromium: () => string = () => chromium.executablePath(),
): ChromiumChoice {
  const configured = env.CHROMIUM_PATH;
  if (configured !== undefined && configured !== '') {
    return exists(configured)
      ? { kind: 'found', path: configured, from: 'CHROMIUM_PATH' }
      : { kind: 'missing', message: `CHROMIUM_PATH=${configured} does not exist. ${NO_CHROMIUM}` };
  }
  const system = SYSTEM_CHROMIUMS.find((path) => exists(path));
  if (system !== undefined) return { kind: 'found', path: system, from: 'system' };
  const own = playwrightChromium();
  if (own !== '' && exists(own)) return { kind: 'found', path: own, from: 'playwright' };
  return { kind: 'missing', message: NO_CHROMIUM };
}
