import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/dev.test.ts runs `turbo run dev` (the broker under tsx and Vite): slow to start on a busy machine.
    testTimeout: 90_000,
    hookTimeout: 30_000,
  },
});
