import { describe, expect, it } from 'vitest';
import {
  isBookDepth,
  isCandleHistory,
  isInstrumentList,
  isOrderEvent,
  isPortfolio,
  isQuote,
  isTrade,
  isTradeTape,
  parseJson,
} from '../src/payloads';

describe('message bodies', () => {
  it('parses JSON, and gives undefined for anything else', () => {
    expect(parseJson('{"a":1}')).toEqual({ a: 1 });
    expect(parseJson('')).toBeUndefined();
    expect(parseJson('{')).toBeUndefined();
  });

  it('tells a quote from what is not one', () => {
    const quote = { symbol: 'ACME', bid: 1, ask: 2, last: 1, change: 0, volume: 0, time: 0 };
    expect(isQuote(quote)).toBe(true);
    expect(isQuote({ ...quote, bid: '1' })).toBe(false);
    expect(isQuote(null)).toBe(false);
  });

  it('tells a candle history (the snapshot) from a candle (an update)', () => {
    const candle = { symbol: 'A', interval: '1s', time: 1, open: 1, high: 1, low: 1, close: 1, volume: 1 };
    expect(isCandleHistory({ symbol: 'A', interval: '1s', candles: [candle] })).toBe(true);
    expect(isCandleHistory(candle)).toBe(false);
  });

  it('tells the tape snapshot from a single trade', () => {
    const trade = { id: 1, symbol: 'A', price: 1, quantity: 1, aggressor: 'buy', time: 1 };
    expect(isTradeTape({ trades: [trade] })).toBe(true);
    expect(isTrade(trade)).toBe(true);
    expect(isTradeTape(trade)).toBe(false);
  });

  it('checks instruments, book depth and portfolios', () => {
    expect(isInstrumentList([{ symbol: 'A', name: 'A Inc', tickSize: 1 }])).toBe(true);
    expect(isInstrumentList([{ symbol: 'A' }])).toBe(false);
    expect(
      isBookDepth({ symbol: 'A', bids: [{ price: 1, quantity: 1, orders: 1 }], asks: [], time: 0 }),
    ).toBe(true);
    expect(isBookDepth({ symbol: 'A', bids: [{ price: 1 }], asks: [] })).toBe(false);
    expect(
      isPortfolio({ login: 'x', cash: 1, positions: [], realizedPnl: 0, unrealizedPnl: 0, time: 0 }),
    ).toBe(true);
  });

  it('checks each kind of order event', () => {
    const order = {
      orderId: 'o',
      clientOrderId: 'c',
      symbol: 'A',
      side: 'buy',
      type: 'limit',
      quantity: 1,
      filled: 0,
      status: 'open',
      time: 0,
    };
    expect(isOrderEvent({ type: 'accepted', order })).toBe(true);
    expect(isOrderEvent({ type: 'fill', order, price: 1, quantity: 1, tradeId: 1 })).toBe(true);
    expect(isOrderEvent({ type: 'rejected', clientOrderId: 'c', reason: 'bad-price', message: '' })).toBe(
      true,
    );
    expect(isOrderEvent({ type: 'open-orders', orders: [order] })).toBe(true);
    expect(isOrderEvent({ type: 'accepted' })).toBe(false);
    expect(isOrderEvent({ type: 'unknown' })).toBe(false);
  });
});
