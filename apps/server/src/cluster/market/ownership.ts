/**
 * The market in a cluster (`MarketOwnership`, `services/market/roles.ts`): one node owns it, every
 * other forwards to it and mirrors it.
 *
 * - Ownership is the lease `market` (3 s): its holder alone runs the simulation and applies
 *   requests. When the holder dies another node takes the lease once it expires (a few seconds),
 *   loads the saved state and goes on; on SIGTERM the holder saves and hands the lease back at once.
 * - Requests: every node's handlers append what clients SEND to the inbox stream (`inbox.ts`) and
 *   the RECEIPT waits for Redis to store it. The owner reads the stream in id order, from just after
 *   the last entry it applied, applies a batch exactly as the single-node handlers would, saves the
 *   state with the batch's last entry id inside it, lets the batch's messages out (`held-output.ts`)
 *   and trims what it applied. A new owner reads on from the saved id, so each entry is applied once
 *   whenever the old owner died: before the save (the entries are read again) or after (they are
 *   behind the saved id).
 * - The owner's saves are fenced (`Lease.fencedSet`): one that lost the lease without noticing
 *   (paused past its expiry) can no longer overwrite what the next owner saved.
 * - Saved state: `<prefix>:market:state` (books with their resting orders, portfolios, tape,
 *   simulation, the last applied entry) after every batch of requests and at most once a second
 *   for the simulation's own orders; `<prefix>:market:candles` at most once a second. So a failover
 *   may lose up to a second of the simulated traders' activity and of candle updates, never a
 *   user's receipted request.
 * - Followers restore the saved state when the owner announces a save on `<prefix>:market:saved`
 *   (at most every 250 ms), so that their snapshots show the market as it was a moment ago. They
 *   publish nothing: the owner's messages reach their subscribers through the cluster's bus.
 *
 * The stream is read with plain XREAD from the saved position rather than through a consumer group:
 * with XREADGROUP `>` an owner that lost the lease without knowing it could still take entries off
 * the group's delivery, and the next owner, having applied a later entry, would skip them as
 * already applied. Reading by id from the saved position leaves no such gap and needs no claiming.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { type Broker, backoffMs, type ClusterNode, type Logger, silentLogger } from '@stomping-ground/broker';
import type { MarketOwnership } from '../../services/market/roles';
import { MarketService, type MarketServiceOptions } from '../../services/market/service';
import {
  checkMarketState,
  decodeMarketCandles,
  joinCandles,
  type MarketState,
  splitCandles,
} from '../../services/market/state';
import { Lease } from '../lease';
import { HeldOutput } from './held-output';
import {
  compareStreamIds,
  decodeEntries,
  type InboxEntry,
  isStreamId,
  nextStreamId,
  RedisMarketInbox,
} from './inbox';

export interface MarketClusterOptions {
  /** How long the owner's lease lasts unrenewed: about the longest failover. Default 3000 ms. */
  readonly leaseTtlMs?: number;
  /** How often the owner saves what the simulation did (and the candles). Default 1000 ms. */
  readonly saveEveryMs?: number;
  /** The least time between two restores of a follower's mirror. Default 250 ms. */
  readonly mirrorEveryMs?: number;
  /** Inbox entries applied, then saved, together at most. Default 100. */
  readonly batchSize?: number;
  readonly logger?: Logger;
}

export const MARKET_CLUSTER_DEFAULTS = Object.freeze({
  leaseTtlMs: 3000,
  saveEveryMs: 1000,
  mirrorEveryMs: 250,
  batchSize: 100,
  /** How long one XREAD waits for entries: a stop is noticed within it. */
  blockMs: 1000,
});

/** What `<prefix>:market:state` holds. */
export interface StoredState {
  /** The last inbox entry applied to `state` (`0-0`: none). */
  readonly inbox: string;
  /** Milliseconds since the epoch, for people looking. */
  readonly savedAt: number;
  /** Without candles: they are saved apart. */
  readonly state: MarketState;
}

/** What `<prefix>:market:saved` carries. */
interface SavedNotice {
  readonly inbox: string;
  /** Whether the candles were saved too. */
  readonly candles: boolean;
}

type SaveResult = 'saved' | 'lost' | 'failed';

/** The lease whose holder owns the market (also its role in `/healthz`). */
export const MARKET_LEASE = 'market';

/** Where the market keeps its state in Redis, and the channel its saves are announced on. */
export function marketKeys(node: ClusterNode): {
  readonly state: string;
  readonly candles: string;
  readonly saved: string;
} {
  return {
    state: node.key('market', 'state'),
    candles: node.key('market', 'candles'),
    saved: node.key('market', 'saved'),
  };
}

/** A node's market in cluster mode, wired together: its output held, its requests appended to the inbox stream. */
export interface RedisMarket {
  readonly market: MarketService;
  readonly inbox: RedisMarketInbox;
  readonly ownership: RedisMarketOwnership;
}

export function createRedisMarket(
  node: ClusterNode,
  broker: Broker,
  options: Omit<MarketServiceOptions, 'output' | 'inbox'> = {},
  clusterOptions: MarketClusterOptions = {},
): RedisMarket {
  const output = new HeldOutput(broker);
  const inbox = new RedisMarketInbox(node, clusterOptions.logger);
  const market = new MarketService(broker, { ...options, output, inbox });
  return { market, inbox, ownership: new RedisMarketOwnership(node, market, output, inbox, clusterOptions) };
}

export class RedisMarketOwnership implements MarketOwnership {
  private readonly node: ClusterNode;
  private readonly market: MarketService;
  private readonly output: HeldOutput;
  private readonly inbox: RedisMarketInbox;
  private readonly lease: Lease;
  private readonly logger: Logger;
  private readonly saveEveryMs: number;
  private readonly mirrorEveryMs: number;
  private readonly batchSize: number;
  private readonly keys: ReturnType<typeof marketKeys>;
  private closed = false;
  private stopListening: Array<() => void> = [];

  // ── Owning ──
  /**
   * The lease token under which the market in memory was loaded and opened; 0 while not owning or
   * still loading. Only then may it be saved: before, it would overwrite the real state with a stale one.
   */
  private loaded = 0;
  /** The last inbox entry applied to the market in memory. */
  private applied = '0-0';
  /**
   * The market's revision at the last save of the candles. A candle save saves the state too, so
   * nothing is left unsaved while the revision is this one.
   */
  private candlesRevision = -1;
  /** While a batch is applied and saved: another save then would store its effects before their messages are out. */
  private applying = false;
  /** Ends the read in progress at once (see `consume`). */
  private stopReading: (() => void) | undefined;
  private consuming: Promise<void> | undefined;
  private saveTimer: ReturnType<typeof setInterval> | undefined;

  // ── Mirroring ──
  private mirrorTimer: ReturnType<typeof setTimeout> | undefined;
  private mirroring = false;
  private mirrorAgain = false;
  private mirrorCandles = true;
  private lastMirrorAt = 0;

  constructor(
    node: ClusterNode,
    market: MarketService,
    output: HeldOutput,
    inbox: RedisMarketInbox,
    options: MarketClusterOptions = {},
  ) {
    this.node = node;
    this.market = market;
    this.output = output;
    this.inbox = inbox;
    this.logger = options.logger ?? silentLogger;
    this.saveEveryMs = options.saveEveryMs ?? MARKET_CLUSTER_DEFAULTS.saveEveryMs;
    this.mirrorEveryMs = options.mirrorEveryMs ?? MARKET_CLUSTER_DEFAULTS.mirrorEveryMs;
    this.batchSize = options.batchSize ?? MARKET_CLUSTER_DEFAULTS.batchSize;
    this.keys = marketKeys(node);
    this.lease = new Lease(node, MARKET_LEASE, {
      ttlMs: options.leaseTtlMs ?? MARKET_CLUSTER_DEFAULTS.leaseTtlMs,
      onAcquired: (token) => this.own(token),
      onLost: () => this.follow(),
    });
  }

  /** Whether this node owns the market now. */
  get owner(): boolean {
    return this.lease.held;
  }

  /**
   * Listens for the owner's saves, tries once for the lease, mirrors the saved state unless it took
   * it (an owner loads the state itself), and goes on competing for the lease.
   */
  async start(): Promise<void> {
    this.stopListening.push(
      await this.node.subscribe(this.keys.saved, (payload) => this.onSaved(payload)),
      // Notices sent while Redis was away are lost: catch up once it is back.
      this.node.onStatus((status) => {
        if (status === 'up') this.requestMirror(true);
      }),
    );
    await this.lease.step();
    this.requestMirror(true);
    this.lease.start();
  }

  /**
   * Stops. An owner finishes the batch in hand, saves what the simulation did since the last save,
   * and hands the lease back, so another node takes over at once rather than after the expiry.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.mirrorTimer);
    for (const stop of this.stopListening.splice(0)) stop();
    const token = this.lease.token;
    if (token !== 0) {
      this.market.stop();
      clearInterval(this.saveTimer);
      this.stopReading?.();
      await this.consuming;
      if (this.loaded === token) await this.save(token, true);
    }
    await this.lease.stop();
  }

  // ── Owning ─────────────────────────────────────────────────────────────────────────────────────

  /** Takes the market up: load, open, save, then apply the inbox. Throwing hands the lease back. */
  private async own(token: number): Promise<void> {
    const startedAt = Date.now();
    let stored: StoredState | undefined;
    try {
      stored = await this.load(true);
      if (this.lease.token !== token || this.closed) return;
      if (stored !== undefined) this.market.restore(stored.state);
    } catch (error) {
      this.logger.error({ err: error }, 'could not load the market state; handing the market back');
      throw error;
    }
    this.applied = stored?.inbox ?? '0-0';
    this.loaded = token;
    this.market.start();
    this.saveTimer = setInterval(() => this.saveIfChanged(token), this.saveEveryMs);
    this.saveTimer.unref();
    // At once: followers and any next owner see this owner's start (its requotes, a fresh market).
    if ((await this.save(token, true)) === 'lost' || this.closed) return;
    this.consuming = this.consume(token);
    this.logger.info(
      { token, inbox: this.applied, restored: stored !== undefined, ms: Date.now() - startedAt },
      'this node owns the market',
    );
  }

  /** Becomes a follower: stops the simulation and the inbox, drops held messages, mirrors the saved state. */
  private follow(): void {
    this.loaded = 0;
    clearInterval(this.saveTimer);
    this.market.stop();
    this.output.discard();
    this.stopReading?.();
    if (!this.closed) {
      this.logger.info({}, 'this node no longer owns the market');
      this.requestMirror(true);
    }
  }

  /**
   * Applies the inbox while `token` is the lease's, on a connection of its own (its reads block).
   * The connection keeps an offline queue and retries reads, so a Redis restart only pauses it.
   * Stopping does not wait for the read in progress: while Redis is away that read is queued for
   * the reconnection and would settle only then (closing the connection does not fail it).
   */
  private async consume(token: number): Promise<void> {
    const reader = this.node.redis.duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      connectionName: `stomping-ground:${this.node.id}:market-inbox`,
    });
    reader.on('error', (error: Error) => this.logger.debug({ err: error }, 'market inbox connection error'));
    const stopped = new Promise<null>((resolve) => {
      this.stopReading = () => resolve(null);
    });
    const current = () => this.lease.token === token && !this.closed;
    try {
      while (current()) {
        let entries: InboxEntry[];
        try {
          const read = reader.xreadBuffer(
            'COUNT',
            this.batchSize,
            'BLOCK',
            MARKET_CLUSTER_DEFAULTS.blockMs,
            'STREAMS',
            this.inbox.key,
            this.applied,
          );
          read.catch(() => {}); // settled late or never once stopped: nobody is waiting then
          entries = decodeEntries(await Promise.race([read, stopped]));
        } catch (error) {
          if (!current()) break;
          this.logger.warn({ err: error }, 'reading the market inbox failed; trying again');
          await Promise.race([delay(250, undefined, { ref: false }), stopped]);
          continue;
        }
        if (entries.length > 0 && current()) await this.applyBatch(token, entries);
      }
    } finally {
      reader.disconnect();
    }
  }

  /**
   * Applies entries, then saves until the save lands or the lease is gone. Their messages are held
   * until then: let out once saved, dropped with the lease (the next owner applies them again).
   */
  private async applyBatch(token: number, entries: readonly InboxEntry[]): Promise<void> {
    this.applying = true;
    this.output.hold();
    try {
      for (const { id, request } of entries) {
        if (compareStreamIds(id, this.applied) <= 0) continue;
        this.applied = id;
        if (request === undefined) {
          this.logger.warn({ id }, 'skipped a market inbox entry that is not a request');
          continue;
        }
        try {
          this.market.apply(request);
        } catch (error) {
          // A request the market cannot apply must not stop the ones behind it.
          this.logger.error({ err: error, id, destination: request.destination }, 'a market request failed');
        }
      }
      for (let attempt = 1; ; attempt++) {
        const result = await this.save(token, false);
        if (result === 'saved') {
          this.output.release();
          this.trim(this.applied);
          return;
        }
        // Closing with the save still failing: the entries stay in the inbox for the next owner.
        if (result === 'lost' || this.lease.token !== token || this.closed) return;
        await delay(backoffMs(attempt, 1000), undefined, { ref: false });
      }
    } finally {
      this.applying = false;
    }
  }

  /** The simulation's saves, with the candles: at most once a tick, when something was executed since the last. */
  private saveIfChanged(token: number): void {
    if (this.applying || this.lease.token !== token) return;
    if (this.market.revision === this.candlesRevision) return;
    void this.save(token, true);
  }

  /**
   * Saves the market as it is now, with the last applied entry, fenced by `token`; the candles too
   * when `withCandles`. Then tells the followers.
   */
  private async save(token: number, withCandles: boolean): Promise<SaveResult> {
    if (this.lease.token !== token || this.loaded !== token) return 'lost';
    const revision = this.market.revision;
    const whole = this.market.toState({ candles: withCandles });
    // Without its candles the state has nothing to split off.
    const split = withCandles ? splitCandles(whole) : { state: whole, candles: undefined };
    const stored: StoredState = { inbox: this.applied, savedAt: Date.now(), state: split.state };
    try {
      if (!(await this.lease.fencedSet(this.keys.state, encodeStoredState(stored)))) return 'lost';
      if (split.candles !== undefined) {
        if (this.lease.token !== token) return 'lost';
        if (!(await this.lease.fencedSet(this.keys.candles, JSON.stringify(split.candles)))) return 'lost';
        this.candlesRevision = revision;
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not save the market state');
      return 'failed';
    }
    const notice: SavedNotice = { inbox: stored.inbox, candles: withCandles };
    void this.node.publish(this.keys.saved, JSON.stringify(notice), 'market-saved');
    return 'saved';
  }

  /** Removes the entries up to `id`: they are in the saved state. A failure leaves them for the next trim. */
  private trim(id: string): void {
    this.node.redis.xtrim(this.inbox.key, 'MINID', nextStreamId(id)).catch((error: unknown) => {
      this.logger.debug({ err: error }, 'could not trim the market inbox');
    });
  }

  /** The saved state, with its candles when `withCandles` (and there are some); undefined before any save. */
  private async load(withCandles: boolean): Promise<StoredState | undefined> {
    const [stateText, candlesText] = withCandles
      ? await this.node.redis.mget(this.keys.state, this.keys.candles)
      : [await this.node.redis.get(this.keys.state), null];
    if (stateText === null || stateText === undefined) return undefined;
    const stored = decodeStoredState(stateText);
    if (candlesText === null || candlesText === undefined) return stored;
    return { ...stored, state: joinCandles(stored.state, decodeMarketCandles(candlesText)) };
  }

  // ── Mirroring ──────────────────────────────────────────────────────────────────────────────────

  private onSaved(payload: Buffer): void {
    let candles = true;
    try {
      candles = (JSON.parse(payload.toString()) as Partial<SavedNotice>).candles === true;
    } catch {
      // Unreadable: restore everything.
    }
    this.requestMirror(candles);
  }

  /** Restores the saved state soon: at once, or `mirrorEveryMs` after the last restore. */
  private requestMirror(withCandles: boolean): void {
    if (withCandles) this.mirrorCandles = true;
    if (this.closed || this.lease.held) return;
    if (this.mirroring) {
      this.mirrorAgain = true;
      return;
    }
    if (this.mirrorTimer !== undefined) return;
    const wait = Math.max(0, this.lastMirrorAt + this.mirrorEveryMs - Date.now());
    this.mirrorTimer = setTimeout(() => {
      this.mirrorTimer = undefined;
      void this.mirror();
    }, wait);
    this.mirrorTimer.unref();
  }

  private async mirror(): Promise<void> {
    if (this.closed || this.lease.held) return;
    this.mirroring = true;
    this.lastMirrorAt = Date.now();
    const withCandles = this.mirrorCandles;
    this.mirrorCandles = false;
    try {
      const stored = await this.load(withCandles);
      // Taken the lease meanwhile: the owner's own load (made after taking it) wins.
      if (stored === undefined || this.closed || this.lease.held) return;
      this.market.restore(stored.state);
    } catch (error) {
      if (withCandles) this.mirrorCandles = true;
      this.logger.warn({ err: error }, 'could not mirror the market state');
    } finally {
      this.mirroring = false;
      if (this.mirrorAgain) {
        this.mirrorAgain = false;
        this.requestMirror(false);
      }
    }
  }
}

export function encodeStoredState(stored: StoredState): string {
  return JSON.stringify(stored);
}

export function decodeStoredState(text: string): StoredState {
  const value = JSON.parse(text) as Partial<StoredState>;
  const inbox = value.inbox;
  if (typeof inbox !== 'string' || !isStreamId(inbox)) {
    throw new RangeError('the saved market state names no inbox entry');
  }
  return { inbox, savedAt: Number(value.savedAt), state: checkMarketState(value.state) };
}
