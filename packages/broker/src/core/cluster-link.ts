/**
 * The broker's port to a cluster: how several broker processes act as one. Absent on a node that
 * runs on its own (the default); the server plugs in a Redis-backed link (`src/cluster/bus.ts`)
 * when `REDIS_URL` is set. Like `Transport`, the port keeps the core free of Redis.
 *
 * - Topics and user destinations: the router delivers to local subscribers first, then hands the
 *   message to the link for the other nodes (`publishTopic`, `publishUser`); what other nodes
 *   publish comes back through `ClusterDelivery`. The router says which topics and logins have
 *   local subscribers (`watch…`/`unwatch…`), so a node only receives what someone here reads.
 * - Queues: a SEND is stored in the cluster (`enqueue`), and each node takes from it only as much
 *   as its own consumers can take now (`queueDemand`). The local `Queue` then dispatches as usual;
 *   the link hears when a delivery is consumed (ACK, or sent in `auto` mode) and when messages are
 *   handed back because no local consumer is left (`queueReleased`).
 */
import type { OutboundMessage } from './message';
import type { BrokerObserver } from './observer';
import type { Queue } from './queue';

/** What the link calls on this node's broker. */
export interface ClusterDelivery {
  /** A topic message from another node, for the subscribers here. */
  deliverTopic(message: OutboundMessage): void;
  /** A user-destination message from another node; false when no session here subscribes to it. */
  deliverUser(login: string, message: OutboundMessage): boolean;
  /** The local queue of that name while it has consumers here. */
  localQueue(name: string): Queue | undefined;
  readonly observer: BrokerObserver;
  /** The bounds of every queue: messages (`limits.maxQueueDepth`) and body bytes (`limits.maxQueueBytes`). */
  readonly maxQueueDepth: number;
  readonly maxQueueBytes: number;
}

export interface ClusterLink {
  /** Called once by the broker that uses the link. */
  attach(delivery: ClusterDelivery): void;
  /** A topic message local subscribers already have: for the other nodes. Never throws. */
  publishTopic(message: OutboundMessage): void;
  /** A user-destination message for `login`; `deliveredHere` says whether a local session took it. Never throws. */
  publishUser(login: string, message: OutboundMessage, deliveredHere: boolean): void;
  /**
   * The first local subscription to a topic, or the first of a login to a user destination:
   * messages for it must now come here. Resolves once they do (the SUBSCRIBE's RECEIPT waits), or
   * undefined when nothing needs waiting for.
   */
  watchTopic(destination: string): Promise<void> | undefined;
  /**
   * Whether a session on another node reads the topic, as last heard (refreshed about once a
   * second); true for a topic not asked about before. For `Broker.hasSubscribers`.
   */
  hasRemoteSubscribers(destination: string): boolean;
  unwatchTopic(destination: string): void;
  watchUser(login: string): Promise<void> | undefined;
  unwatchUser(login: string): void;
  /**
   * Stores messages in the cluster's queues, all or none (a COMMIT's queue SENDs go together).
   * Resolves once stored, so the RECEIPT means they survive any one node; rejects with a
   * `BrokerError` when they cannot be stored, and then none is.
   */
  enqueue(messages: readonly OutboundMessage[]): Promise<void>;
  /** The local queue may take more than it holds (a consumer came, acknowledged, or drained). */
  queueDemand(queue: Queue): void;
  /** Deliveries consumed for good: acknowledged, or sent on an `auto` subscription. */
  queueConsumed(queue: Queue, messages: readonly OutboundMessage[]): void;
  /** Messages the local queue holds but no local consumer is left to take: back to the cluster. */
  queueReleased(queue: Queue, messages: readonly OutboundMessage[]): void;
}
