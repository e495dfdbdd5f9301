/** Vitest `globalSetup` of the Redis link's tests: a private Redis for the run (see `setupTestRedis`). */
export { setupTestRedis as default } from './redis-server';
