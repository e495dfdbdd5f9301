import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The Redis link's tests share one Redis, a private one started for the run (`redis-setup.ts`;
 * `TEST_REDIS_URL` names another instead): they run one file at a time, after the rest.
 */
const REDIS_TESTS = ['test/redis/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 15_000,
    hookTimeout: 15_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'broker',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...REDIS_TESTS],
        },
      },
      {
        extends: true,
        test: {
          name: 'redis',
          include: REDIS_TESTS,
          globalSetup: ['test/support/redis-setup.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
