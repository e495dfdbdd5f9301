/**
 * Who gets a message: the subscriptions filed by destination, and the queues.
 *
 * Topics and user destinations are plain sets of subscriptions (fan-out); queues are `Queue`s
 * (competing consumers). A user subscription is filed under its login and destination together, so
 * a message for one login can never reach another's subscription.
 */
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
  private subscriptions = 0;

  constructor(limits: RouterLimits) {
    this.limits = limits;
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

  /** Files a subscription; a queue subscription at once receives what the queue holds. */
  add(subscription: Subscription): void {
    switch (subscription.destination.kind) {
      case DestinationKind.TOPIC:
        addTo(this.topics, subscription.routeKey, subscription);
        break;
      case DestinationKind.USER:
        addTo(this.users, subscription.routeKey, subscription);
        break;
      case DestinationKind.QUEUE: {
        const queue = this.queueFor(subscription.routeKey);
        subscription.queue = queue;
        this.subscriptions++;
        queue.addConsumer(subscription);
        return;
      }
      case DestinationKind.APP:
        throw new Error('app destinations have no subscribers');
    }
    this.subscriptions++;
  }

  /** Unfiles a subscription; whatever it held unacknowledged from a queue goes back to that queue. */
  remove(subscription: Subscription): void {
    this.subscriptions--;
    const queue = subscription.queue;
    if (queue === undefined) {
      const map = subscription.destination.kind === DestinationKind.USER ? this.users : this.topics;
      const set = map.get(subscription.routeKey);
      set?.delete(subscription);
      if (set?.size === 0) map.delete(subscription.routeKey);
      return;
    }
    queue.removeConsumer(subscription);
    const unacked = subscription.takeUnacked();
    if (unacked.length > 0)
      queue.requeue(
        unacked.map((delivery) => delivery.message),
        subscription,
      );
    if (queue.isUnused) this.queues.delete(queue.name);
  }

  /** Whether the topic has a subscriber now. */
  hasTopicSubscribers(destination: string): boolean {
    return this.topics.has(destination);
  }

  /** Every subscriber of the topic gets the message. */
  publishTopic(message: OutboundMessage): void {
    const subscribers = this.topics.get(message.destination);
    if (subscribers === undefined) return;
    for (const subscription of subscribers) subscription.owner.offer(subscription, message);
  }

  /** Every subscription of `login` to the message's user destination gets it; false when there is none. */
  publishUser(login: string, message: OutboundMessage): boolean {
    const subscribers = this.users.get(userRouteKey(login, message.destination));
    if (subscribers === undefined) return false;
    for (const subscription of subscribers) subscription.owner.offer(subscription, message);
    return true;
  }

  /** One consumer of the queue gets the message, or the queue keeps it. Throws `STOMP_ERR_LIMIT` when full. */
  sendToQueue(message: OutboundMessage): void {
    const queue = this.queueFor(message.destination);
    if (queue.enqueue(message)) return;
    if (queue.isUnused) this.queues.delete(queue.name);
    throw new BrokerError(BrokerErrorCode.LIMIT, `queue ${message.destination} is full`, {
      detail: `queue ${message.destination} already holds ${queue.depth} messages (${queue.bytes} bytes) that no consumer can take; the limits are ${this.limits.maxQueueDepth} messages and ${this.limits.maxQueueBytes} bytes`,
    });
  }

  /** Throws `STOMP_ERR_LIMIT` unless every queue could keep what a transaction is about to send it. */
  assertRoom(sends: ReadonlyMap<string, { count: number; bytes: number }>): void {
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
      queue = new Queue(name, this.limits);
      this.queues.set(name, queue);
    }
    return queue;
  }

  private tooManyQueues(): BrokerError {
    return new BrokerError(BrokerErrorCode.LIMIT, `too many queues (at most ${this.limits.maxQueues})`);
  }
}

function addTo(map: Map<string, Set<Subscription>>, key: string, subscription: Subscription): void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(subscription);
}
