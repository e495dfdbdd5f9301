import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each connection test starts the real server as a child process: give it time to come up.
    hookTimeout: 30_000,
    testTimeout: 20_000,
  },
});
