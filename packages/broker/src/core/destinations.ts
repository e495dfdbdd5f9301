/**
 * Destination names and the rules that say who may use them.
 *
 * STOMP leaves destination syntax and delivery semantics to the server (STOMP 1.2, "Protocol
 * Overview"). This broker has four kinds, told apart by prefix:
 *
 * | prefix         | kind  | delivery                                                             |
 * | -------------- | ----- | -------------------------------------------------------------------- |
 * | `/topic/…`     | topic | every subscriber gets every message                                  |
 * | `/queue/…`     | queue | one subscriber per message, round robin, acks, redelivery, retention |
 * | `/user/queue/…`| user  | every session of one login; resolved per session, never shared       |
 * | `/app/…`       | app   | handed to a server-side handler, never to subscribers                |
 */

export const DestinationKind = {
  TOPIC: 'topic',
  QUEUE: 'queue',
  USER: 'user',
  APP: 'app',
} as const;
export type DestinationKind = (typeof DestinationKind)[keyof typeof DestinationKind];

export const TOPIC_PREFIX = '/topic/';
export const QUEUE_PREFIX = '/queue/';
export const USER_PREFIX = '/user/';
export const USER_QUEUE_PREFIX = '/user/queue/';
export const APP_PREFIX = '/app/';

export interface Destination {
  readonly kind: DestinationKind;
  /** The destination as the client wrote it; MESSAGE frames carry it back. */
  readonly name: string;
}

/**
 * Control characters (C0 and DEL) never belong in a destination; refusing them keeps every MESSAGE
 * encodable in every version (no CR or LF to escape, none that 1.0 cannot carry).
 */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** The destination's kind, or undefined when the name fits none of them. */
export function parseDestination(name: string): Destination | undefined {
  if (hasControlCharacter(name)) return undefined;
  const kind = kindOf(name);
  return kind === undefined ? undefined : { kind, name };
}

function kindOf(name: string): DestinationKind | undefined {
  if (hasTail(name, TOPIC_PREFIX)) return DestinationKind.TOPIC;
  if (hasTail(name, QUEUE_PREFIX)) return DestinationKind.QUEUE;
  if (hasTail(name, USER_QUEUE_PREFIX)) return DestinationKind.USER;
  if (hasTail(name, APP_PREFIX)) return DestinationKind.APP;
  return undefined;
}

function hasTail(name: string, prefix: string): boolean {
  return name.length > prefix.length && name.startsWith(prefix);
}

/**
 * A user destination in the form clients subscribe to: `/user/queue/fills` stays as it is, and the
 * server-side shorthand `/queue/fills` gains the `/user` prefix. Undefined for anything else.
 */
export function toUserDestination(name: string): string | undefined {
  const full = name.startsWith(USER_PREFIX) ? name : `/user${name}`;
  const parsed = parseDestination(full);
  return parsed?.kind === DestinationKind.USER ? full : undefined;
}

/** The key under which a login's user destination is routed: one login never reaches another's. */
export function userRouteKey(login: string, userDestination: string): string {
  return `${login}\u0000${userDestination}`;
}

/** What a client reading too slowly gets on a destination (see `DestinationRule.slowConsumer`). */
export const SlowConsumerPolicy = {
  /** Keep only the newest message per subscription until the reader catches up. */
  CONFLATE: 'conflate',
  /** Send ERROR (`STOMP_ERR_SLOW_CONSUMER`) and close. */
  ERROR: 'error',
} as const;
export type SlowConsumerPolicy = (typeof SlowConsumerPolicy)[keyof typeof SlowConsumerPolicy];

export interface DestinationRule {
  /** Matches every destination that starts with it. Rules are tried in order; the first match wins. */
  readonly prefix: string;
  /** Whether clients may SEND here (server-side services always may). */
  readonly clientSend: boolean;
  /** Whether clients may SUBSCRIBE here. */
  readonly clientSubscribe: boolean;
  /**
   * What happens when a message is pushed to a subscriber whose outbound buffer is full. Applies to
   * topics and user destinations. Queues never push to a full subscriber: the message waits in the
   * queue (bounded by `maxQueueDepth`) or goes to another consumer, so nothing is lost there.
   */
  readonly slowConsumer: SlowConsumerPolicy;
}

/**
 * The default rules, in order:
 *
 * - `/topic/market/trades`: the market's tape is a stream of events, not of states: skipping a trade
 *   would misreport volume and prices, so it is never conflated; a reader too slow for it is closed.
 *   It comes before `/topic/market/`, since the first matching rule wins.
 * - `/topic/market/`, `/topic/game/` and `/topic/broker/`: server-owned (quotes, game state, the
 *   broker's own stats), read-only for clients; a slow reader gets the latest value per
 *   subscription (conflation), which is all a ticker needs.
 * - `/topic/`: open for clients both ways; a slow reader is closed, since chat-like traffic must not skip.
 * - `/queue/`: open both ways.
 * - `/user/queue/game/`: a game player's own snapshot stream (deltas against a snapshot the
 *   player acknowledged, so any one of them may be skipped): conflated like the topics above.
 * - `/user/queue/`: subscribe only; the server writes there (`Broker.sendToUser`).
 *   A slow reader is closed: private replies such as fills must not be skipped.
 * - `/app/`: send only; handlers answer through user destinations or topics.
 *
 * A destination no rule matches is refused both ways.
 */
export const DEFAULT_DESTINATION_RULES: readonly DestinationRule[] = Object.freeze([
  { prefix: '/topic/market/trades', clientSend: false, clientSubscribe: true, slowConsumer: 'error' },
  { prefix: '/topic/market/', clientSend: false, clientSubscribe: true, slowConsumer: 'conflate' },
  { prefix: '/topic/game/', clientSend: false, clientSubscribe: true, slowConsumer: 'conflate' },
  { prefix: '/topic/broker/', clientSend: false, clientSubscribe: true, slowConsumer: 'conflate' },
  { prefix: TOPIC_PREFIX, clientSend: true, clientSubscribe: true, slowConsumer: 'error' },
  { prefix: QUEUE_PREFIX, clientSend: true, clientSubscribe: true, slowConsumer: 'error' },
  { prefix: '/user/queue/game/', clientSend: false, clientSubscribe: true, slowConsumer: 'conflate' },
  { prefix: USER_QUEUE_PREFIX, clientSend: false, clientSubscribe: true, slowConsumer: 'error' },
  { prefix: APP_PREFIX, clientSend: true, clientSubscribe: false, slowConsumer: 'error' },
]);

/** The first rule whose prefix starts `destination`, or undefined. */
export function findRule(
  rules: readonly DestinationRule[],
  destination: string,
): DestinationRule | undefined {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (destination.startsWith(rule.prefix)) return rule;
  }
  return undefined;
}
