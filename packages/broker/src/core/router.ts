/**
 * Who gets a message: the subscriptions filed by destination, and the queues.
 *
 * Topics and user destinations are plain sets of subscriptions (fan-out); queues are `Queue`s
 * (competing consumers). A user subscription is filed under its login and destination together, so
 * a message for one login can never reach another's subscription.
 *
 * Whatever goes beyond this process goes through the broker's link (`BrokerLink`): the other
 * nodes of a cluster, and where queue messages are kept. The router always has one (on a node of
 * its own a `LocalLink`), so it never asks whether it is in a cluster.
 */
import type { BrokerLink, QueueBatch, QueueSends } from './broker-link';
import { DestinationKind, userRouteKey } from './destinations';
import { BrokerError, BrokerErrorCode } from './errors';
import type { OutboundMessage } from './message';
import { Queue, type QueueLimits } from './queue';
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
  /** Local subscriptions to user destinations, per login: a login is watched by the link while it has any. */
  private readonly userLogins = new Map<string, number>();
  private subscriptions = 0;
  private readonly link: BrokerLink;
  /** Messages the link handed back from an earlier run (`restoreHere`). */
  private restored = 0;

  constructor(limits: RouterLimits, link: BrokerLink) {
    this.limits = limits;
    this.link = link;
  }

  get restoredMessages(): number {
    return this.restored;
  }

  /**
   * A message kept from an earlier run, back in its queue, before any session exists. Restored
   * messages and queues are kept whatever the limits say now: they were accepted under the limits then.
   */
  restoreHere(name: string, message: OutboundMessage, redelivered: boolean): void {
    let queue = this.queues.get(name);
    if (queue === undefined) {
      queue = new Queue(name, this.limits, this.link);
      this.queues.set(name, queue);
    }
    queue.restore(message, redelivered);
    this.restored++;
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
   * Files a subscription; a queue subscription at once receives what the queue holds. Returns the
   * link's promise when the subscription is the first here to its topic or its login's user
   * destinations: in a cluster it resolves once other nodes' messages for it reach this node.
   */
  add(subscription: Subscription): Promise<void> | undefined {
    let watched: Promise<void> | undefined;
    switch (subscription.destination.kind) {
      case DestinationKind.TOPIC:
        if (addTo(this.topics, subscription.routeKey, subscription))
          watched = this.link.watchTopic(subscription.routeKey);
        break;
      case DestinationKind.USER: {
        addTo(this.users, subscription.routeKey, subscription);
        const owner = loginOf(subscription.routeKey);
        const count = this.userLogins.get(owner) ?? 0;
        this.userLogins.set(owner, count + 1);
        if (count === 0) watched = this.link.watchUser(owner);
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
        if (!isUser) this.link.unwatchTopic(subscription.routeKey);
      }
      if (isUser) {
        const login = loginOf(subscription.routeKey);
        const count = (this.userLogins.get(login) ?? 1) - 1;
        if (count > 0) {
          this.userLogins.set(login, count);
        } else {
          this.userLogins.delete(login);
          this.link.unwatchUser(login);
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
    this.link.publishTopic(message);
  }

  /** Every subscriber of the topic on this node gets the message. */
  deliverTopic(message: OutboundMessage): void {
    const subscribers = this.topics.get(message.destination);
    if (subscribers === undefined) return;
    for (const subscription of subscribers) subscription.owner.offer(subscription, message);
  }

  /**
   * Every subscription of `login` to the message's user destination gets it, on this node and (in a
   * cluster) on the others. Returns false when nobody took it; a cluster link, which learns that
   * only later, counts a message nobody anywhere took itself.
   */
  publishUser(login: string, message: OutboundMessage): boolean {
    return this.link.publishUser(login, message, this.deliverUser(login, message));
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
   * A client's queue message, to the link, which decides where it is kept: on a node of its own in
   * the queue here (see `enqueueHere`), in a cluster in the cluster's queue. Throws or rejects with
   * `STOMP_ERR_LIMIT` when the queue is full; the returned promise resolves once the message is
   * kept beyond this process (a store on disk has synced, the cluster has stored it).
   */
  sendToQueue(message: OutboundMessage): Promise<void> | undefined {
    return this.link.enqueue(message);
  }

  /**
   * The queue SENDs of a COMMIT, kept all or none (see `QueueBatch`). Throws `STOMP_ERR_LIMIT`
   * before any of them takes effect when the link already knows they cannot all be kept.
   */
  openQueueBatch(sends: QueueSends): QueueBatch {
    return this.link.openBatch(sends);
  }

  /** Resolves once the link has kept every queue change so far (see `BrokerLink.flushed`). */
  flushed(): Promise<void> | undefined {
    return this.link.flushed();
  }

  /** One consumer of the queue here gets the message, or the queue keeps it. Throws `STOMP_ERR_LIMIT` when full. */
  enqueueHere(message: OutboundMessage): void {
    const queue = this.queueFor(message.destination);
    if (queue.enqueue(message)) return;
    if (queue.isUnused) this.queues.delete(queue.name);
    throw new BrokerError(BrokerErrorCode.LIMIT, `queue ${message.destination} is full`, {
      detail: `queue ${message.destination} already holds ${queue.depth} messages (${queue.bytes} bytes) that no consumer can take; the limits are ${this.limits.maxQueueDepth} messages and ${this.limits.maxQueueBytes} bytes`,
    });
  }

  /** Throws `STOMP_ERR_LIMIT` unless every queue here could keep what a transaction is about to send it. */
  assertRoomHere(sends: QueueSends): void {
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
      queue = new Queue(name, this.limits, this.link);
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
