/**
 * The broker's port to what lies beyond this process: the other nodes of a cluster, and wherever
 * its queues' messages are kept. A broker always has one, so the core never asks whether it runs
 * in a cluster (as a Colyseus server always has a `Presence`, local or on Redis). Like `Transport`,
 * the port keeps the core free of Redis and of any database. Two implementations:
 *
 * - `LocalLink` (`local-link.ts`), the default: a broker on its own. Topics reach nobody else; a
 *   queue's messages live in this process's `Queue`, and the link mirrors them to its `QueueStore`
 *   (memory, or SQLite on disk) so that a restart finds them again.
 * - `ClusterBus` (`src/redis/bus.ts`): several brokers acting as one through Redis.
 *
 * Topics and user destinations: the router delivers to local subscribers first, then hands the
 * message to the link for the other nodes (`publishTopic`, `publishUser`); what other nodes
 * publish comes back through `LinkHost`. The router says which topics and logins have local
 * subscribers (`watch…`/`unwatch…`), so a node only receives what someone here reads.
 *
 * Queues: a SEND goes to the link (`enqueue`), which decides where it is kept: the local link puts
 * it in this node's queue (`LinkHost.enqueueHere`); a cluster stores it in Redis, and each node
 * takes from there only as much as its own consumers can take now (`queueDemand`, then
 * `Queue.accept`). Either way the local `Queue` then dispatches as usual and tells the link what
 * happens to each message: accepted here, handed to a consumer, consumed for good, given back, or
 * left with no local consumer (`queue…`).
 */
import type { OutboundMessage } from './message';
import type { BrokerObserver } from './observer';
import type { Queue } from './queue';

/** What a transaction is about to send to each queue, by queue name: messages and body bytes. */
export type QueueSends = ReadonlyMap<string, { readonly count: number; readonly bytes: number }>;

/** What the link calls on this node's broker. */
export interface LinkHost {
  /** A topic message from another node, for the subscribers here. */
  deliverTopic(message: OutboundMessage): void;
  /** A user-destination message from another node; false when no session here subscribes to it. */
  deliverUser(login: string, message: OutboundMessage): boolean;
  /** The local queue of that name while it exists here (in a cluster: while it has consumers here). */
  localQueue(name: string): Queue | undefined;
  /**
   * Keeps a client's message in this node's queue of its destination, under the queue limits.
   * Throws `STOMP_ERR_LIMIT` when it cannot (too many queues, or that one is full).
   */
  enqueueHere(message: OutboundMessage): void;
  /** Throws `STOMP_ERR_LIMIT` unless this node's queues could keep everything a transaction sends them. */
  assertRoomHere(sends: QueueSends): void;
  /**
   * A message kept from an earlier run, back in its queue here, whatever the limits say now (it
   * was accepted under the limits then). `redelivered`: it was, or may have been, handed out before.
   */
  restoreHere(queue: string, message: OutboundMessage, redelivered: boolean): void;
  readonly observer: BrokerObserver;
  /** The bounds of every queue: messages (`limits.maxQueueDepth`) and body bytes (`limits.maxQueueBytes`). */
  readonly maxQueueDepth: number;
  readonly maxQueueBytes: number;
}

/** The queue SENDs of one COMMIT: kept all or none. */
export interface QueueBatch {
  add(message: OutboundMessage): void;
  /**
   * Resolves once everything added is kept (the COMMIT's RECEIPT waits), rejects with a
   * `BrokerError` when it could not be, and then none is. Undefined when nothing needs waiting for.
   */
  stored(): Promise<void> | undefined;
}

export interface BrokerLink {
  /**
   * Called once, by the broker that uses the link, before it accepts connections. A link that
   * keeps queue messages across restarts hands them back now (`LinkHost.restoreHere`).
   */
  attach(host: LinkHost): void;

  // ── Topics and user destinations ───────────────────────────────────────────────────────────────

  /** A topic message local subscribers already have: for the other nodes. Never throws. */
  publishTopic(message: OutboundMessage): void;
  /**
   * A user-destination message for `login`; `deliveredHere` says whether a local session took it.
   * Returns false when the message reached nobody (the caller counts the drop); a link that learns
   * it only later returns true and counts the drop itself. Never throws.
   */
  publishUser(login: string, message: OutboundMessage, deliveredHere: boolean): boolean;
  /**
   * The first local subscription to a topic, or the first of a login to a user destination:
   * messages for it must now come here. Resolves once they do (the SUBSCRIBE's RECEIPT waits), or
   * undefined when nothing needs waiting for.
   */
  watchTopic(destination: string): Promise<void> | undefined;
  /**
   * Whether a session on another node reads the topic, as last heard (a cluster refreshes it about
   * once a second, and says true for a topic not asked about before). For `Broker.hasSubscribers`.
   */
  hasRemoteSubscribers(destination: string): boolean;
  unwatchTopic(destination: string): void;
  watchUser(login: string): Promise<void> | undefined;
  unwatchUser(login: string): void;

  // ── Queues ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * Keeps a queue SEND. Throws, or rejects, with `STOMP_ERR_LIMIT` when its queue is full, and
   * rejects with another `BrokerError` when it cannot be kept now. The promise resolves once it is
   * kept beyond this process (written to disk, stored in the cluster): the SEND's RECEIPT waits
   * for it. Undefined when nothing needs waiting for.
   */
  enqueue(message: OutboundMessage): Promise<void> | undefined;
  /**
   * The queue SENDs of a COMMIT, about to be added: throws `STOMP_ERR_LIMIT` now if the link
   * already knows they cannot all be kept, before any of the transaction takes effect.
   */
  openBatch(sends: QueueSends): QueueBatch;
  /**
   * Resolves once everything the queues here told the link so far is kept (a store on disk has
   * synced); rejects with a `BrokerError` when it could not be. Undefined when nothing needs
   * waiting for. Every RECEIPT waits for it.
   */
  flushed(): Promise<void> | undefined;
  /** The local queue accepted a client's message (from `LinkHost.enqueueHere`), before handing it out. */
  queueAdded(queue: Queue, message: OutboundMessage): void;
  /** The message goes to a consumer that must acknowledge it: if it comes back, it is redelivered. */
  queueDelivered(queue: Queue, message: OutboundMessage): void;
  /** Deliveries consumed for good: acknowledged, or sent on an `auto` subscription. */
  queueConsumed(queue: Queue, messages: readonly OutboundMessage[]): void;
  /** The local queue could take more than it holds (a consumer came, acknowledged, or drained). */
  queueDemand(queue: Queue): void;
  /**
   * Messages the only local consumer gave back (NACK, or it left without acknowledging them). True
   * when the link took them (to consumers on other nodes); false when the queue keeps them, to
   * redeliver here.
   */
  queueReleased(queue: Queue, messages: readonly OutboundMessage[]): boolean;
  /**
   * The last local consumer has gone and messages wait in the queue: a link that keeps them
   * elsewhere takes them (`Queue.takeWaiting`); otherwise they wait here for the next consumer.
   */
  queueOrphaned(queue: Queue): void;
}
