import type { Candle, Quote, Trade } from '@stomping-ground/contracts';
import { describe, expect, it } from 'vitest';
import {
  addTrades,
  applyQuote,
  candlesFromHistory,
  mergeCandle,
  quoteChanges,
  referencePrice,
} from '../src/market-state';

const quote = (last: number, overrides: Partial<Quote> = {}): Quote => ({
  symbol: 'ACME',
  bid: last - 5,
  ask: last + 5,
  last,
  change: 0,
  volume: 0,
  time: 0,
  ...overrides,
});

const candle = (time: number, close: number): Candle => ({
  symbol: 'ACME',
  interval: '1s',
  time,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1,
});

const trade = (id: number): Trade => ({
  id,
  symbol: 'ACME',
  price: 100,
  quantity: 1,
  aggressor: 'buy',
  time: id,
});

describe('quotes', () => {
  it('remembers which way the last price moved, while it stays put', () => {
    let view = applyQuote(undefined, quote(100));
    expect(view.tick).toBe('flat');
    view = applyQuote(view, quote(105));
    expect(view.tick).toBe('up');
    view = applyQuote(view, quote(105, { bid: 99 }));
    expect(view.tick).toBe('up');
    view = applyQuote(view, quote(95));
    expect(view.tick).toBe('down');
    expect(view.history).toEqual([100, 105, 95]);
  });

  it('keeps a bounded price history for the sparkline', () => {
    let view = applyQuote(undefined, quote(0));
    for (let i = 1; i <= 10; i++) view = applyQuote(view, quote(i), 4);
    expect(view.history).toEqual([7, 8, 9, 10]);
  });

  it('says which cells changed and which way', () => {
    expect(quoteChanges(quote(100), quote(100, { bid: 90, ask: 110 }))).toEqual({ bid: 'down', ask: 'up' });
    expect(quoteChanges(undefined, quote(100))).toEqual({});
  });

  it('takes the mid as the reference price, or whatever side there is', () => {
    expect(referencePrice(quote(100, { bid: 99, ask: 102 }))).toBe(101);
    expect(referencePrice(quote(100, { bid: 0, ask: 0 }))).toBe(100);
    expect(referencePrice(quote(0, { bid: 0, ask: 120 }))).toBe(120);
  });
});

describe('candles', () => {
  it('orders a history by time, one candle per time', () => {
    const history = {
      symbol: 'ACME',
      interval: '1s' as const,
      candles: [candle(3, 1), candle(1, 1), candle(3, 2)],
    };
    expect(candlesFromHistory(history).map((c) => [c.time, c.close])).toEqual([
      [1, 1],
      [3, 2],
    ]);
  });

  it('replaces the open candle, appends a new one, and keeps the length bounded', () => {
    let candles = [candle(1, 10), candle(2, 20)];
    candles = mergeCandle(candles, candle(2, 25));
    expect(candles.map((c) => c.close)).toEqual([10, 25]);
    candles = mergeCandle(candles, candle(3, 30), 2);
    expect(candles.map((c) => c.time)).toEqual([2, 3]);
  });

  it('updates an older candle in place, and ignores one it no longer has', () => {
    const candles = [candle(1, 10), candle(2, 20), candle(3, 30)];
    expect(mergeCandle(candles, candle(2, 22)).map((c) => c.close)).toEqual([10, 22, 30]);
    expect(mergeCandle(candles, candle(0, 5))).toEqual(candles);
  });
});

describe('the tape', () => {
  it('shows each trade once, newest first, bounded', () => {
    const tape = addTrades([trade(1), trade(2)], [trade(2), trade(3)]);
    expect(tape.map((t) => t.id)).toEqual([3, 2, 1]);
    expect(addTrades(tape, [trade(4)], 2).map((t) => t.id)).toEqual([4, 3]);
  });
});
