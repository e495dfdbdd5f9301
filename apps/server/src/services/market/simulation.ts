/**
 * A simulated market, so the ticker has something to show: every symbol has a hidden fair value
 * that follows a random walk; simulated market makers quote a ladder of bids and asks around it,
 * and simulated traders hit those quotes with market orders or join the book with limit orders
 * that expire. Activity comes in bursts, market-wide or on one symbol (news), with wider spreads
 * and bigger moves while they last.
 *
 * It trades through the same exchange as users, so a user's resting order can be filled by a
 * simulated trader, and a user's market order finds the market makers' quotes.
 *
 * Deterministic: time comes in through `step(now)` and chance from a `SeededRandom`, so the same
 * seed and the same steps give the same orders and trades.
 */
import type { Candle, CandleInterval, Cents, Side } from '@stomping-ground/contracts';
import { candleStart } from './candles';
import type { ExecutionReport, NewOrder, Owner } from './exchange';
import { floorToTick, type InstrumentSpec, roundToTick } from './instruments';
import type { SeededRandom } from './random';

/** Where the simulation trades: the exchange, or the service wrapping it. */
export interface SimulationVenue {
  submit(order: NewOrder): ExecutionReport;
  cancel(orderId: string, owner: Owner): ExecutionReport | undefined;
}

export interface SimulationOptions {
  readonly instruments: readonly InstrumentSpec[];
  readonly random: SeededRandom;
  /** Average simulated events per second over all symbols outside bursts; each refreshes a symbol's quotes. */
  readonly updatesPerSecond: number;
}

const MARKET_MAKER: Owner = { kind: 'simulated', name: 'market-maker' };
const TRADER: Owner = { kind: 'simulated', name: 'trader' };

/** Price levels the market maker quotes on each side. */
const LADDER_LEVELS = 5;
/** How far the fair value is pulled back toward the reference price: a half-life of two hours. */
const REVERSION_PER_SECOND = Math.LN2 / 7200;
/** Chance per event that a trader takes liquidity (outside and inside a burst). */
const TAKE_CHANCE = { calm: 0.4, burst: 0.7 } as const;
/** Chance per event that a trader joins the book with a limit order. */
const JOIN_CHANCE = 0.25;
/** How long a trader's limit order rests before it is cancelled, in milliseconds. */
const JOIN_LIFETIME_MS = { min: 2_000, max: 15_000 } as const;
/** Limit orders the traders keep resting per symbol, at most. */
const MAX_JOINED_PER_SYMBOL = 8;
/** Mean time between bursts, in seconds: market-wide, and on some one symbol. */
const MARKET_BURST_EVERY_S = 40;
const SYMBOL_BURST_EVERY_S = 6;

/**
 * What the simulation remembers between steps, as plain data (see `state.ts`): hidden fair values,
 * bursts, which resting orders are the market maker's and the traders', and the random generator's
 * position. Restored, the simulation goes on where it was: the market maker requotes over its own
 * orders rather than leaving them behind on the books.
 */
export interface SimulationState {
  /** The random generator's position. */
  readonly random: number;
  /** When the last step ran; null before `open`. */
  readonly lastStep: number | null;
  readonly marketBurst: Burst | null;
  readonly symbols: readonly SymbolSimulationState[];
}

export interface SymbolSimulationState {
  readonly symbol: string;
  readonly logFair: number;
  readonly burst: Burst | null;
  readonly quotes: readonly string[];
  readonly joined: ReadonlyArray<{ readonly id: string; readonly expiresAt: number }>;
}

interface Burst {
  readonly until: number;
  /** Multiplies the rate of events. */
  readonly intensity: number;
}

interface SymbolState {
  readonly spec: InstrumentSpec;
  /** Natural logarithm of the fair value, in cents. */
  logFair: number;
  readonly logReference: number;
  burst: Burst | undefined;
  /** The market maker's resting order ids. */
  quotes: string[];
  /** The traders' resting limit orders and when each expires. */
  joined: Array<{ readonly id: string; readonly expiresAt: number }>;
}

export class Simulation {
  private readonly venue: SimulationVenue;
  private readonly random: SeededRandom;
  private readonly updatesPerSecond: number;
  private readonly symbols: SymbolState[];
  /** The symbols' activity added up: the weight of a market without bursts. */
  private readonly calmWeight: number;
  private marketBurst: Burst | undefined;
  private lastStep: number | undefined;

  constructor(venue: SimulationVenue, options: SimulationOptions) {
    if (!(options.updatesPerSecond >= 0)) throw new RangeError('updatesPerSecond must be 0 or more');
    this.venue = venue;
    this.random = options.random;
    this.updatesPerSecond = options.updatesPerSecond;
    this.symbols = options.instruments.map((spec) => ({
      spec,
      logFair: Math.log(spec.referencePrice),
      logReference: Math.log(spec.referencePrice),
      burst: undefined,
      quotes: [],
      joined: [],
    }));
    this.calmWeight = sum(this.symbols.map((state) => state.spec.activity));
  }

  /** The hidden fair value of `symbol`, in (fractional) cents. */
  fairValue(symbol: string): number | undefined {
    const state = this.symbols.find((s) => s.spec.symbol === symbol);
    return state === undefined ? undefined : Math.exp(state.logFair);
  }

  toState(): SimulationState {
    return {
      random: this.random.toState(),
      lastStep: this.lastStep ?? null,
      marketBurst: this.marketBurst ?? null,
      symbols: this.symbols.map((state) => ({
        symbol: state.spec.symbol,
        logFair: state.logFair,
        burst: state.burst ?? null,
        quotes: [...state.quotes],
        joined: [...state.joined],
      })),
    };
  }

  /** Goes on from `state`; symbols it does not list keep what they had. */
  restore(state: SimulationState): void {
    for (const saved of state.symbols) {
      const current = this.symbols.find((s) => s.spec.symbol === saved.symbol);
      if (current === undefined) throw new RangeError(`no instrument ${saved.symbol}`);
      current.logFair = saved.logFair;
      current.burst = saved.burst ?? undefined;
      current.quotes = [...saved.quotes];
      current.joined = [...saved.joined];
    }
    this.random.restore(state.random);
    this.lastStep = state.lastStep ?? undefined;
    this.marketBurst = state.marketBurst ?? undefined;
  }

  /** Puts the market makers' first quotes on every book. */
  open(now: number): void {
    this.lastStep = now;
    for (const state of this.symbols) this.requote(state);
  }

  /** Advances to `now` (milliseconds): moves fair values, starts and ends bursts, and runs the events due. */
  step(now: number): void {
    if (this.lastStep === undefined) {
      this.open(now);
      return;
    }
    const elapsedMs = Math.max(0, now - this.lastStep);
    this.lastStep = now;
    if (elapsedMs === 0) return;
    this.updateBursts(now, elapsedMs);
    for (const state of this.symbols) {
      this.walk(state, elapsedMs);
      this.expireJoined(state, now);
    }

    // A symbol in a burst draws more events, on top of the others' usual share.
    const weights = this.symbols.map((state) => state.spec.activity * intensity(state.burst, now));
    const boost = sum(weights) / this.calmWeight;
    const rate = this.updatesPerSecond * intensity(this.marketBurst, now) * boost;
    const expected = (rate * elapsedMs) / 1000;
    // Stochastic rounding: 2.3 expected events are 2 or 3, 3 with probability 0.3.
    let events = Math.floor(expected) + (this.random.chance(expected % 1) ? 1 : 0);
    while (events-- > 0) this.event(this.symbols[this.random.weighted(weights)]!, now);
  }

  /**
   * Synthetic history for charts, ending at the reference price so that it runs into the live
   * prices: one-second candles for the last `seconds`, and one-minute candles for the last
   * `minutes` (the current minute included, as far as it has gone), both from one price path.
   */
  history(
    symbol: string,
    now: number,
    span: { seconds: number; minutes: number },
  ): Record<CandleInterval, Candle[]> {
    const state = this.symbols.find((s) => s.spec.symbol === symbol);
    const out: Record<CandleInterval, Candle[]> = { '1s': [], '1m': [] };
    if (state === undefined) return out;
    const { tickSize: tick, lotSize, referencePrice, volatilityPerMinute } = state.spec;
    const sigma = volatilityPerMinute / Math.sqrt(60);
    const end = candleStart(now, '1s');
    const start = Math.min(end - span.seconds, candleStart(now, '1m') - (span.minutes - 1) * 60);
    const length = end - start;
    // Walk backwards from the reference price: path[i] is the price at second start + i.
    const path = new Float64Array(length + 1);
    path[length] = referencePrice;
    for (let i = length - 1; i >= 0; i--) path[i] = path[i + 1]! * Math.exp(sigma * this.random.gaussian());

    const onTick = (price: number) => Math.max(tick, roundToTick(price, tick));
    // The minute being added up: its start (-1: none yet) and running values.
    let minute = -1;
    let mOpen = 0;
    let mHigh = 0;
    let mLow = 0;
    let mClose = 0;
    let mVolume = 0;
    const closeMinute = () => {
      if (minute < 0) return;
      out['1m'].push({
        symbol,
        interval: '1m',
        time: minute,
        open: mOpen,
        high: mHigh,
        low: mLow,
        close: mClose,
        volume: mVolume,
      });
    };
    for (let i = 0; i < length; i++) {
      const time = start + i;
      const open = onTick(path[i]!);
      const close = onTick(path[i + 1]!);
      const wick = sigma * path[i]!;
      const high = onTick(Math.max(open, close) + this.random.next() * wick);
      const low = onTick(Math.min(open, close) - this.random.next() * wick);
      const volume = lotSize * this.random.int(1, 6);
      if (time >= end - span.seconds) {
        out['1s'].push({ symbol, interval: '1s', time, open, high, low, close, volume });
      }
      if (time - (time % 60) !== minute) {
        closeMinute();
        minute = time - (time % 60);
        mOpen = open;
        mHigh = high;
        mLow = low;
        mVolume = 0;
      }
      mHigh = Math.max(mHigh, high);
      mLow = Math.min(mLow, low);
      mClose = close;
      mVolume += volume;
    }
    closeMinute();
    out['1m'] = out['1m'].slice(-span.minutes);
    return out;
  }

  private updateBursts(now: number, elapsedMs: number): void {
    const seconds = elapsedMs / 1000;
    if (this.marketBurst !== undefined && this.marketBurst.until <= now) this.marketBurst = undefined;
    if (this.marketBurst === undefined && this.random.chance(seconds / MARKET_BURST_EVERY_S)) {
      this.marketBurst = {
        until: now + this.random.between(1_000, 3_000),
        intensity: this.random.between(3, 5),
      };
    }
    for (const state of this.symbols) {
      if (state.burst !== undefined && state.burst.until <= now) state.burst = undefined;
    }
    if (this.random.chance(seconds / SYMBOL_BURST_EVERY_S)) {
      const state = this.symbols[this.random.int(0, this.symbols.length - 1)]!;
      state.burst = { until: now + this.random.between(1_000, 4_000), intensity: this.random.between(4, 10) };
    }
  }

  /** Moves the fair value: a random walk in log price with a weak pull back to the reference. */
  private walk(state: SymbolState, elapsedMs: number): void {
    const seconds = elapsedMs / 1000;
    const excited = state.burst !== undefined || this.marketBurst !== undefined;
    const sigma = state.spec.volatilityPerMinute * Math.sqrt(seconds / 60) * (excited ? 2.5 : 1);
    const pull = REVERSION_PER_SECOND * seconds * (state.logFair - state.logReference);
    state.logFair += sigma * this.random.gaussian() - pull;
  }

  /** One event on a symbol: the market maker requotes, and a trader may take liquidity or join the book. */
  private event(state: SymbolState, now: number): void {
    this.requote(state);
    const excited = state.burst !== undefined || this.marketBurst !== undefined;
    if (this.random.chance(excited ? TAKE_CHANCE.burst : TAKE_CHANCE.calm)) this.take(state);
    else if (this.random.chance(JOIN_CHANCE)) this.join(state, now);
  }

  /** Replaces the market maker's ladder around the fair value. */
  private requote(state: SymbolState): void {
    for (const id of state.quotes) this.venue.cancel(id, MARKET_MAKER);
    state.quotes = [];
    const { tickSize: tick, lotSize } = state.spec;
    const excited = state.burst !== undefined || this.marketBurst !== undefined;
    const spread = state.spec.spreadTicks * (excited ? 2 : 1) * tick;
    const fair = Math.exp(state.logFair);
    const bestBid = Math.max(tick, floorToTick(fair - spread / 2, tick));
    const bestAsk = bestBid + spread;
    for (let level = 0; level < LADDER_LEVELS; level++) {
      const quantity = () => lotSize * this.random.int(1, 4) * (level + 1);
      this.quote(state, 'sell', bestAsk + level * tick, quantity());
      const bid = bestBid - level * tick;
      if (bid > 0) this.quote(state, 'buy', bid, quantity());
    }
  }

  private quote(state: SymbolState, side: Side, price: Cents, quantity: number): void {
    const report = this.venue.submit(order(MARKET_MAKER, state.spec.symbol, side, 'limit', quantity, price));
    if (isResting(report)) state.quotes.push(report.order!.orderId);
  }

  /** A trader sends a market order, more often in the direction the fair value has moved. */
  private take(state: SymbolState): void {
    const { symbol, lotSize } = state.spec;
    const fair = Math.exp(state.logFair);
    const tilt = Math.max(-0.3, Math.min(0.3, Math.log(fair / state.spec.referencePrice) * 20));
    const side: Side = this.random.chance(0.5 + tilt * 0.5) ? 'buy' : 'sell';
    // Mostly small; now and then a large one that walks several levels.
    const lots = this.random.chance(0.05) ? this.random.int(8, 20) : this.random.int(1, 3);
    const quantity = Math.max(1, Math.round(lots * lotSize * this.random.between(0.5, 1.5)));
    this.venue.submit(order(TRADER, symbol, side, 'market', quantity));
  }

  /** A trader joins the book inside or near the spread with a limit order that will expire. */
  private join(state: SymbolState, now: number): void {
    if (state.joined.length >= MAX_JOINED_PER_SYMBOL) return;
    const { symbol, tickSize: tick, lotSize } = state.spec;
    const side: Side = this.random.chance(0.5) ? 'buy' : 'sell';
    const fair = Math.exp(state.logFair);
    const offset = this.random.int(0, state.spec.spreadTicks + 2) * tick;
    const price = Math.max(tick, roundToTick(side === 'buy' ? fair - offset : fair + offset, tick));
    const quantity = lotSize * this.random.int(1, 3);
    const report = this.venue.submit(order(TRADER, symbol, side, 'limit', quantity, price));
    if (isResting(report)) {
      const lifetime = this.random.between(JOIN_LIFETIME_MS.min, JOIN_LIFETIME_MS.max);
      state.joined.push({ id: report.order!.orderId, expiresAt: now + lifetime });
    }
  }

  private expireJoined(state: SymbolState, now: number): void {
    if (state.joined.length === 0) return;
    const keep: SymbolState['joined'] = [];
    for (const joined of state.joined) {
      if (joined.expiresAt > now) keep.push(joined);
      else this.venue.cancel(joined.id, TRADER);
    }
    state.joined = keep;
  }
}

function order(
  owner: Owner,
  symbol: string,
  side: Side,
  type: 'limit' | 'market',
  quantity: number,
  price?: Cents,
): NewOrder {
  return {
    owner,
    clientOrderId: '',
    symbol,
    side,
    type,
    quantity,
    ...(price === undefined ? {} : { price }),
  };
}

function isResting(report: ExecutionReport): boolean {
  const status = report.order?.status;
  return status === 'open' || status === 'partially-filled';
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function intensity(burst: Burst | undefined, now: number): number {
  return burst !== undefined && burst.until > now ? burst.intensity : 1;
}
