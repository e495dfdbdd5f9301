/**
 * What other packages' tests share with the broker's own (`@stomping-ground/broker/testing`): a
 * client on a fake transport, to drive a `Broker` without sockets, a wait for a state, and a Redis
 * server of a test's (or a test run's) own.
 */
export {
  type ConnectOptions,
  connectClient,
  FakeTransport,
  header,
  type SentChunk,
  settle,
  stomp,
  TestClient,
  text,
} from './fake-transport';
export { freePort } from './free-port';
export { setupTestRedis, TestRedisServer } from './redis-server';
export { until } from './until';
