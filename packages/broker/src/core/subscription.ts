/**
 * One SUBSCRIBE of one session (STOMP 1.2, "SUBSCRIBE"), and the messages it has been sent and not
 * yet had acknowledged.
 */
import type { Destination, DestinationRule } from './destinations';
import type { OutboundMessage } from './message';
import type { Queue } from './queue';

/** STOMP 1.2, "SUBSCRIBE ack Header". */
export const AckMode = {
  /** The message counts as consumed once sent. */
  AUTO: 'auto',
  /** An ACK covers that message and every earlier one of the subscription (cumulative). */
  CLIENT: 'client',
  /** An ACK or NACK covers exactly one message. */
  CLIENT_INDIVIDUAL: 'client-individual',
} as const;
export type AckMode = (typeof AckMode)[keyof typeof AckMode];

const ACK_MODES: ReadonlySet<string> = new Set(Object.values(AckMode));

export function isAckMode(value: string): value is AckMode {
  return ACK_MODES.has(value);
}

/** A message sent on a subscription that acknowledges, awaiting its ACK or NACK. */
export interface Delivery {
  /** What the client names it by: the 1.2 `ack` header, or the `message-id` for 1.0 and 1.1. */
  readonly key: string;
  readonly message: OutboundMessage;
}

/** The session side of a subscription: what the router and queues call to hand it messages. */
export interface SubscriptionOwner {
  /** Whether a queue may hand this subscription a message now (connected, within prefetch and outbound budget). */
  canTake(subscription: Subscription): boolean;
  /** A queue's message, after `canTake` said yes. */
  deliver(subscription: Subscription, message: OutboundMessage, redelivered: boolean): void;
  /** A topic's or user destination's message: sent, conflated, or the session closed, by the rule's slow-consumer policy. */
  offer(subscription: Subscription, message: OutboundMessage): void;
}

export interface SubscriptionInit {
  readonly id: string;
  readonly destination: Destination;
  readonly routeKey: string;
  readonly ack: AckMode;
  readonly rule: DestinationRule;
  readonly owner: SubscriptionOwner;
  readonly subscriptionLine: string;
}

export class Subscription {
  readonly id: string;
  readonly destination: Destination;
  /** Where the router files it: the destination, or for user destinations the login and destination together. */
  readonly routeKey: string;
  readonly ack: AckMode;
  readonly rule: DestinationRule;
  readonly owner: SubscriptionOwner;
  /** `subscription:<id>\n`, escaped once for the session's version. */
  readonly subscriptionLine: string;
  /**
   * The head of a first delivery without `ack` (auto mode, or STOMP 1.0/1.1), encoded once: on a busy
   * topic most MESSAGE frames reuse these bytes.
   */
  plainHead: Uint8Array | undefined;
  /** Unacknowledged deliveries in the order they were sent (a Map keeps insertion order). */
  readonly unacked = new Map<string, Delivery>();
  /** The queue, for subscriptions to `/queue/…`. */
  queue: Queue | undefined;

  constructor(init: SubscriptionInit) {
    this.id = init.id;
    this.destination = init.destination;
    this.routeKey = init.routeKey;
    this.ack = init.ack;
    this.rule = init.rule;
    this.owner = init.owner;
    this.subscriptionLine = init.subscriptionLine;
  }

  /**
   * Removes and returns what an ACK or NACK of `key` covers: in `client` mode every delivery up to and
   * including it (cumulative), otherwise just that one (STOMP 1.2, "SUBSCRIBE ack Header").
   */
  settle(key: string): Delivery[] {
    if (this.ack !== AckMode.CLIENT) {
      const delivery = this.unacked.get(key);
      if (delivery === undefined) return [];
      this.unacked.delete(key);
      return [delivery];
    }
    if (!this.unacked.has(key)) return [];
    const settled: Delivery[] = [];
    for (const [k, delivery] of this.unacked) {
      settled.push(delivery);
      this.unacked.delete(k);
      if (k === key) break;
    }
    return settled;
  }

  /** Empties the unacknowledged deliveries, oldest first (when the subscription ends). */
  takeUnacked(): Delivery[] {
    const all = [...this.unacked.values()];
    this.unacked.clear();
    return all;
  }
}
