/** A Redis server of a test's own, for tests that take Redis away (kill, freeze): the broker's. */
export { TestRedisServer } from '@stomping-ground/broker/testing';
