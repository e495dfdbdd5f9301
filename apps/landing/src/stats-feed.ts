/**
 * The page's one STOMP connection: it subscribes to the broker's stats and hands each figure on.
 * The broker answers the SUBSCRIBE with the latest figures at once (snapshot on subscribe), then
 * publishes every second. stompjs reconnects by itself and subscriptions made in `onConnect` are
 * made again on each connection.
 */
import { Client } from '@stomp/stompjs';
import {
  BrokerDestination,
  type BrokerStatsPayload,
  BrokerStatsPayloadSchema,
  parseJsonBody,
} from '@stomping-ground/contracts';
import { STOMP_SUBPROTOCOLS } from '@stomping-ground/protocol';

export type FeedState = 'connecting' | 'connected' | 'reconnecting';

export interface StatsFeedOptions {
  readonly url: string;
  readonly onStats: (stats: BrokerStatsPayload) => void;
  readonly onState: (state: FeedState) => void;
}

export function startStatsFeed(options: StatsFeedOptions): { stop(): Promise<void> } {
  const client = new Client({
    webSocketFactory: () => new WebSocket(options.url, [...STOMP_SUBPROTOCOLS]),
    // No login: the broker names the visitor a guest.
    connectHeaders: {},
    reconnectDelay: 2_000,
    heartbeatIncoming: 10_000,
    heartbeatOutgoing: 10_000,
    onConnect: () => {
      options.onState('connected');
      client.subscribe(BrokerDestination.stats, (message) => {
        const stats = parseJsonBody(BrokerStatsPayloadSchema, message.body);
        if (stats !== undefined) options.onStats(stats);
      });
    },
    onWebSocketClose: () => options.onState('reconnecting'),
  });
  options.onState('connecting');
  client.activate();
  return { stop: () => client.deactivate() };
}
