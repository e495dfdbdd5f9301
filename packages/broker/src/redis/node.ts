/**
 * This process as one node of a cluster: its id, its two Redis connections, its presence, and the
 * count of what a Redis fault cost.
 *
 * - `redis` runs commands. Its offline queue is off: while Redis is away a command fails at once
 *   instead of piling up in memory, and whoever sent it counts the loss (`countDrop`).
 * - A second connection is in subscriber mode (RESP2 cannot mix the two). `subscribe` shares one
 *   Redis SUBSCRIBE between every local listener of a channel; ioredis subscribes again by itself
 *   after a reconnect.
 * - Presence: `<prefix>:node:<id>` is set with an expiry and refreshed at a third of it. A node whose
 *   key has expired is dead to the others: they take over its queue deliveries, its lease, its rooms.
 *
 * - Health: a closed connection is not the only fault. A Redis that is frozen (stopped, swapping,
 *   a dead network path that keeps the socket open) answers nothing and closes nothing, so the node
 *   PINGs it every `healthCheckIntervalMs`; a PING unanswered after `healthCheckTimeoutMs` counts
 *   as Redis being away (`down`) until an answer comes.
 *
 * Both connections reconnect with capped exponential backoff and jitter, for ever. The node never
 * throws because Redis is away; it reports it (`status`, `onStatus`, `stats`).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis, type RedisOptions } from 'ioredis';
import { type Logger, silentLogger } from '../core/logger';

export interface ClusterNodeOptions {
  /** `redis://host:port/db`, as ioredis takes it. */
  readonly url: string;
  /** Every key and channel starts with `<prefix>:`, so several clusters (or test runs) can share one Redis. Default `sg`. */
  readonly prefix?: string;
  /** Default: host name, pid and a random tag. */
  readonly nodeId?: string | undefined;
  /** How long a node counts as alive after its last presence refresh. Default 3000 ms. */
  readonly presenceTtlMs?: number;
  /** The longest wait between reconnection attempts. Default 2000 ms. */
  readonly maxBackoffMs?: number;
  /** How often Redis is PINGed. Default 500 ms. */
  readonly healthCheckIntervalMs?: number;
  /** A PING unanswered for this long marks Redis unresponsive. Default 1000 ms. */
  readonly healthCheckTimeoutMs?: number;
  readonly logger?: Logger;
}

/** `up`: both connections ready and Redis answering. `down`: a connection is reconnecting, or Redis does not answer PING in time. */
export type ClusterStatus = 'up' | 'down';

export interface ClusterStats {
  readonly nodeId: string;
  readonly status: ClusterStatus;
  /** Milliseconds since the status last changed. */
  readonly sinceMs: number;
  /** Connections to Redis lost and made again since start, over both connections. */
  readonly reconnects: number;
  /** Messages or commands lost to a Redis fault, by what was lost. */
  readonly drops: Readonly<Record<string, number>>;
  readonly roles: readonly string[];
}

export type ChannelListener = (payload: Buffer) => void;

/** Backoff before reconnection attempt `attempt` (1, 2, …): doubling from 50 ms, capped, with ±25% jitter. */
export function backoffMs(attempt: number, maxMs: number): number {
  const base = Math.min(maxMs, 50 * 2 ** Math.min(attempt - 1, 16));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

export class ClusterNode {
  readonly id: string;
  readonly prefix: string;
  /** For commands. Fails fast while disconnected. */
  readonly redis: Redis;
  /** Roles this node holds now (leases: `market`, `game-room:…`), for `/healthz` and tests. */
  readonly roles = new Set<string>();
  private readonly subscriber: Redis;
  private readonly logger: Logger;
  private readonly presenceTtlMs: number;
  private readonly listeners = new Map<string, Set<ChannelListener>>();
  private readonly statusListeners = new Set<(status: ClusterStatus) => void>();
  private readonly drops = new Map<string, number>();
  private presenceTimer: ReturnType<typeof setInterval> | undefined;
  private healthTimer: ReturnType<typeof setInterval> | undefined;
  private readonly healthCheckIntervalMs: number;
  private readonly healthCheckTimeoutMs: number;
  /** When the PING in flight was sent, if one is. */
  private pingSentAt: number | undefined;
  /** False while a PING has gone unanswered past the timeout. */
  private responsive = true;
  private reconnects = 0;
  private currentStatus: ClusterStatus = 'down';
  private statusSince = Date.now();
  private closed = false;
  /** Tells this process's presence apart from another process started with the same node id. */
  private readonly instance = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private duplicateWarned = false;
  private announced = false;

  constructor(options: ClusterNodeOptions) {
    this.prefix = options.prefix ?? 'sg';
    this.id = options.nodeId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    // The id travels in every cross-node envelope with a one-byte length.
    if (this.id === '' || Buffer.byteLength(this.id) > 128) {
      throw new RangeError(`a node id must be 1 to 128 bytes, got "${this.id}"`);
    }
    this.presenceTtlMs = options.presenceTtlMs ?? 3000;
    this.healthCheckIntervalMs = options.healthCheckIntervalMs ?? 500;
    this.healthCheckTimeoutMs = options.healthCheckTimeoutMs ?? 1000;
    this.logger = options.logger ?? silentLogger;
    const maxBackoffMs = options.maxBackoffMs ?? 2000;
    const common: RedisOptions = {
      connectionName: `stomping-ground:${this.id}`,
      retryStrategy: (attempt) => backoffMs(attempt, maxBackoffMs),
      // A command in flight when the connection drops fails instead of being replayed later, when
      // it may no longer make sense (a lease renewal, a presence refresh).
      maxRetriesPerRequest: 0,
      lazyConnect: true,
    };
    this.redis = new Redis(options.url, { ...common, enableOfflineQueue: false });
    // The subscriber keeps its offline queue: a SUBSCRIBE made while Redis is away is sent on reconnect.
    this.subscriber = new Redis(options.url, { ...common, maxRetriesPerRequest: null });
    for (const connection of [this.redis, this.subscriber]) {
      let connectedBefore = false;
      connection.on('ready', () => {
        // Counted when a lost connection is back, not per attempt.
        if (connectedBefore) this.reconnects++;
        connectedBefore = true;
        this.updateStatus();
      });
      connection.on('close', () => this.updateStatus());
      connection.on('reconnecting', () => this.updateStatus());
      // ioredis reports every failed attempt here; the status change is what matters, logged once.
      connection.on('error', (error: Error) => this.logger.debug({ err: error }, 'redis connection error'));
    }
    this.subscriber.on('messageBuffer', (channel: Buffer, payload: Buffer) => {
      const listeners = this.listeners.get(channel.toString());
      if (listeners === undefined) return;
      for (const listener of listeners) {
        try {
          listener(payload);
        } catch (error) {
          this.logger.error({ err: error, channel: channel.toString() }, 'a cluster channel listener failed');
        }
      }
    });
  }

  /**
   * Connects and starts announcing presence. Waits at most `waitMs` for Redis: a node whose Redis is
   * away still starts, serves its own clients, and joins once Redis answers.
   */
  async start(waitMs = 3000): Promise<void> {
    const connecting = Promise.all([this.redis.connect(), this.subscriber.connect()]).then(
      () => true,
      (error: unknown) => {
        this.logger.warn({ err: error }, 'redis is not reachable yet; serving local clients and retrying');
        return false;
      },
    );
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), waitMs).unref());
    await Promise.race([connecting, timeout]);
    this.presenceTimer = setInterval(() => void this.announce(), Math.max(100, this.presenceTtlMs / 3));
    this.presenceTimer.unref();
    this.healthTimer = setInterval(() => this.checkHealth(), this.healthCheckIntervalMs);
    this.healthTimer.unref();
    await this.announce();
  }

  /** Withdraws presence (so others take over at once rather than after the expiry) and disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.presenceTimer);
    clearInterval(this.healthTimer);
    if (this.redis.status === 'ready') await this.redis.del(this.presenceKey(this.id)).catch(() => {});
    this.redis.disconnect();
    this.subscriber.disconnect();
  }

  get status(): ClusterStatus {
    return this.currentStatus;
  }

  get isUp(): boolean {
    return this.currentStatus === 'up';
  }

  /** `<prefix>:<part>:<part>…` */
  key(...parts: string[]): string {
    return `${this.prefix}:${parts.join(':')}`;
  }

  /** Calls `listener` on status changes; returns the function that stops it. */
  onStatus(listener: (status: ClusterStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => {
      this.statusListeners.delete(listener);
    };
  }

  /**
   * Listens on a channel (a full name, from `key`). Resolves once Redis has confirmed the
   * subscription, or at once while Redis is away (the subscription is made on reconnect). Returns
   * the function that stops listening.
   */
  async subscribe(channel: string, listener: ChannelListener): Promise<() => void> {
    let set = this.listeners.get(channel);
    const first = set === undefined;
    if (set === undefined) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    if (first) {
      const subscribed = this.subscriber.subscribe(channel).catch((error: unknown) => {
        this.logger.warn({ err: error, channel }, 'redis subscribe failed');
      });
      if (this.subscriber.status === 'ready') await subscribed;
    }
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const current = this.listeners.get(channel);
      current?.delete(listener);
      if (current?.size === 0) {
        this.listeners.delete(channel);
        this.subscriber.unsubscribe(channel).catch(() => {});
      }
    };
  }

  /**
   * Publishes on a channel. Resolves with how many subscriber connections (nodes) received it, or
   * with -1 when Redis is away: the message is lost and counted as a drop under `what`.
   */
  async publish(channel: string, payload: Buffer | string, what: string): Promise<number> {
    try {
      return await this.redis.publish(channel, payload);
    } catch {
      this.countDrop(what);
      return -1;
    }
  }

  /** Whether the node has announced itself within the presence expiry. Unknown (Redis away) counts as alive. */
  async isAlive(nodeId: string): Promise<boolean> {
    if (nodeId === this.id) return true;
    try {
      return (await this.redis.exists(this.presenceKey(nodeId))) === 1;
    } catch {
      return true;
    }
  }

  /** Counts `count` things lost to a Redis fault. */
  countDrop(what: string, count = 1): void {
    this.drops.set(what, (this.drops.get(what) ?? 0) + count);
  }

  stats(): ClusterStats {
    return {
      nodeId: this.id,
      status: this.currentStatus,
      sinceMs: Date.now() - this.statusSince,
      reconnects: this.reconnects,
      drops: Object.fromEntries(this.drops),
      roles: [...this.roles].sort(),
    };
  }

  private presenceKey(nodeId: string): string {
    return this.key('node', nodeId);
  }

  private async announce(): Promise<void> {
    if (this.closed || this.redis.status !== 'ready') return;
    try {
      const previous = await this.redis.set(
        this.presenceKey(this.id),
        this.instance,
        'PX',
        this.presenceTtlMs,
        'GET',
      );
      // Two live processes with one id would skip each other's messages and share queue deliveries.
      if (previous !== null && previous !== this.instance && !this.duplicateWarned && this.announced) {
        this.duplicateWarned = true;
        this.logger.error(
          { node: this.id, other: previous },
          'another process announces the same node id: give every node its own CLUSTER_NODE_ID',
        );
      }
      this.announced = true;
    } catch {
      // The status listeners report the fault; presence resumes with the connection.
    }
  }

  /**
   * One PING in flight at a time: while it is unanswered past the timeout Redis counts as away, and
   * its answer, whenever it comes, brings the node back.
   */
  private checkHealth(): void {
    if (this.closed) return;
    const sentAt = this.pingSentAt;
    if (sentAt !== undefined) {
      if (this.responsive && Date.now() - sentAt > this.healthCheckTimeoutMs) {
        this.responsive = false;
        this.logger.warn({ node: this.id, waitedMs: Date.now() - sentAt }, 'redis does not answer PING');
        this.updateStatus();
      }
      return;
    }
    if (this.redis.status !== 'ready') return;
    this.pingSentAt = Date.now();
    this.redis.ping().then(
      () => this.pingSettled(true),
      // A PING lost with its connection: the connection's own events report that.
      () => this.pingSettled(false),
    );
  }

  private pingSettled(answered: boolean): void {
    this.pingSentAt = undefined;
    if (answered && !this.responsive) {
      this.responsive = true;
      this.updateStatus();
    }
    if (!answered) this.responsive = true;
  }

  private updateStatus(): void {
    const status: ClusterStatus =
      this.responsive && this.redis.status === 'ready' && this.subscriber.status === 'ready' ? 'up' : 'down';
    if (status === this.currentStatus || this.closed) return;
    this.currentStatus = status;
    this.statusSince = Date.now();
    if (status === 'up') {
      this.logger.info({ node: this.id }, 'redis connected: cluster mode active');
      void this.announce();
    } else {
      this.logger.warn({ node: this.id }, 'redis unreachable: serving local clients, reconnecting');
    }
    for (const listener of [...this.statusListeners]) listener(status);
  }
}
