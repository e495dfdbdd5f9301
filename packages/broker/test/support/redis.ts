/** The Redis the link's unit tests use: the machine's shared one unless `TEST_REDIS_URL` says otherwise. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
