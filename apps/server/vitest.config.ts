import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests that run several real server processes on Redis, and kill them: they run one file at a
 * time, after the rest, so their timings (lease expiry, presence expiry) never compete with a
 * machine full of other tests. Their Redis is a private one started for the run
 * (`test/support/redis-setup.ts`), unless `TEST_REDIS_URL` names another.
 */
const CLUSTER_TESTS = [
  'test/cluster/**/*.test.ts',
  'test/market/cluster*.test.ts',
  'test/game/cluster*.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 15_000,
    hookTimeout: 15_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...CLUSTER_TESTS],
        },
      },
      {
        extends: true,
        test: {
          name: 'cluster',
          include: CLUSTER_TESTS,
          globalSetup: ['test/support/redis-setup.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
