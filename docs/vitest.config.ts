import { defineConfig } from 'vitest/config';

/** Unit tests of the site's own logic (the netcode lab's model, the code links); the pages run in Playwright. */
export default defineConfig({
  test: { include: ['test/**/*.test.ts'] },
});
