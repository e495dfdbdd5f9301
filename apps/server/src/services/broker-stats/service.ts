/**
 * The broker's stats as a server-owned topic (`/topic/broker/stats`): once a second, how many
 * sessions and connections are open and how many messages a second go in and out. Rates come from
 * the deltas of `broker.stats().totals` between two ticks, divided by the time between them.
 * A new subscriber gets the latest figures at once (snapshot on subscribe), then every update.
 *
 * The figures published are the `totals` (`totals.ts`): alone, this process's own; in a cluster
 * the whole cluster's, each node adding up every node's through Redis and saying how many nodes
 * that is (`nodes`). While they cannot be read, a node shows its own figures.
 */

import type { Broker, BrokerStats } from '@stomping-ground/broker';
import { BrokerDestination, type BrokerStatsPayload } from '@stomping-ground/protocol';
import { LocalStatsTotals, type StatsTotals } from './totals';

export interface BrokerStatsOptions {
  /** How often to measure and publish, in milliseconds. */
  readonly intervalMs?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
  /** Where the figures are added up. Default: a `LocalStatsTotals`, this process's own. */
  readonly totals?: StatsTotals;
}

const JSON_HEADERS = [['content-type', 'application/json']] as const;

export class BrokerStatsService {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private previous: { at: number; messagesIn: number; messagesOut: number };
  private latest: BrokerStatsPayload;
  /** The totals at the last tick, when they could be read. */
  private combined: BrokerStatsPayload | undefined;
  private readonly totals: StatsTotals;
  private readonly unregister: () => void;

  constructor(
    private readonly broker: Broker,
    options: BrokerStatsOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    if (!(this.intervalMs > 0)) throw new RangeError('intervalMs must be above 0');
    this.now = options.now ?? Date.now;
    this.totals = options.totals ?? new LocalStatsTotals();
    const stats = broker.stats();
    const at = this.now();
    this.previous = { at, messagesIn: stats.totals.messagesIn, messagesOut: stats.totals.messagesOut };
    this.latest = this.measure(at, stats, 0);
    this.unregister = broker.registerSnapshot(BrokerDestination.stats, () => ({
      // Counts are read now, so a late joiner sees itself; rates are those of the last interval.
      body: JSON.stringify(this.current()),
      headers: [...JSON_HEADERS, ['snapshot', 'true']],
    }));
  }

  /** Publishes every `intervalMs` on an unref'd timer. Idempotent. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Measures the last interval and publishes it (when anyone listens). Exposed for tests. */
  tick(): BrokerStatsPayload {
    const stats = this.broker.stats();
    const at = this.now();
    const elapsed = at - this.previous.at;
    this.latest = this.measure(at, stats, elapsed);
    this.previous = { at, messagesIn: stats.totals.messagesIn, messagesOut: stats.totals.messagesOut };
    const own = this.latest;
    const combined = this.totals.combine(own);
    // Alone the totals are at hand, and go out within the tick; a cluster's come from Redis.
    if (combined instanceof Promise) void combined.then((totals) => this.show(totals, own));
    else this.show(combined, own);
    return own;
  }

  private show(combined: BrokerStatsPayload | undefined, own: BrokerStatsPayload): void {
    this.combined = combined;
    this.publish(combined ?? own);
  }

  /** The latest rates with this node's counts as they are now, within the totals (in a cluster, added to the other nodes'). */
  current(): BrokerStatsPayload {
    const stats = this.broker.stats();
    const combined = this.combined;
    if (combined === undefined || combined.at < this.latest.at) {
      return { ...this.latest, sessions: stats.sessions, connections: stats.connections };
    }
    return {
      ...combined,
      sessions: combined.sessions - this.latest.sessions + stats.sessions,
      connections: combined.connections - this.latest.connections + stats.connections,
    };
  }

  /** Stops, and withdraws this node's figures from the totals at once. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.unregister();
    await this.totals.withdraw();
  }

  /**
   * To this node's subscribers only: every node publishes the same totals for its own visitors, so
   * the topic must not cross nodes.
   */
  private publish(payload: BrokerStatsPayload): void {
    if (!this.broker.stats().shuttingDown && this.broker.hasLocalSubscribers(BrokerDestination.stats)) {
      this.broker.publishLocal(BrokerDestination.stats, JSON.stringify(payload), [...JSON_HEADERS]);
    }
  }

  private measure(at: number, stats: BrokerStats, elapsedMs: number): BrokerStatsPayload {
    const { totals } = stats;
    return {
      sessions: stats.sessions,
      connections: stats.connections,
      messagesInPerSecond: perSecond(totals.messagesIn - this.previous.messagesIn, elapsedMs),
      messagesOutPerSecond: perSecond(totals.messagesOut - this.previous.messagesOut, elapsedMs),
      at,
    };
  }
}

/** A count over `elapsedMs` as a whole number per second; 0 before any time has passed. */
export function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? Math.round((count * 1000) / elapsedMs) : 0;
}
