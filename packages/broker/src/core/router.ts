/**
 * Who gets a message: the subscriptions filed by destination, and the queues.
 *
 * Topics and user destinations are plain sets of subscriptions (fan-out); queues are `Queue`s
 * (competing consumers). A user subscription is filed under its login and destination together, so
 * a message for one login can never reach another's subscription.
 */
import type { ClusterLink } from './cluster-link';
import { DestinationKind, userRouteKey } from './destinations';
import { BrokerError, BrokerErrorCode } from './errors';
import type { OutboundMessage } from './message';
import { Queue, type QueueLimits } from './queue';
import { memoryQueueStore, type QueueStore } from './queue-store';
import type { Subscription } from './subscription';

export interface RouterLimits extends QueueLimits {
  readonly maxQueues: number;
}

export interface QueueStats {
  readonly destination: string;
  /** Messages waiting for a consumer. */
  readonly depth: number;
  readonly consumers: number;
  /** Messages sent and awaiting ACK. */
  readonly unacked: number;
}

export class Router {
  private readonly limits: RouterLimits;
  private readonly topics = new Map<string, Set<Subscription>>();
  private readonly users = new Map<string, Set<Subscription>>();
  private readonly queues = new Map<string, Queue>();
  /** Local subscriptions to user destinations, per login: a login is watched in the cluster while it has any. */
  private readonly userLogins = new Map<string, number>();
  private subscriptions = 0;
  private readonly link: ClusterLink | undefined;
  private readonly store: QueueStore;

  constructor(limits: RouterLimits, link?: ClusterLink, store: QueueStore = memoryQueueStore) {
    this.limits = limits;
    this.link = link;
    this.store = store;
  }

  /**
   * Rebuilds the queues from what the store kept, before any session exists. Restored messages
   * and queues are kept whatever the limits say now: they were accepted under the limits then.
   */
  restoreQueues(): { messages: number; queues: number } {
    let messages = 0;
    this.store.restore((name, message, redelivered) => {
      let queue = this.queues.get(name);
      if (queue === undefined) {
        queue = new Queue(name, this.limits, this.link, this.store);
        this.queues.set(name, queue);
      }
      queue.restore(message, redelivered);
      messages++;
    });
    return { messages, queues: this.queues.size };
  }

  /** Whether messages flow through a cluster. */
  get clustered(): boolean {
    return this.link !== undefined;
  }

  get subscriptionCount(): number {
    return this.subscriptions;
  }

  get topicCount(): number {
    return this.topics.size;
  }

  get userDestinationCount(): number {
    return this.users.size;
  }

  get queueCount(): number {
    return this.queues.size;
  }

  /**
   * Files a subscription; a queue subscription at once receives what the queue holds. In a cluster,
   * returns a promise when the subscription is the first here to its topic or its login's user
   * destinations: it resolves once other nodes' messages for it reach this node.
   */
  add(subscription: Subscription): Promise<void> | undefined {
    let watched: Promise<void> | undefined;
    switch (subscription.destination.kind) {
      case DestinationKind.TOPIC:
        if (addTo(this.topics, subscription.routeKey, subscription))
          watched = this.link?.watchTopic(subscription.routeKey);
        break;
      case DestinationKind.USER: {
        addTo(this.users, subscription.routeKey, subscription);
        const owner = loginOf(subscription.routeKey);
        const count = this.userLogins.get(owner) ?? 0;
        this.userLogins.set(owner, count + 1);
        if (count === 0) watched = this.link?.watchUser(owner);
        break;
      }
      case DestinationKind.QUEUE: {
        const queue = this.queueFor(subscription.routeKey);
        subscription.queue = queue;
        this.subscriptions++;
        queue.addConsumer(subscription);
        return undefined;
      }
      case DestinationKind.APP:
        throw new Error('app destinations have no subscribers');
    }
    this.subscriptions++;
    return watched;
  }

  /** Unfiles a subscription; whatever it held unacknowledged from a queue goes back to that queue. */
  remove(subscription: Subscription): void {
    this.subscriptions--;
    const queue = subscription.queue;
    if (queue === undefined) {
      const isUser = subscription.destination.kind === DestinationKind.USER;
      const map = isUser ? this.users : this.topics;
      const set = map.get(subscription.routeKey);
      if (set === undefined || !set.delete(subscription)) return;
      if (set.size === 0) {
        map.delete(subscription.routeKey);
        if (!isUser) this.link?.unwatchTopic(subscription.routeKey);
      }
      if (isUser) {
        const login = loginOf(subscription.routeKey);
        const count = (this.userLogins.get(login) ?? 1) - 1;
        if (count > 0) {
          this.userLogins.set(login, count);
        } else {
          this.userLogins.delete(login);
          this.link?.unwatchUser(login);
        }
      }
      return;
    }
    queue.removeConsumer(subscription);
    const unacked = subscription.takeUnacked();
    if (unacked.length > 0)
      queue.requeue(
        unacked.map((delivery) => delivery.message),
        subscription,
      );
    queue.releaseIfOrphaned();
    if (queue.isUnused) this.queues.delete(queue.name);
  }

  /** Whether the topic has a subscriber now. */
  hasTopicSubscribers(destination: string): boolean {
    return this.topics.has(destination);
  }

  /** Every subscriber of the topic gets the message, on this node and (in a cluster) on the others. */
  publishTopic(message: OutboundMessage): void {
    this.deliverTopic(message);
    this.link?.publishTopic(message);
  }

  /** Every subscriber of the topic on this node gets the message. */
  deliverTopic(message: OutboundMessage): void {
    const subscribers = this.topics.get(message.destination);
    if (subscribers === undefined) return;
    for (const subscription of subscribers) subscription.owner.offer(subscription, message);
  }

  /**
   * Every subscription of `login` to the message's user destination gets it, on this node and (in a
   * cluster) on the others. Returns whether one here took it; in a cluster the link counts a message
   * nobody anywhere took.
   */
  publishUser(login: string, message: OutboundMessage): boolean {
    const delivered = this.deliverUser(login, message);
    this.link?.publishUser(login, message, delivered);
    return delivered || this.link !== undefined;
  }

  /** Every subscription of `login` on this node to the message's user destination gets it; false when there is none. */
  deliverUser(login: string, message: OutboundMessage): boolean {
    const subscribers = this.users.get(userRouteKey(login, message.destination));
    if (subscribers === undefined) return false;
    for (const subscription of subscribers) subscription.owner.offer(subscription, message);
    return true;
  }

  /** The queue of that name while it exists here. */
  localQueue(name: string): Queue | undefined {
    return this.queues.get(name);
  }

  /**
   * One consumer of the queue gets the message, or the queue keeps it. Throws `STOMP_ERR_LIMIT` when
   * full. With a store on disk the returned promise resolves once the message is written there
   * (synced). In a cluster the message goes to the cluster's queue instead: the returned promise
   * resolves once it is stored there, and rejects with `STOMP_ERR_LIMIT` when it is full.
   */
  sendToQueue(message: OutboundMessage): Promise<void> | undefined {
    if (this.link !== undefined) return this.link.enqueue([message]);
    const queue = this.queueFor(message.destination);
    if (queue.enqueue(message)) return this.store.flushed();
    if (queue.isUnused) this.queues.delete(queue.name);
    throw new BrokerError(BrokerErrorCode.LIMIT, `queue ${message.destination} is full`, {
      detail: `queue ${message.destination} already holds ${queue.depth} messages (${queue.bytes} bytes) that no consumer can take; the limits are ${this.limits.maxQueueDepth} messages and ${this.limits.maxQueueBytes} bytes`,
    });
  }

  /**
   * In a cluster, stores a committed transaction's queue messages in the cluster's queues, all or
   * none; the promise settles as `sendToQueue`'s does. Undefined on a node on its own, where
   * `assertRoom` has made sure each `sendToQueue` succeeds, and where the store writes the SENDs of
   * one COMMIT in one transaction (they are added within one event-loop turn).
   */
  sendAllToQueues(messages: readonly OutboundMessage[]): Promise<void> | undefined {
    if (this.link === undefined || messages.length === 0) return undefined;
    return this.link.enqueue(messages);
  }

  /** Resolves once the queue store has written every change so far (see `QueueStore.flushed`). */
  flushed(): Promise<void> | undefined {
    return this.store.flushed();
  }

  /** Throws `STOMP_ERR_LIMIT` unless every queue could keep what a transaction is about to send it. */
  assertRoom(sends: ReadonlyMap<string, { count: number; bytes: number }>): void {
    // In a cluster the queues live there: each SEND is checked as it is stored.
    if (this.link !== undefined) return;
    let newQueues = 0;
    for (const [name, { count, bytes }] of sends) {
      const queue = this.queues.get(name);
      if (queue === undefined) newQueues++;
      const room = queue
        ? queue.hasRoomFor(count, bytes)
        : count <= this.limits.maxQueueDepth && bytes <= this.limits.maxQueueBytes;
      if (!room)
        throw new BrokerError(BrokerErrorCode.LIMIT, `queue ${name} cannot take ${count} more messages`);
    }
    if (this.queues.size + newQueues > this.limits.maxQueues) throw this.tooManyQueues();
  }

  queueStats(): QueueStats[] {
    const stats: QueueStats[] = [];
    for (const queue of this.queues.values()) {
      stats.push({
        destination: queue.name,
        depth: queue.depth,
        consumers: queue.consumerCount,
        unacked: queue.unackedCount,
      });
    }
    return stats;
  }

  private queueFor(name: string): Queue {
    let queue = this.queues.get(name);
    if (queue === undefined) {
      if (this.queues.size >= this.limits.maxQueues) throw this.tooManyQueues();
      queue = new Queue(name, this.limits, this.link, this.store);
      this.queues.set(name, queue);
    }
    return queue;
  }

  private tooManyQueues(): BrokerError {
    return new BrokerError(BrokerErrorCode.LIMIT, `too many queues (at most ${this.limits.maxQueues})`);
  }
}

/** Files the subscription; true when it is the first under its key. */
function addTo(map: Map<string, Set<Subscription>>, key: string, subscription: Subscription): boolean {
  let set = map.get(key);
  const first = set === undefined;
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(subscription);
  return first;
}

/** The login part of a user route key (see `userRouteKey`). */
function loginOf(routeKey: string): string {
  return routeKey.slice(0, routeKey.indexOf('\u0000'));
}
