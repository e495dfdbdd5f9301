import { defineConfig } from '@playwright/test';
import { sharedPlaywrightConfig } from '../../playwright.shared';

/**
 * End-to-end tests in Chromium (found by `playwright.chromium.ts`), set up in `playwright.shared.ts` at the root.
 * Each test file starts the real server (`ServerProcess` from `@stomping-ground/server/testing`),
 * which serves the built page under /game/, so `pnpm e2e` needs `vite build` first; `turbo run e2e`
 * does that.
 */
export default defineConfig(sharedPlaywrightConfig);
