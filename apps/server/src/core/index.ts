/** The broker core's public surface: what the Fastify shell, the adapters and the services import. */
export type { AppContext, AppHandler, AppMessage } from './app-handlers';
export { type Authenticator, type AuthResult, type Credentials, DEMO_USERS, demoAuthenticator } from './auth';
export { Broker, type ClosedSession, type SessionClosedListener } from './broker';
export {
  DEFAULT_DESTINATION_RULES,
  type DestinationRule,
  SlowConsumerPolicy,
} from './destinations';
export {
  BrokerError,
  BrokerErrorCode,
  type BrokerErrorDetails,
  closeCodeFor,
  type FaultCode,
  isBrokerError,
  type ProtocolFault,
} from './errors';
export {
  CLAIMABLE_NAME,
  type ClaimOutcome,
  type ClaimStore,
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
} from './identities';
export { type Logger, silentLogger } from './logger';
export { type BrokerObserver, silentObserver } from './observer';
export {
  type BrokerLimits,
  type BrokerOptions,
  type Clock,
  DEFAULT_LIMITS,
  DEFAULT_SERVER_NAME,
} from './options';
export { memoryQueueStore, type QueueStore, type RestoredQueueMessage } from './queue-store';
export type { QueueStats } from './router';
export type { Snapshot, SnapshotContext, SnapshotProvider } from './snapshots';
export type { BrokerStats, BrokerTotals } from './stats';
export { AckMode } from './subscription';
export { CloseCode, type Connection, type ConnectionInfo, type Transport } from './transport';
