import { defineConfig } from '@playwright/test';
import { sharedPlaywrightConfig } from '../playwright.shared';

/**
 * The lessons site in Debian's Chromium against the real server, which serves the production
 * build (`docs/dist`) at `/docs/` and the labs' broker at `/ws`: `pnpm build` first (`turbo run
 * e2e` does).
 */
export default defineConfig(sharedPlaywrightConfig);
