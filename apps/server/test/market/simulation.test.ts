import type { Trade } from '@stomping-ground/contracts';
import { describe, expect, it } from 'vitest';
import { Exchange, type ExecutionReport } from '../../src/services/market/exchange';
import { INSTRUMENTS, isOnTick } from '../../src/services/market/instruments';
import { SeededRandom } from '../../src/services/market/random';
import { Simulation } from '../../src/services/market/simulation';

const T0 = 1_700_000_000_000;
const STEP_MS = 50;

interface Run {
  readonly exchange: Exchange;
  readonly simulation: Simulation;
  readonly trades: Trade[];
  /** Submits and cancels the simulation made. */
  readonly actions: { submits: number; cancels: number };
  /** Steps the simulation on a fake clock for `seconds`. */
  advance(seconds: number): void;
}

function run(seed: number, updatesPerSecond = 100): Run {
  let now = T0;
  const exchange = new Exchange(INSTRUMENTS, { maxOpenOrdersPerLogin: 50, now: () => now });
  const trades: Trade[] = [];
  const actions = { submits: 0, cancels: 0 };
  const record = (report: ExecutionReport | undefined) => {
    for (const { trade } of report?.trades ?? []) trades.push(trade);
    return report;
  };
  const simulation = new Simulation(
    {
      submit: (order) => {
        actions.submits++;
        return record(exchange.submit(order))!;
      },
      cancel: (orderId, owner) => {
        actions.cancels++;
        return record(exchange.cancel(orderId, owner));
      },
    },
    { instruments: INSTRUMENTS, random: new SeededRandom(seed), updatesPerSecond },
  );
  simulation.open(now);
  return {
    exchange,
    simulation,
    trades,
    actions,
    advance(seconds) {
      const end = now + seconds * 1000;
      while (now < end) {
        now += STEP_MS;
        simulation.step(now);
      }
    },
  };
}

describe('the market simulation', () => {
  it('replays exactly from the same seed and the same steps', () => {
    const first = run(42);
    const second = run(42);
    first.advance(10);
    second.advance(10);
    expect(first.trades.length).toBeGreaterThan(0);
    expect(second.trades).toEqual(first.trades);
    for (const { symbol } of INSTRUMENTS) {
      expect(second.exchange.depth(symbol, 10)).toEqual(first.exchange.depth(symbol, 10));
      expect(second.simulation.fairValue(symbol)).toBe(first.simulation.fairValue(symbol));
    }
  });

  it('takes a different course from another seed', () => {
    const first = run(1);
    const second = run(2);
    first.advance(5);
    second.advance(5);
    expect(second.trades).not.toEqual(first.trades);
  });

  it('opens with a two-sided book on every symbol, bid below ask, on the tick grid', () => {
    const { exchange } = run(3);
    for (const { symbol, tickSize, referencePrice } of INSTRUMENTS) {
      const bid = exchange.bestBid(symbol)!;
      const ask = exchange.bestAsk(symbol)!;
      expect(bid).toBeLessThan(ask);
      expect(isOnTick(bid, tickSize) && isOnTick(ask, tickSize)).toBe(true);
      // Around the reference price: within a few ticks of it.
      expect(Math.abs((bid + ask) / 2 - referencePrice)).toBeLessThanOrEqual(3 * tickSize);
    }
  });

  it('keeps every book two-sided and uncrossed while it trades', () => {
    const market = run(4);
    for (let second = 0; second < 20; second++) {
      market.advance(1);
      for (const { symbol, tickSize } of INSTRUMENTS) {
        const bid = market.exchange.bestBid(symbol);
        const ask = market.exchange.bestAsk(symbol);
        expect(bid, symbol).toBeDefined();
        expect(ask, symbol).toBeDefined();
        expect(bid!, symbol).toBeLessThan(ask!);
        expect(isOnTick(bid!, tickSize), symbol).toBe(true);
      }
    }
    const prices = market.trades.map((trade) => trade.price);
    expect(prices.every((price) => price > 0)).toBe(true);
  });

  it('runs about as many events as asked for, more during bursts', () => {
    const market = run(5, 100);
    market.advance(30);
    // Each event is one market-maker requote of ten orders, perhaps a trader's order too.
    const events = market.actions.submits / 10;
    expect(events).toBeGreaterThan(100 * 30 * 0.9);
    expect(events).toBeLessThan(100 * 30 * 3);
    // And a tape worth watching: several trades a second.
    expect(market.trades.length / 30).toBeGreaterThan(20);
  });

  it('does nothing but open at a rate of 0', () => {
    const market = run(6, 0);
    const opened = market.actions.submits;
    market.advance(5);
    expect(market.actions.submits).toBe(opened);
    expect(market.trades).toEqual([]);
  });

  it('makes up a candle history that ends at the reference price and adds up across intervals', () => {
    const { simulation } = run(7);
    const now = T0 + 30_500;
    const history = simulation.history('STRK', now, { seconds: 300, minutes: 60 });
    const strk = INSTRUMENTS.find((instrument) => instrument.symbol === 'STRK')!;
    const seconds = history['1s'];
    expect(seconds).toHaveLength(300);
    expect(seconds.at(-1)!.time).toBe(Math.floor(now / 1000) - 1);
    expect(seconds.at(-1)!.close).toBe(strk.referencePrice);
    expect(history['1m']).toHaveLength(60);
    // The current minute, as far as it has gone, is the last one-minute candle.
    expect(history['1m'].at(-1)!.time).toBe(Math.floor(now / 60_000) * 60);
    for (const candle of [...seconds, ...history['1m']]) {
      expect(candle.low).toBeLessThanOrEqual(Math.min(candle.open, candle.close));
      expect(candle.high).toBeGreaterThanOrEqual(Math.max(candle.open, candle.close));
      for (const price of [candle.open, candle.high, candle.low, candle.close]) {
        expect(isOnTick(price, strk.tickSize)).toBe(true);
      }
    }
    // A one-minute candle adds up the one-second candles of its minute.
    const minute = history['1m'].at(-2)!;
    const inMinute = seconds.filter((candle) => candle.time >= minute.time && candle.time < minute.time + 60);
    expect(inMinute).toHaveLength(60);
    expect(minute).toMatchObject({
      open: inMinute[0]!.open,
      close: inMinute.at(-1)!.close,
      high: Math.max(...inMinute.map((candle) => candle.high)),
      low: Math.min(...inMinute.map((candle) => candle.low)),
      volume: inMinute.reduce((sum, candle) => sum + candle.volume, 0),
    });
  });
});

describe('the instruments', () => {
  it('are about twenty, with unique symbols fit for a destination and reference prices on their grid', () => {
    expect(INSTRUMENTS.length).toBeGreaterThanOrEqual(18);
    expect(new Set(INSTRUMENTS.map((instrument) => instrument.symbol)).size).toBe(INSTRUMENTS.length);
    for (const { symbol, tickSize, referencePrice, spreadTicks } of INSTRUMENTS) {
      expect(symbol).toMatch(/^[A-Z]+$/);
      expect(isOnTick(referencePrice, tickSize)).toBe(true);
      expect(spreadTicks).toBeGreaterThanOrEqual(1);
    }
  });
});
