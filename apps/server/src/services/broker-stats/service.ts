/**
 * The broker's stats as a server-owned topic (`/topic/broker/stats`): once a second, how many
 * sessions and connections are open and how many messages a second go in and out. Rates come from
 * the deltas of `broker.stats().totals` between two ticks, divided by the time between them.
 * A new subscriber gets the latest figures at once (snapshot on subscribe), then every update.
 */
import { BrokerDestination, type BrokerStatsPayload } from '@stomping-ground/protocol';
import type { Broker, BrokerStats } from '../../core/broker';

export interface BrokerStatsOptions {
  /** How often to measure and publish, in milliseconds. */
  readonly intervalMs?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

const JSON_HEADERS = [['content-type', 'application/json']] as const;

export class BrokerStatsService {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private previous: { at: number; messagesIn: number; messagesOut: number };
  private latest: BrokerStatsPayload;
  private readonly unregister: () => void;

  constructor(
    private readonly broker: Broker,
    options: BrokerStatsOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    if (!(this.intervalMs > 0)) throw new RangeError('intervalMs must be above 0');
    this.now = options.now ?? Date.now;
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
    // The figures are this node's: in a cluster each node tells its own visitors about itself.
    if (!stats.shuttingDown && this.broker.hasLocalSubscribers(BrokerDestination.stats)) {
      this.broker.publishLocal(BrokerDestination.stats, JSON.stringify(this.latest), [...JSON_HEADERS]);
    }
    return this.latest;
  }

  /** The latest rates with the counts as they are now. */
  current(): BrokerStatsPayload {
    const stats = this.broker.stats();
    return { ...this.latest, sessions: stats.sessions, connections: stats.connections };
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.unregister();
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
