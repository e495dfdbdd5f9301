/**
 * Pure state for the market panels: what a quote update, a candle or a trade does to what is on
 * screen. No DOM here, so each rule is a unit test.
 */
import type { Candle, CandleHistory, Cents, Quote, Trade } from '@stomping-ground/contracts';

/** Which way the last trade price moved. */
export type Tick = 'up' | 'down' | 'flat';

export interface QuoteView {
  readonly quote: Quote;
  /** The direction of the latest change of `last`; kept while `last` stays put. */
  readonly tick: Tick;
  /** Recent `last` prices, oldest first, for the sparkline. */
  readonly history: readonly Cents[];
}

export const SPARKLINE_POINTS = 60;

/** The view after `quote` arrives. */
export function applyQuote(
  previous: QuoteView | undefined,
  quote: Quote,
  points = SPARKLINE_POINTS,
): QuoteView {
  if (previous === undefined) return { quote, tick: 'flat', history: [quote.last] };
  const before = previous.quote.last;
  const tick: Tick = quote.last > before ? 'up' : quote.last < before ? 'down' : previous.tick;
  const history = quote.last === before ? previous.history : [...previous.history, quote.last].slice(-points);
  return { quote, tick, history };
}

/** Which cells changed between two quotes, and which way: what the board flashes. */
export function quoteChanges(
  before: Quote | undefined,
  after: Quote,
): Partial<Record<'bid' | 'ask' | 'last', Tick>> {
  if (before === undefined) return {};
  const changes: Partial<Record<'bid' | 'ask' | 'last', Tick>> = {};
  for (const key of ['bid', 'ask', 'last'] as const) {
    if (after[key] !== before[key]) changes[key] = after[key] > before[key] ? 'up' : 'down';
  }
  return changes;
}

export const MAX_CANDLES = 600;

/** A candle history as a chart wants it: ordered by time, one candle per time. */
export function candlesFromHistory(history: CandleHistory, max = MAX_CANDLES): Candle[] {
  const byTime = new Map<number, Candle>();
  for (const candle of history.candles) byTime.set(candle.time, candle);
  return [...byTime.values()].sort((a, b) => a.time - b.time).slice(-max);
}

/**
 * Folds a candle update in: the current candle is replaced while it is open, a newer one is
 * appended, and an update for an older candle replaces it where it is (or is dropped when too old).
 */
export function mergeCandle(candles: readonly Candle[], update: Candle, max = MAX_CANDLES): Candle[] {
  const last = candles.at(-1);
  if (last === undefined || update.time > last.time) return [...candles, update].slice(-max);
  if (update.time === last.time) return [...candles.slice(0, -1), update];
  const index = candles.findIndex((candle) => candle.time === update.time);
  if (index === -1) return [...candles];
  const merged = [...candles];
  merged[index] = update;
  return merged;
}

export const TAPE_LENGTH = 40;

/** Newest first, each trade once (a snapshot after a reconnect repeats trades already shown). */
export function addTrades(tape: readonly Trade[], trades: readonly Trade[], length = TAPE_LENGTH): Trade[] {
  const byId = new Map<number, Trade>();
  for (const trade of [...tape, ...trades]) byId.set(trade.id, trade);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, length);
}

/** The mid price, or whichever side exists, or the last trade. */
export function referencePrice(quote: Quote): Cents {
  if (quote.bid > 0 && quote.ask > 0) return Math.round((quote.bid + quote.ask) / 2);
  return quote.last || quote.bid || quote.ask;
}
