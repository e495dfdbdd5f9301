export type { IMessage } from '@stomp/stompjs';
export { type BackoffOptions, backoffCeiling, backoffDelay, DEFAULT_BACKOFF } from './backoff';
export {
  DEFAULT_HEART_BEAT_MS,
  NotConnectedError,
  StompConnection,
  type StompConnectionOptions,
} from './connection';
export {
  ConnectionState,
  type ConnectionStatus,
  describeStatus,
  formatWait,
  INITIAL_STATUS,
  type Refusal,
  RefusalReason,
} from './status';
export { browserStorage } from './storage';
