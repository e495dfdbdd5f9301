/**
 * The broker's link on Redis (`BrokerLink`): what lets several nodes act as one broker.
 *
 * Topics and user destinations ride Redis pub/sub, one channel per topic (`<prefix>:t:<topic>`)
 * and per login (`<prefix>:u:<login>`). A node subscribes to a channel while one of its sessions
 * reads that topic or that login's user destinations, so it receives only what somebody here
 * reads. Each node publishes on one connection, and Redis delivers a connection's messages in the
 * order they were sent: per publisher, every subscriber everywhere sees the publish order. Pub/sub
 * keeps nothing, as a topic promises nothing to whoever is not subscribed; what a Redis fault
 * loses is counted (`ClusterNode.countDrop`).
 *
 * Queues are Redis Streams with one consumer group (see `queues.ts`).
 */
import type { BrokerLink, LinkHost, QueueBatch } from '../core/broker-link';
import type { Logger } from '../core/logger';
import type { OutboundMessage } from '../core/message';
import type { Queue } from '../core/queue';
import { decodeEnvelope, encodeEnvelope, isFrom } from './envelope';
import { RemoteInterest } from './interest';
import type { ClusterNode } from './node';
import { ClusterQueues } from './queues';

/** The pub/sub channel a topic's messages cross nodes on; `PUBSUB NUMSUB` on it says how many nodes read it. */
export function topicChannel(node: ClusterNode, topic: string): string {
  return node.key('t', topic);
}

/** How often other nodes' readers of the topics asked about are looked up. */
const INTEREST_REFRESH_MS = 1000;

/** How long a SUBSCRIBE's RECEIPT may wait for Redis to confirm the channel. */
const WATCH_TIMEOUT_MS = 2000;

export interface BusStats {
  /** Messages handed to Redis for other nodes. */
  readonly published: number;
  /** Messages from other nodes delivered here. */
  readonly received: number;
  /** Topics and logins this node listens for. */
  readonly watchedTopics: number;
  readonly watchedLogins: number;
  readonly queues: ReturnType<ClusterQueues['stats']>;
}

/** One channel this node listens on; the entry is replaced when the channel is watched again. */
interface Watch {
  readonly unsubscribe: Promise<() => void>;
}

export class ClusterBus implements BrokerLink {
  readonly node: ClusterNode;
  private readonly logger: Logger;
  private host: LinkHost | undefined;
  private queues: ClusterQueues | undefined;
  private readonly topics = new Map<string, Watch>();
  private readonly logins = new Map<string, Watch>();
  private published = 0;
  private received = 0;
  /** This node's id as it appears in envelopes, to skip its own messages coming back unread. */
  private readonly self: Buffer;
  private readonly interest: RemoteInterest;
  private interestTimer: ReturnType<typeof setInterval> | undefined;

  constructor(node: ClusterNode, logger: Logger) {
    this.node = node;
    this.self = Buffer.from(node.id, 'utf8');
    this.interest = new RemoteInterest(
      node,
      (topic) => topicChannel(node, topic),
      (topic) => this.topics.has(topic),
    );
    this.logger = logger;
  }

  /** Nothing to restore: the queues' messages are in Redis, read as the consumers here can take them. */
  attach(host: LinkHost): void {
    this.host = host;
    this.queues = new ClusterQueues(this.node, host, this.logger);
  }

  /** Starts the queues' wake-up listener and sweep, and the look-up of other nodes' readers. */
  async start(): Promise<void> {
    await this.queues?.start();
    this.interestTimer = setInterval(() => void this.interest.refresh(), INTEREST_REFRESH_MS);
    this.interestTimer.unref();
  }

  stop(): void {
    clearInterval(this.interestTimer);
    this.queues?.stop();
  }

  stats(): BusStats {
    return {
      published: this.published,
      received: this.received,
      watchedTopics: this.topics.size,
      watchedLogins: this.logins.size,
      queues: this.queues!.stats(),
    };
  }

  // ── Topics and user destinations ───────────────────────────────────────────────────────────────

  publishTopic(message: OutboundMessage): void {
    this.send(topicChannel(this.node, message.destination), message, 'topic');
  }

  /** Always true: whether another node took it is known only once Redis answers, and counted then. */
  publishUser(login: string, message: OutboundMessage, deliveredHere: boolean): boolean {
    const sent = this.send(this.node.key('u', login), message, 'user');
    if (sent === undefined || deliveredHere) return true;
    // Redis says how many nodes listen for the login; this node is one of them while it watches it.
    const self = this.logins.has(login) ? 1 : 0;
    void sent.then((listeners) => {
      if (listeners >= 0 && listeners - self <= 0) this.host!.observer.messageDropped('no-subscriber');
    });
    return true;
  }

  watchTopic(destination: string): Promise<void> | undefined {
    return this.watch(this.topics, destination, topicChannel(this.node, destination), (message) =>
      this.host!.deliverTopic(message),
    );
  }

  hasRemoteSubscribers(destination: string): boolean {
    return this.interest.has(destination);
  }

  unwatchTopic(destination: string): void {
    this.unwatch(this.topics, destination);
  }

  watchUser(login: string): Promise<void> | undefined {
    return this.watch(this.logins, login, this.node.key('u', login), (message) => {
      if (!this.host!.deliverUser(login, message)) this.host!.observer.messageDropped('no-subscriber');
    });
  }

  unwatchUser(login: string): void {
    this.unwatch(this.logins, login);
  }

  /** Publishes for the other nodes; undefined when Redis is away (the loss is counted). */
  private send(channel: string, message: OutboundMessage, what: string): Promise<number> | undefined {
    if (!this.node.isUp) {
      this.node.countDrop(what);
      return undefined;
    }
    this.published++;
    return this.node.publish(channel, encodeEnvelope(this.node.id, message), what);
  }

  private watch(
    watches: Map<string, Watch>,
    name: string,
    channel: string,
    deliver: (message: OutboundMessage) => void,
  ): Promise<void> {
    const watch: Watch = {
      unsubscribe: this.node.subscribe(channel, (payload) => {
        // A watch replaced or dropped while Redis confirmed it must not deliver twice.
        if (watches.get(name) !== watch) return;
        // Redis sends a node its own publishes back when it also listens: those were delivered here already.
        if (isFrom(payload, this.self)) return;
        const envelope = decodeEnvelope(payload);
        if (envelope === undefined) {
          this.node.countDrop('malformed');
          return;
        }
        this.received++;
        deliver(envelope.message);
      }),
    };
    watches.set(name, watch);
    const confirmed = watch.unsubscribe.then(() => undefined);
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, WATCH_TIMEOUT_MS).unref());
    return Promise.race([confirmed, timeout]);
  }

  private unwatch(watches: Map<string, Watch>, name: string): void {
    const watch = watches.get(name);
    if (watch === undefined) return;
    watches.delete(name);
    void watch.unsubscribe.then((unsubscribe) => unsubscribe());
  }

  // ── Queues ─────────────────────────────────────────────────────────────────────────────────────

  /** Stores the message in its queue's stream; rejects with `STOMP_ERR_LIMIT` when that is full. */
  enqueue(message: OutboundMessage): Promise<void> {
    return this.queues!.enqueue([message]);
  }

  /** Collects a COMMIT's queue SENDs and stores them in one script run; Redis checks the bounds then. */
  openBatch(): QueueBatch {
    const queues = this.queues!;
    const messages: OutboundMessage[] = [];
    return {
      add: (message) => messages.push(message),
      stored: () => (messages.length === 0 ? undefined : queues.enqueue(messages)),
    };
  }

  /**
   * Nothing to wait for: a SEND's RECEIPT waits for its own storing, and acknowledgements that
   * cannot reach Redis now are sent again later (an unacknowledged entry is redelivered, never lost).
   */
  flushed(): undefined {
    return undefined;
  }

  /** Never called: a cluster's SENDs are stored in Redis (`enqueue`), not in the queue here. */
  queueAdded(): void {}

  /** The entry is in this node's pending list in Redis already, from when it was read. */
  queueDelivered(): void {}

  queueDemand(queue: Queue): void {
    this.queues!.demand(queue.name);
  }

  queueConsumed(queue: Queue, messages: readonly OutboundMessage[]): void {
    this.queues!.consumed(queue.name, messages);
  }

  /** Back to the cluster, so that a consumer on another node gets them. */
  queueReleased(queue: Queue, messages: readonly OutboundMessage[]): true {
    this.queues!.released(queue.name, messages);
    return true;
  }

  queueOrphaned(queue: Queue): void {
    this.queues!.released(queue.name, queue.takeWaiting());
  }
}
