/** Vitest `globalSetup` of the cluster tests: a private Redis for the run (see `setupTestRedis`). */
export { setupTestRedis as default } from '@stomping-ground/broker/testing';
