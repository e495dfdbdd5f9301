/**
 * The whole market as one JSON document: the exchange (every resting order with its owner, the
 * order and trade sequences), the portfolios, the market data (statistics, candles, the tape) and
 * the simulation's memory. In a cluster the owner of the market saves it to Redis so that another
 * node can take over where it stopped, and followers restore it to answer snapshots.
 *
 * Each part is written and read by its own class (`toState`, `restore`); this module names the
 * whole and reads it back from text. `v` changes with any change a reader of an older document
 * could get wrong, and a reader refuses versions it does not know rather than guess.
 */
import type { CandleInterval } from '@stomping-ground/contracts';
import type { CandleRow } from './candles';
import type { ExchangeState } from './exchange';
import type { MarketDataState } from './market-data';
import type { AccountState } from './portfolio';
import type { SimulationState } from './simulation';

export const MARKET_STATE_VERSION = 1;

export interface MarketState {
  readonly v: typeof MARKET_STATE_VERSION;
  readonly exchange: ExchangeState;
  /** Every account opened so far (logins that never traded have none). */
  readonly portfolios: readonly AccountState[];
  readonly data: MarketDataState;
  /** Null when the simulation is off. */
  readonly simulation: SimulationState | null;
}

/** Every symbol's candles, by interval, oldest first: kept apart from the rest (see `splitCandles`). */
export interface MarketCandles {
  readonly v: typeof MARKET_STATE_VERSION;
  readonly symbols: Readonly<Record<string, Readonly<Record<CandleInterval, readonly CandleRow[]>>>>;
}

/** A document that is not a market state this version can read. */
export class MarketStateError extends Error {
  override readonly name = 'MarketStateError';
}

export function encodeMarketState(state: MarketState): string {
  return JSON.stringify(state);
}

/**
 * Reads a document `encodeMarketState` wrote. Checks the version and the outline; the details are
 * checked as each part is restored (an order off the tick grid, an unknown symbol, …).
 */
export function decodeMarketState(text: string | Buffer): MarketState {
  let value: unknown;
  try {
    value = JSON.parse(text.toString());
  } catch {
    throw new MarketStateError('the market state is not JSON');
  }
  return checkMarketState(value);
}

/** `value` as a market state, when its version and outline are those of one (see `decodeMarketState`). */
export function checkMarketState(value: unknown): MarketState {
  if (!isRecord(value)) throw new MarketStateError('the market state is not an object');
  if (value.v !== MARKET_STATE_VERSION) {
    throw new MarketStateError(
      `market state version ${JSON.stringify(value.v)}; this server reads version 1`,
    );
  }
  const { exchange, portfolios, data, simulation } = value;
  const outline =
    isRecord(exchange) &&
    Array.isArray(exchange.open) &&
    Array.isArray(portfolios) &&
    isRecord(data) &&
    Array.isArray(data.symbols) &&
    Array.isArray(data.tape) &&
    (simulation === null || (isRecord(simulation) && Array.isArray(simulation.symbols)));
  if (!outline) throw new MarketStateError('the market state lacks a part or has one of the wrong kind');
  return value as unknown as MarketState;
}

/**
 * The state without its candles, and the candles apart. Candles are most of the state (some 400 kB
 * of JSON after a few hours, against tens for the books, portfolios and simulation) and only
 * charts read them, so a cluster saves the rest after every request and the candles less often.
 */
export function splitCandles(state: MarketState): { state: MarketState; candles: MarketCandles } {
  const symbols: Record<string, Readonly<Record<CandleInterval, readonly CandleRow[]>>> = {};
  const withoutCandles = state.data.symbols.map(({ candles, ...stats }) => {
    if (candles !== undefined) symbols[stats.symbol] = candles;
    return stats;
  });
  return {
    state: { ...state, data: { ...state.data, symbols: withoutCandles } },
    candles: { v: MARKET_STATE_VERSION, symbols },
  };
}

/** The state with the candles `splitCandles` took out put back (symbols without any keep theirs). */
export function joinCandles(state: MarketState, candles: MarketCandles): MarketState {
  const symbols = state.data.symbols.map((stats) => {
    const saved = candles.symbols[stats.symbol];
    return saved === undefined ? stats : { ...stats, candles: saved };
  });
  return { ...state, data: { ...state.data, symbols } };
}

export function decodeMarketCandles(text: string | Buffer): MarketCandles {
  let value: unknown;
  try {
    value = JSON.parse(text.toString());
  } catch {
    throw new MarketStateError('the market candles are not JSON');
  }
  if (!isRecord(value) || value.v !== MARKET_STATE_VERSION || !isRecord(value.symbols)) {
    throw new MarketStateError('not market candles of version 1');
  }
  return value as unknown as MarketCandles;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
