/**
 * What the market trades: fictional companies, an index future, a metal and a penny stock, each with
 * the tick size a real venue would give it (one cent for most shares, more for high-priced or
 * futures-like contracts), and what the simulation needs to make its price move believably.
 */
import type { Cents, Instrument } from '@stomping-ground/contracts';

export interface InstrumentSpec extends Instrument {
  /** The previous close: where the simulated price starts, and what `Quote.change` is measured from. */
  readonly referencePrice: Cents;
  /** Typical bid-ask spread of the simulated market makers, in ticks (at least 1). */
  readonly spreadTicks: number;
  /** Standard deviation of the price's relative move over one minute (0.0015 is 0.15 %). */
  readonly volatilityPerMinute: number;
  /** How much of the simulated activity this symbol draws, relative to the others. */
  readonly activity: number;
  /** The usual order size of the simulated traders, in shares or contracts. */
  readonly lotSize: number;
}

/** Every symbol is letters only, so it fits a destination such as `/topic/market/quotes.ACME`. */
export const INSTRUMENTS: readonly InstrumentSpec[] = Object.freeze([
  stock('ACME', 'Acme Corporation', 4250, { activity: 3 }),
  stock('GLBX', 'Globex Industries', 11_820, { activity: 2 }),
  stock('INIT', 'Initech Software', 2375, { activity: 2, volatilityPerMinute: 0.002 }),
  stock('UMBR', 'Umbrella Biotech', 8710, { volatilityPerMinute: 0.0025 }),
  stock('STRK', 'Stark Dynamics', 61_200, { tickSize: 5, spreadTicks: 2, activity: 3, lotSize: 20 }),
  stock('WAYN', 'Wayne Enterprises', 45_535, { tickSize: 5, spreadTicks: 2, lotSize: 20 }),
  stock('CYBD', 'Cyberdyne Systems', 18_904, { activity: 2, volatilityPerMinute: 0.002 }),
  stock('TYRL', 'Tyrell Corporation', 30_415, { spreadTicks: 3, lotSize: 50 }),
  stock('SOYL', 'Soylent Foods', 1234, { spreadTicks: 1, volatilityPerMinute: 0.001, lotSize: 500 }),
  stock('OSCP', 'Oscorp', 5688),
  stock('MSDY', 'Massive Dynamic', 14_302, { spreadTicks: 2 }),
  stock('HOOL', 'Hooli', 27_650, { activity: 3, spreadTicks: 2, lotSize: 50 }),
  stock('PIPR', 'Pied Piper', 1875, { activity: 2, volatilityPerMinute: 0.003 }),
  stock('VAND', 'Vandelay Industries', 3320, { volatilityPerMinute: 0.001 }),
  stock('WONK', 'Wonka Confections', 7765, { volatilityPerMinute: 0.001 }),
  stock('BLTH', 'Bluth Company', 912, { spreadTicks: 1, volatilityPerMinute: 0.0025, lotSize: 500 }),
  stock('DMPC', 'Dunder Mifflin Paper', 2145, { volatilityPerMinute: 0.001, lotSize: 200 }),
  // Sub-dollar: one tick is more than 1 % of the price, so its quotes move in visible jumps.
  stock('PNNY', 'Penny Mining', 87, { spreadTicks: 1, volatilityPerMinute: 0.004, lotSize: 5000 }),
  // Contracts quoted like futures: a coarse grid, small sizes.
  stock('SGI', 'Stomping Ground 100 Index Future', 481_225, {
    tickSize: 25,
    spreadTicks: 1,
    activity: 3,
    volatilityPerMinute: 0.0008,
    lotSize: 2,
  }),
  stock('GOLD', 'Gold, one troy ounce', 234_560, {
    tickSize: 10,
    spreadTicks: 2,
    volatilityPerMinute: 0.0007,
    lotSize: 5,
  }),
]);

function stock(
  symbol: string,
  name: string,
  referencePrice: Cents,
  overrides: Partial<Omit<InstrumentSpec, 'symbol' | 'name' | 'referencePrice'>> = {},
): InstrumentSpec {
  return Object.freeze({
    symbol,
    name,
    tickSize: 1,
    referencePrice,
    spreadTicks: 2,
    volatilityPerMinute: 0.0015,
    activity: 1,
    lotSize: 100,
    ...overrides,
  });
}

/** The reference data clients see: `Instrument` without the simulation's parameters. */
export function publicInstrument(spec: InstrumentSpec): Instrument {
  return { symbol: spec.symbol, name: spec.name, tickSize: spec.tickSize };
}

/** Whether `price` lies on the instrument's grid. */
export function isOnTick(price: Cents, tickSize: Cents): boolean {
  return price % tickSize === 0;
}

/** `price` moved down (or up) to the nearest tick. */
export function floorToTick(price: number, tickSize: Cents): Cents {
  return Math.floor(price / tickSize) * tickSize;
}

export function roundToTick(price: number, tickSize: Cents): Cents {
  return Math.round(price / tickSize) * tickSize;
}
