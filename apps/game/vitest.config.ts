import { defineConfig } from 'vitest/config';

/** Unit tests for the netcode: pure modules, no browser needed. */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
