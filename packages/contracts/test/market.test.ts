import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  BookDepthSchema,
  CancelRequestSchema,
  CandleHistorySchema,
  CandleSchema,
  InstrumentListSchema,
  MAX_CLIENT_ORDER_ID_LENGTH,
  OrderEventSchema,
  OrderRequestSchema,
  PortfolioSchema,
  parseJsonBody,
  QuoteSchema,
  TradeSchema,
  TradeTapeSchema,
} from '../src/index';

const fits = (schema: v.GenericSchema, value: unknown) => v.safeParse(schema, value).success;

describe('market data', () => {
  it('reads a JSON body, and gives undefined for one that is not JSON or not of the shape', () => {
    const quote = { symbol: 'ACME', bid: 1, ask: 2, last: 1, change: 0, volume: 0, time: 0 };
    expect(parseJsonBody(QuoteSchema, JSON.stringify(quote))).toEqual(quote);
    expect(parseJsonBody(QuoteSchema, '')).toBeUndefined();
    expect(parseJsonBody(QuoteSchema, '{')).toBeUndefined();
    expect(parseJsonBody(QuoteSchema, JSON.stringify({ ...quote, bid: '1' }))).toBeUndefined();
    expect(parseJsonBody(QuoteSchema, 'null')).toBeUndefined();
  });

  it('keeps only the contract’s fields', () => {
    const quote = { symbol: 'ACME', bid: 1, ask: 2, last: 1, change: 0, volume: 0, time: 0 };
    expect(v.parse(QuoteSchema, { ...quote, debug: true })).toEqual(quote);
  });

  it('tells a candle history (the snapshot) from a candle (an update)', () => {
    const candle = { symbol: 'A', interval: '1s', time: 1, open: 1, high: 1, low: 1, close: 1, volume: 1 };
    expect(fits(CandleHistorySchema, { symbol: 'A', interval: '1s', candles: [candle] })).toBe(true);
    expect(fits(CandleHistorySchema, candle)).toBe(false);
    expect(fits(CandleSchema, candle)).toBe(true);
    expect(fits(CandleSchema, { ...candle, interval: '5m' })).toBe(false);
  });

  it('tells the tape snapshot from a single trade', () => {
    const trade = { id: 1, symbol: 'A', price: 1, quantity: 1, aggressor: 'buy', time: 1 };
    expect(fits(TradeTapeSchema, { trades: [trade] })).toBe(true);
    expect(fits(TradeSchema, trade)).toBe(true);
    expect(fits(TradeTapeSchema, trade)).toBe(false);
    expect(fits(TradeSchema, { ...trade, aggressor: 'short' })).toBe(false);
  });

  it('checks instruments, book depth and portfolios', () => {
    expect(fits(InstrumentListSchema, [{ symbol: 'A', name: 'A Inc', tickSize: 1 }])).toBe(true);
    expect(fits(InstrumentListSchema, [{ symbol: 'A' }])).toBe(false);
    expect(
      fits(BookDepthSchema, { symbol: 'A', bids: [{ price: 1, quantity: 1, orders: 1 }], asks: [], time: 0 }),
    ).toBe(true);
    expect(fits(BookDepthSchema, { symbol: 'A', bids: [{ price: 1 }], asks: [], time: 0 })).toBe(false);
    const position = { symbol: 'A', quantity: -3, averagePrice: 100, realizedPnl: 0, unrealizedPnl: 5 };
    const portfolio = {
      login: 'x',
      cash: 1,
      positions: [position],
      realizedPnl: 0,
      unrealizedPnl: 0,
      time: 0,
    };
    expect(fits(PortfolioSchema, portfolio)).toBe(true);
    expect(fits(PortfolioSchema, { ...portfolio, positions: [{ symbol: 'A' }] })).toBe(false);
  });
});

describe('order events', () => {
  const order = {
    orderId: 'o',
    clientOrderId: 'c',
    symbol: 'A',
    side: 'buy',
    type: 'limit',
    quantity: 1,
    price: 100,
    filled: 0,
    status: 'open',
    time: 0,
  };

  it.each([
    ['accepted', { type: 'accepted', order }],
    ['a fill', { type: 'fill', order, price: 1, quantity: 1, tradeId: 1 }],
    ['rejected', { type: 'rejected', clientOrderId: 'c', reason: 'bad-price', message: '' }],
    ['cancelled', { type: 'cancelled', order }],
    ['open orders', { type: 'open-orders', orders: [order] }],
  ])('takes %s', (_title, event) => {
    expect(v.parse(OrderEventSchema, event)).toEqual(event);
  });

  it.each([
    ['an accepted event without its order', { type: 'accepted' }],
    ['an event of an unknown type', { type: 'unknown' }],
    ['a rejection with an unknown reason', { type: 'rejected', clientOrderId: '', reason: 'x', message: '' }],
    ['an order of an unknown status', { type: 'accepted', order: { ...order, status: 'lost' } }],
  ])('refuses %s', (_title, event) => {
    expect(fits(OrderEventSchema, event)).toBe(false);
  });
});

describe('requests', () => {
  const request = { clientOrderId: 'c1', symbol: 'ACME', side: 'buy', type: 'limit', quantity: 1 };
  const firstIssue = (value: unknown) => v.safeParse(OrderRequestSchema, value).issues?.[0];

  it('take a market order without a price, and a limit order with one', () => {
    expect(v.parse(OrderRequestSchema, { ...request, type: 'market' })).toEqual({
      ...request,
      type: 'market',
    });
    expect(v.parse(OrderRequestSchema, { ...request, price: 4200 })).toEqual({ ...request, price: 4200 });
  });

  it('say what is wrong with the first field that does not fit, in the contract’s order', () => {
    expect(firstIssue({ ...request, symbol: 7, side: 'short' })?.message).toBe('symbol must be a string');
    expect(firstIssue({ ...request, price: '42.00' })?.message).toBe('price must be a number of cents');
    expect(firstIssue({ ...request, side: 'short' })?.path?.[0]?.key).toBe('side');
  });

  it('give a missing field the same message as a wrong one', () => {
    const { quantity: _quantity, ...noQuantity } = request;
    expect(firstIssue(noQuantity)?.message).toBe('quantity must be a number');
    expect(firstIssue({ ...request, quantity: '1' })?.message).toBe('quantity must be a number');
  });

  it(`limit a clientOrderId to ${MAX_CLIENT_ORDER_ID_LENGTH} characters`, () => {
    expect(fits(OrderRequestSchema, { ...request, clientOrderId: 'x'.repeat(64) })).toBe(true);
    expect(fits(OrderRequestSchema, { ...request, clientOrderId: 'x'.repeat(65) })).toBe(false);
    expect(fits(OrderRequestSchema, { ...request, clientOrderId: '' })).toBe(false);
  });

  it('take a cancel with an orderId, and nothing else', () => {
    expect(v.parse(CancelRequestSchema, { orderId: 'o7', extra: 1 })).toEqual({ orderId: 'o7' });
    expect(fits(CancelRequestSchema, { orderId: '' })).toBe(false);
    expect(fits(CancelRequestSchema, {})).toBe(false);
  });
});
