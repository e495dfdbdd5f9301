import { defineConfig } from '@playwright/test';
import { sharedPlaywrightConfig } from '../../playwright.shared';

/**
 * End-to-end tests in Chromium (found by `playwright.chromium.ts`), set up in `playwright.shared.ts` at the root.
 * Each test file starts the real server (`ServerProcess` from `@stomping-ground/server/testing`),
 * which serves the built landing page at `/` and the built demos under `/ticker/` and `/game/`, so
 * `pnpm e2e` needs all three built first; `turbo run e2e` does that (the demos are dev dependencies
 * of this package, so its `build` waits for theirs).
 */
export default defineConfig(sharedPlaywrightConfig);
