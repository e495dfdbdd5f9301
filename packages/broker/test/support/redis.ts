/**
 * The Redis the link's tests use: the run's private one, which `redis-setup.ts` (a Vitest
 * `globalSetup`) starts and names in `TEST_REDIS_URL`, or the one `TEST_REDIS_URL` names when set
 * beforehand.
 */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
