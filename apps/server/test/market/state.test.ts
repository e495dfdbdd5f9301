/**
 * The market's state as plain data: taken from a running market, written as JSON, read back and
 * restored into a fresh service, it must give the same snapshots, the same open orders and
 * portfolios, and, from then on, the same orders and trades as the original.
 *
 * Time is Vitest's fake clock, so two services stepping side by side see the same moments.
 */

import { Broker } from '@stomping-ground/broker';
import { connectClient, settle, text } from '@stomping-ground/broker/testing';
import { MarketDestination, type OrderState } from '@stomping-ground/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CANDLE_INTERVALS } from '../../src/services/market/candles';
import { Exchange, type NewOrder } from '../../src/services/market/exchange';
import { INSTRUMENTS } from '../../src/services/market/instruments';
import type { MarketRequest } from '../../src/services/market/requests';
import { MarketService, type MarketServiceOptions } from '../../src/services/market/service';
import {
  decodeMarketCandles,
  decodeMarketState,
  encodeMarketState,
  joinCandles,
  MarketStateError,
  splitCandles,
} from '../../src/services/market/state';

const OPTIONS: MarketServiceOptions = { seed: 42, updatesPerSecond: 80, historyMinutes: 10 };
const encoder = new TextEncoder();

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 5, 14, 30) });
});

afterEach(() => {
  vi.useRealTimers();
});

function order(login: string, fields: Record<string, unknown>): MarketRequest {
  return {
    login,
    sessionId: `session-${login}`,
    destination: MarketDestination.placeOrder,
    bodies: [encoder.encode(JSON.stringify({ side: 'buy', type: 'limit', quantity: 100, ...fields }))],
    basket: false,
  };
}

/** A market that ran a while: the simulation's orders on every book, users' orders resting and filled. */
function busyMarket(broker = new Broker()): MarketService {
  const market = new MarketService(broker, OPTIONS);
  market.start();
  vi.advanceTimersByTime(20_000);
  market.stop();
  const { exchange } = market.toState();
  const ask = (symbol: string) =>
    Math.min(
      ...exchange.open
        .filter(({ order }) => order.symbol === symbol && order.side === 'sell')
        .map(({ order }) => order.price!),
    );
  // Positions, from market orders against the market makers; resting orders far from the market.
  market.apply(order('alice', { clientOrderId: 'a-take', symbol: 'ACME', type: 'market', quantity: 150 }));
  market.apply(order('alice', { clientOrderId: 'a-rest', symbol: 'ACME', price: ask('ACME') - 300 }));
  market.apply(
    order('alice', { clientOrderId: 'a-short', symbol: 'GLBX', side: 'sell', type: 'market', quantity: 40 }),
  );
  market.apply(order('bob', { clientOrderId: 'b-rest', symbol: 'ACME', price: ask('ACME') - 300 }));
  market.apply(
    order('bob', { clientOrderId: 'b-partial', symbol: 'INIT', price: ask('INIT'), quantity: 100_000 }),
  );
  return market;
}

/** What a new subscriber of each market destination is sent first, as `login`. */
async function snapshots(broker: Broker, login: string): Promise<Record<string, string>> {
  const client = await connectClient(broker, { login, passcode: login });
  const destinations = [
    MarketDestination.trades,
    MarketDestination.instruments,
    MarketDestination.portfolio,
    MarketDestination.orderEvents,
    ...INSTRUMENTS.flatMap(({ symbol }) => [
      MarketDestination.quotes(symbol),
      MarketDestination.book(symbol),
      ...CANDLE_INTERVALS.map((interval) => MarketDestination.candles(symbol, interval)),
    ]),
  ];
  for (const [index, destination] of destinations.entries()) {
    client.send('SUBSCRIBE', { id: String(index), destination });
  }
  await settle();
  const bodies: Record<string, string> = {};
  for (const frame of client.messages()) {
    bodies[destinations[Number(frame.headers.find(([name]) => name === 'subscription')![1])]!] = text(
      frame.body,
    );
  }
  expect(Object.keys(bodies)).toHaveLength(destinations.length);
  return bodies;
}

describe('the market state', () => {
  it('restored into a fresh service, gives every snapshot exactly as the original did', async () => {
    const originalBroker = new Broker();
    const original = busyMarket(originalBroker);
    const state = decodeMarketState(encodeMarketState(original.toState()));

    const restoredBroker = new Broker();
    const restored = new MarketService(restoredBroker, { ...OPTIONS, seed: 7 });
    restored.restore(state);

    expect(restored.toState()).toEqual(original.toState());
    for (const login of ['alice', 'bob']) {
      expect(await snapshots(restoredBroker, login)).toEqual(await snapshots(originalBroker, login));
    }
    // The parts the test set out to carry are there: resting orders with owners, positions, trades.
    const aliceOrders = state.exchange.open.filter(
      ({ owner }) => owner.kind === 'user' && owner.login === 'alice',
    );
    expect(aliceOrders.map(({ order }) => order.clientOrderId)).toEqual(['a-rest']);
    const partial = state.exchange.open.find(({ order }) => order.clientOrderId === 'b-partial')!.order;
    expect(partial.status).toBe('partially-filled');
    expect(state.portfolios.map((account) => account.login).sort()).toEqual(['alice', 'bob']);
    expect(state.data.tape.length).toBeGreaterThan(0);
    expect(state.simulation?.symbols).toHaveLength(INSTRUMENTS.length);
  });

  it('restored, goes on exactly as the original: the same orders, ids and trades', () => {
    const original = busyMarket();
    const saved = original.toState();
    const restored = new MarketService(new Broker(), { ...OPTIONS, seed: 7 });
    restored.restore(decodeMarketState(encodeMarketState(saved)));

    for (const market of [original, restored]) market.start();
    vi.advanceTimersByTime(5_000);
    for (const market of [original, restored]) {
      market.stop();
      market.apply(order('alice', { clientOrderId: 'after', symbol: 'ACME', type: 'market', quantity: 300 }));
    }
    const [a, b] = [original.toState(), restored.toState()];
    expect(b).toEqual(a);
    // Both went on trading from the saved sequences, not from scratch.
    expect(b.exchange.tradeSequence).toBeGreaterThan(saved.exchange.tradeSequence);
    expect(b.data.tape.at(-1)?.id).toBe(b.exchange.tradeSequence);
  });

  it('replaces what the service held before, rather than adding to it', () => {
    const empty = new MarketService(new Broker(), { updatesPerSecond: 0 });
    const target = new MarketService(new Broker(), { updatesPerSecond: 0 });
    target.apply(order('carol', { clientOrderId: 'gone', symbol: 'ACME', price: 4000 }));
    target.restore(empty.toState());
    expect(target.toState()).toEqual(empty.toState());
    expect(target.toState().exchange.open).toEqual([]);
  });

  it('is not restored while the simulation runs', () => {
    const market = new MarketService(new Broker(), OPTIONS);
    market.start();
    expect(() => market.restore(market.toState())).toThrow(/stop the market/);
    market.stop();
  });

  it('keeps time priority at a price, and what partly filled orders have left', () => {
    const exchange = new Exchange(INSTRUMENTS, { maxOpenOrdersPerLogin: 50, now: Date.now });
    const buy = (login: string, quantity: number): NewOrder => ({
      owner: { kind: 'user', login },
      clientOrderId: login,
      symbol: 'ACME',
      side: 'buy',
      type: 'limit',
      quantity,
      price: 4000,
    });
    exchange.submit(buy('first', 30));
    exchange.submit(buy('second', 30));
    exchange.submit({ ...buy('taker', 10), side: 'sell' });
    const copy = new Exchange(INSTRUMENTS, { maxOpenOrdersPerLogin: 50, now: Date.now });
    copy.restore(JSON.parse(JSON.stringify(exchange.toState())));
    expect(copy.depth('ACME', 1)).toEqual(exchange.depth('ACME', 1));
    expect(copy.depth('ACME', 1)?.bids).toEqual([{ price: 4000, quantity: 50, orders: 2 }]);

    // The first order, with 20 left, still trades first; the next trade id follows on.
    const report = copy.submit({ ...buy('taker', 25), side: 'sell' });
    expect(report.trades.map(({ trade }) => [trade.id, trade.quantity])).toEqual([
      [2, 20],
      [3, 5],
    ]);
    /** The state of `login`'s order after its last event. */
    const latest = (login: string): OrderState | undefined => {
      const event = report.events.filter((e) => e.login === login).at(-1)?.event;
      return event !== undefined && 'order' in event ? event.order : undefined;
    };
    expect(latest('first')).toMatchObject({ status: 'filled', filled: 30 });
    expect(latest('second')).toMatchObject({ status: 'partially-filled', filled: 5 });
    expect(copy.openOrders('first')).toEqual([]);
    expect(report.order?.orderId).toBe('o4');
  });

  it('comes apart into the state and its candles, most of its size, and goes back together', () => {
    const state = busyMarket().toState();
    const { state: withoutCandles, candles } = splitCandles(state);
    expect(withoutCandles.data.symbols.every((stats) => stats.candles === undefined)).toBe(true);
    const rejoined = joinCandles(
      decodeMarketState(encodeMarketState(withoutCandles)),
      decodeMarketCandles(JSON.stringify(candles)),
    );
    expect(rejoined).toEqual(state);
    expect(JSON.stringify(candles).length).toBeGreaterThan(JSON.stringify(withoutCandles).length);
  });

  it('without its candles, leaves those a service has as they are', () => {
    const original = busyMarket();
    const restored = new MarketService(new Broker(), { ...OPTIONS, seed: 7 });
    const ownCandles = splitCandles(restored.toState()).candles;
    restored.restore(splitCandles(original.toState()).state);
    expect(splitCandles(restored.toState()).candles).toEqual(ownCandles);
    expect(splitCandles(restored.toState()).state).toEqual(splitCandles(original.toState()).state);
  });

  it('is refused when it is not JSON, of another version, or lacks a part', () => {
    const text = encodeMarketState(new MarketService(new Broker(), { updatesPerSecond: 0 }).toState());
    expect(() => decodeMarketState('{')).toThrow(MarketStateError);
    expect(() => decodeMarketState(text.replace('"v":1', '"v":2'))).toThrow(/version 2/);
    const { exchange: _, ...withoutExchange } = JSON.parse(text) as Record<string, unknown>;
    expect(() => decodeMarketState(JSON.stringify(withoutExchange))).toThrow(MarketStateError);
    expect(decodeMarketState(text).v).toBe(1);
  });
});
