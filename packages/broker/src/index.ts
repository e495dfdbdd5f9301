/**
 * `@stomping-ground/broker`: a STOMP 1.0/1.1/1.2 broker as a library. The core (sessions, router,
 * queues, transactions) knows nothing of Fastify or `ws`; the transports adapt WebSocket and TCP to
 * its `Transport` port; `stompBroker` registers it all on a Fastify app. What is exported here is
 * the whole public surface: the server imports nothing else.
 */
export type { AppContext, AppHandler, AppMessage } from './core/app-handlers';
export type { Authenticator, AuthResult, Credentials } from './core/auth';
export { Broker, type ClosedSession, type SessionClosedListener } from './core/broker';
export type { BrokerLink, LinkHost, QueueBatch, QueueSends } from './core/broker-link';
export {
  DEFAULT_DESTINATION_RULES,
  type DestinationRule,
  findRule,
  SlowConsumerPolicy,
} from './core/destinations';
export {
  BrokerError,
  BrokerErrorCode,
  type BrokerErrorDetails,
  closeCodeFor,
  type FaultCode,
  isBrokerError,
  type ProtocolFault,
} from './core/errors';
export {
  CLAIMABLE_NAME,
  type ClaimOutcome,
  type ClaimStore,
  DEMO_USERS,
  demoAuthenticator,
  GUEST_PREFIX,
  GuestIdentities,
  hashPasscode,
  type IdentityOptions,
  IdentityRefusal,
  identityAuthenticator,
  MemoryClaimStore,
  memoizedSecret,
  randomSecret,
  type SecretSource,
  verifyPasscode,
} from './core/identities';
export { LocalLink } from './core/local-link';
export { type Logger, silentLogger } from './core/logger';
export { OutboundMessage } from './core/message';
export { type BrokerObserver, silentObserver } from './core/observer';
export {
  type BrokerLimits,
  type BrokerOptions,
  type Clock,
  DEFAULT_LIMITS,
  DEFAULT_SERVER_NAME,
} from './core/options';
export { memoryQueueStore, type QueueStore, type RestoredQueueMessage } from './core/queue-store';
export type { QueueStats } from './core/router';
export type { Snapshot, SnapshotContext, SnapshotProvider } from './core/snapshots';
export type { BrokerStats, BrokerTotals } from './core/stats';
export { AckMode } from './core/subscription';
export { CloseCode, type Connection, type ConnectionInfo, type Transport } from './core/transport';
export {
  type StompBrokerOptions,
  stompBroker,
  type TcpEndpointOptions,
  type WebSocketEndpointOptions,
} from './plugin';
export { type BusStats, ClusterBus } from './redis/bus';
export { RedisClaimStore, redisSharedSecret } from './redis/identities';
export {
  backoffMs,
  type ChannelListener,
  ClusterNode,
  type ClusterNodeOptions,
  type ClusterStats,
  type ClusterStatus,
} from './redis/node';
export type { ClusterQueueStats } from './redis/queues';
export { QUEUE_STORE_FILE, SqliteQueueStore, type SqliteQueueStoreOptions } from './store/sqlite-queue-store';
export { isOriginAllowed } from './transports/origin';
export { type StompTcpListener, tcpBindFailure } from './transports/tcp';
export { closeWithGrace, type OriginPolicy, refuseForeignOrigins } from './transports/websocket';
