/**
 * The page's one STOMP connection (`@stomping-ground/client`): it subscribes to the broker's stats
 * and hands each figure on. The broker answers the SUBSCRIBE with the latest figures at once
 * (snapshot on subscribe), then publishes every second. The connection retries with backoff after
 * a loss and subscribes again on each new session.
 */
import { type ConnectionStatus, StompConnection } from '@stomping-ground/client';
import {
  BrokerDestination,
  type BrokerStatsPayload,
  BrokerStatsPayloadSchema,
  parseJsonBody,
} from '@stomping-ground/contracts';

export interface StatsFeedOptions {
  readonly url: string;
  readonly onStats: (stats: BrokerStatsPayload) => void;
  readonly onStatus: (status: ConnectionStatus) => void;
}

export interface StatsFeed {
  /** The connection's status now (the view redraws the countdown to the next attempt from it). */
  status(): ConnectionStatus;
  stop(): Promise<void>;
}

export function startStatsFeed(options: StatsFeedOptions): StatsFeed {
  const connection = new StompConnection({
    url: options.url,
    // No login, and nothing kept: the page only reads public figures, as a new guest each time.
    identityStorage: undefined,
    onStatus: options.onStatus,
  });
  connection.subscribe(BrokerDestination.stats, (message) => {
    const stats = parseJsonBody(BrokerStatsPayloadSchema, message.body);
    if (stats !== undefined) options.onStats(stats);
  });
  connection.start();
  return { status: () => connection.currentStatus, stop: () => connection.stop() };
}
