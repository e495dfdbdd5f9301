/**
 * A `/queue/…` destination: competing consumers. Each message goes to exactly one subscriber,
 * round robin among those that can take it now; a message nobody can take waits here, up to
 * `maxQueueDepth` messages and `maxQueueBytes` body bytes, and a SEND beyond that is refused.
 *
 * Messages that come back (a NACK, or their subscriber left before acknowledging them) are
 * redelivered before new ones, flagged `redelivered:true`, preferably to another subscriber.
 *
 * The queue tells the broker's link (`BrokerLink`) what happens to each message: accepted, handed
 * out, consumed, left with no consumer here, and when its consumers could take more. On a node of
 * its own the link records it in its `QueueStore`, so that the queue can be rebuilt after a
 * restart (`restore`); in a cluster the messages live in the cluster's queue, and this one holds
 * only what the link took for the consumers here (`accept`).
 */
import type { BrokerLink } from './broker-link';
import type { OutboundMessage } from './message';
import { AckMode, type Subscription } from './subscription';

/** What one `auto` consumer counts for when the queue asks the link for more. */
const AUTO_CONSUMER_SLOTS = 16;

interface Entry {
  readonly message: OutboundMessage;
  readonly redelivered: boolean;
  /** The subscriber that gave the message back: another gets it if any can. */
  readonly avoid: Subscription | undefined;
}

export interface QueueLimits {
  readonly maxQueueDepth: number;
  readonly maxQueueBytes: number;
  readonly maxUnackedPerSubscription: number;
}

export class Queue {
  readonly name: string;
  private readonly limits: QueueLimits;
  private readonly consumers: Subscription[] = [];
  private cursor = 0;
  private readonly redeliveries: Entry[] = [];
  private pending: Entry[] = [];
  private pendingHead = 0;
  private retainedBytes = 0;
  private readonly link: BrokerLink;

  constructor(name: string, limits: QueueLimits, link: BrokerLink) {
    this.name = name;
    this.limits = limits;
    this.link = link;
  }

  /** Messages waiting for a consumer. */
  get depth(): number {
    return this.redeliveries.length + this.pending.length - this.pendingHead;
  }

  get bytes(): number {
    return this.retainedBytes;
  }

  get consumerCount(): number {
    return this.consumers.length;
  }

  /** Messages sent to consumers and not yet acknowledged. */
  get unackedCount(): number {
    let count = 0;
    for (const consumer of this.consumers) count += consumer.unacked.size;
    return count;
  }

  /** Nothing waits and nobody listens: the router may forget the queue. */
  get isUnused(): boolean {
    return this.consumers.length === 0 && this.depth === 0;
  }

  /** Whether `count` more messages of `bytes` body bytes could be kept. */
  hasRoomFor(count: number, bytes: number): boolean {
    return (
      this.depth + count <= this.limits.maxQueueDepth &&
      this.retainedBytes + bytes <= this.limits.maxQueueBytes
    );
  }

  /** A new message: handed to a consumer now, or kept; false when it can be neither. */
  enqueue(message: OutboundMessage): boolean {
    if (this.depth === 0) {
      const consumer = this.pick(undefined);
      if (consumer !== undefined) {
        this.link.queueAdded(this, message);
        this.hand(consumer, message, false);
        return true;
      }
    }
    if (!this.hasRoomFor(1, message.body.length)) return false;
    this.link.queueAdded(this, message);
    this.pending.push({ message, redelivered: false, avoid: undefined });
    this.retainedBytes += message.body.length;
    this.dispatch();
    return true;
  }

  /** Messages the link took (from a cluster) for the consumers here: they skip the limits, as the link takes only what fits. */
  accept(message: OutboundMessage, redelivered: boolean): void {
    this.pending.push({ message, redelivered, avoid: undefined });
    this.retainedBytes += message.body.length;
    this.dispatch();
  }

  /**
   * A message the store kept from an earlier run. It was accepted under the limits then, so it is
   * kept whatever they say now.
   */
  restore(message: OutboundMessage, redelivered: boolean): void {
    const entry: Entry = { message, redelivered, avoid: undefined };
    if (redelivered) this.redeliveries.push(entry);
    else this.pending.push(entry);
    this.retainedBytes += message.body.length;
  }

  /** Deliveries a client acknowledged (ACK, or NACK-free settling of `client` mode). */
  acknowledged(messages: readonly OutboundMessage[]): void {
    if (messages.length === 0) return;
    this.link.queueConsumed(this, messages);
  }

  /**
   * How many more messages the consumers here could take now: each one's free prefetch window
   * (a fixed batch for `auto` ones), less what already waits. A cluster link takes no more than this.
   */
  room(): number {
    let slots = 0;
    for (const consumer of this.consumers) {
      if (!consumer.owner.canTake(consumer)) continue;
      slots +=
        consumer.ack === AckMode.AUTO
          ? AUTO_CONSUMER_SLOTS
          : this.limits.maxUnackedPerSubscription - consumer.unacked.size;
    }
    return Math.max(0, slots - this.depth);
  }

  /**
   * When the last local consumer has gone and messages wait here, the link hears of it: a cluster
   * takes them back (`takeWaiting`) for other nodes' consumers; on a node of its own they stay
   * for the next consumer.
   */
  releaseIfOrphaned(): void {
    if (this.consumers.length > 0 || this.depth === 0) return;
    this.link.queueOrphaned(this);
  }

  /** Empties the queue of what waits here, redeliveries first, and returns it: for a link that keeps it elsewhere. */
  takeWaiting(): OutboundMessage[] {
    const messages = [
      ...this.redeliveries.map((entry) => entry.message),
      ...this.pending.slice(this.pendingHead).map((entry) => entry.message),
    ];
    this.redeliveries.length = 0;
    this.pending = [];
    this.pendingHead = 0;
    this.retainedBytes = 0;
    return messages;
  }

  /**
   * Messages a subscriber gave back (a NACK, or it left), oldest first: they go out again before
   * anything new, to another subscriber if one can take them. When no other consumer is here they
   * are offered to the link: a cluster takes them, so that a consumer on another node gets them.
   */
  requeue(messages: readonly OutboundMessage[], from: Subscription): void {
    if (!this.hasConsumerBesides(from) && this.link.queueReleased(this, messages)) return;
    for (const message of messages) {
      this.redeliveries.push({ message, redelivered: true, avoid: from });
      this.retainedBytes += message.body.length;
    }
    this.dispatch();
  }

  addConsumer(subscription: Subscription): void {
    this.consumers.push(subscription);
    this.dispatch();
  }

  removeConsumer(subscription: Subscription): void {
    const index = this.consumers.indexOf(subscription);
    if (index === -1) return;
    this.consumers.splice(index, 1);
    if (this.cursor > index) this.cursor--;
  }

  /** Hands waiting messages to consumers for as long as some consumer can take one. */
  dispatch(): void {
    while (this.depth > 0) {
      const entry = this.peek()!;
      const consumer = this.pick(entry.avoid);
      if (consumer === undefined) return;
      this.shift();
      this.retainedBytes -= entry.message.body.length;
      this.hand(consumer, entry.message, entry.redelivered);
    }
    // Everything here is out: a cluster may have more for these consumers.
    if (this.consumers.length > 0) this.link.queueDemand(this);
  }

  private hand(consumer: Subscription, message: OutboundMessage, redelivered: boolean): void {
    // STOMP 1.2, "SUBSCRIBE ack Header": in `auto` mode a message is consumed once sent.
    if (consumer.ack === AckMode.AUTO) this.link.queueConsumed(this, [message]);
    else this.link.queueDelivered(this, message);
    consumer.owner.deliver(consumer, message, redelivered);
  }

  private hasConsumerBesides(subscription: Subscription): boolean {
    for (const consumer of this.consumers) if (consumer !== subscription) return true;
    return false;
  }

  private peek(): Entry | undefined {
    return this.redeliveries[0] ?? this.pending[this.pendingHead];
  }

  private shift(): void {
    if (this.redeliveries.length > 0) {
      this.redeliveries.shift();
      return;
    }
    this.pendingHead++;
    // Compact now and then so the array does not grow without bound.
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }

  /** The next consumer, round robin, that can take a message; `avoid` only when no other can. */
  private pick(avoid: Subscription | undefined): Subscription | undefined {
    const count = this.consumers.length;
    let fallback: number | undefined;
    for (let i = 0; i < count; i++) {
      const index = (this.cursor + i) % count;
      const consumer = this.consumers[index]!;
      if (!consumer.owner.canTake(consumer)) continue;
      if (consumer === avoid) {
        fallback ??= index;
        continue;
      }
      this.cursor = (index + 1) % count;
      return consumer;
    }
    if (fallback === undefined) return undefined;
    this.cursor = (fallback + 1) % count;
    return this.consumers[fallback];
  }
}
