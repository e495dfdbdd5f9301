/**
 * What `/metrics` and the landing page read: a snapshot built on demand by `Broker.stats()`, and the
 * running totals sessions bump as they work.
 */
import type { StompVersion } from '@stomping-ground/protocol';
import type { QueueStats } from './router';

export interface BrokerTotals {
  /** Connections handed to `Broker.connect`. */
  connectionsAccepted: number;
  /** Sessions that reached CONNECTED. */
  sessionsOpened: number;
  framesIn: number;
  framesOut: number;
  /** Bytes (or, for text chunks, UTF-16 units) received. */
  bytesIn: number;
  /** Bytes of frames and heart-beats queued for sockets. */
  bytesOut: number;
  /** Messages accepted from clients (SEND) and from server-side services (`publish`, `sendToUser`). */
  messagesIn: number;
  /** MESSAGE frames sent. */
  messagesOut: number;
  /** Sessions ended by an ERROR frame. */
  errors: number;
}

export function createTotals(): BrokerTotals {
  return {
    connectionsAccepted: 0,
    sessionsOpened: 0,
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    messagesIn: 0,
    messagesOut: 0,
    errors: 0,
  };
}

export interface BrokerStats {
  /** `shutdown()` was called: new connections are refused. */
  readonly shuttingDown: boolean;
  /** Sessions in CONNECTED. */
  readonly sessions: number;
  readonly sessionsByVersion: Readonly<Record<StompVersion, number>>;
  /** Connections that have not finished CONNECT yet. */
  readonly connecting: number;
  /** Open transports, whatever their session's state. */
  readonly connections: number;
  readonly connectionsByTransport: Readonly<Record<'ws' | 'tcp', number>>;
  /** Bytes every session's decoder holds for frames still arriving (each within its frame limit). */
  readonly inputBufferedBytes: number;
  readonly subscriptions: number;
  readonly destinations: {
    readonly topics: number;
    readonly queues: number;
    readonly userDestinations: number;
  };
  /** Per queue: messages waiting for a consumer plus messages sent and not yet acknowledged. */
  readonly queueDepths: Readonly<Record<string, number>>;
  /** The same, broken down. */
  readonly queues: readonly QueueStats[];
  readonly appHandlers: number;
  readonly totals: Readonly<BrokerTotals>;
}
