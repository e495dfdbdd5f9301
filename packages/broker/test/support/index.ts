/**
 * What other packages' tests share with the broker's own (`@stomping-ground/broker/testing`): a
 * client on a fake transport, to drive a `Broker` without sockets, and a wait for a state.
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
export { until } from './until';
