/**
 * The market service on the real server, through raw STOMP peers logged in as alice and bob.
 *
 * Order flow runs on a server whose simulation is off (`updatesPerSecond: 0`), so the books hold
 * only the test's own orders and every fill is predictable; a fresh server per test keeps books
 * and portfolios apart. Market data runs on a server with the simulation on, as users see it. The
 * rate limit runs on a bare broker, on a clock the test moves (the service's `now` option).
 */
import { Broker } from '@stomping-ground/broker';
import { connectClient, until } from '@stomping-ground/broker/testing';
import {
  type BookDepth,
  type Candle,
  type CandleHistory,
  type Frame,
  type Instrument,
  MarketDestination,
  type OrderEvent,
  type OrderRequest,
  type Portfolio,
  type Quote,
  type Trade,
  type TradeTape,
} from '@stomping-ground/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MarketService } from '../../src/services/market/service';
import { type RunningServer, startServer } from '../support/app';
import type { StompProbe } from '../support/probe';
import { header, ProbePool, sendWithReceipt, subscribe, text } from '../support/raw';

/** Reads a probe's MESSAGEs one subscription at a time, as JSON. */
class Inbox {
  private readonly taken = new Map<string, number>();

  constructor(readonly probe: StompProbe) {}

  /** Every MESSAGE received on subscription `id`, oldest first. */
  frames(id: string): Frame[] {
    return this.probe.frames.filter(
      (frame) => frame.command === 'MESSAGE' && header(frame, 'subscription') === id,
    );
  }

  /** The next MESSAGE on subscription `id` not read yet, waiting for it. */
  async nextFrame(id: string): Promise<Frame> {
    const index = this.taken.get(id) ?? 0;
    await this.probe.waitFor(() => this.frames(id).length > index, 5_000, `a MESSAGE on ${id}`);
    this.taken.set(id, index + 1);
    return this.frames(id)[index]!;
  }

  async next<T>(id: string): Promise<T> {
    return JSON.parse(text(await this.nextFrame(id))) as T;
  }

  /** The next `count` MESSAGEs on `id`. */
  async take<T>(id: string, count: number): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(await this.next<T>(id));
    return out;
  }
}

/** A logged-in user listening to their order events and portfolio, with both snapshots read. */
interface Trader {
  readonly probe: StompProbe;
  readonly inbox: Inbox;
  readonly openOrders: OrderEvent;
  readonly portfolio: Portfolio;
}

const ORDERS = 'orders';
const PORTFOLIO = 'portfolio';

async function trader(pool: ProbePool, login: string): Promise<Trader> {
  const probe = await pool.client('ws', login, login);
  const inbox = new Inbox(probe);
  await subscribe(probe, ORDERS, MarketDestination.orderEvents);
  await subscribe(probe, PORTFOLIO, MarketDestination.portfolio);
  return {
    probe,
    inbox,
    openOrders: await inbox.next<OrderEvent>(ORDERS),
    portfolio: await inbox.next<Portfolio>(PORTFOLIO),
  };
}

/** An order's fields; any of them may be left out (`undefined`) to see what happens without it. */
type OrderFields = { readonly clientOrderId: string } & {
  readonly [K in Exclude<keyof OrderRequest, 'clientOrderId'>]?: OrderRequest[K] | undefined;
};

function orderBody(order: OrderFields): string {
  return JSON.stringify({ symbol: 'ACME', side: 'buy', type: 'limit', quantity: 10, price: 4200, ...order });
}

/** SENDs an order with a receipt and waits for the RECEIPT. */
function placeOrder(probe: StompProbe, order: OrderFields): Promise<void> {
  return sendWithReceipt(
    probe,
    'SEND',
    [
      ['destination', MarketDestination.placeOrder],
      ['content-type', 'application/json'],
    ],
    orderBody(order),
  );
}

/** The current depth of `symbol`, read as the snapshot of a fresh subscription. */
async function bookOf(pool: ProbePool, symbol: string): Promise<BookDepth> {
  const probe = await pool.client('ws');
  await subscribe(probe, 'book', MarketDestination.book(symbol));
  return new Inbox(probe).next<BookDepth>('book');
}

function expectType<T extends OrderEvent['type']>(
  event: OrderEvent,
  type: T,
): asserts event is Extract<OrderEvent, { type: T }> {
  expect(event.type, JSON.stringify(event)).toBe(type);
}

describe('trading on the market service', () => {
  let server: RunningServer;
  const pool = new ProbePool(() => server);

  beforeEach(async () => {
    server = await startServer({ market: { enabled: true, updatesPerSecond: 0 } });
  });

  afterEach(async () => {
    await pool.closeAll();
    await server.close();
  });

  it('gives a new subscriber its open orders and its portfolio at once', async () => {
    const alice = await trader(pool, 'alice');
    expect(alice.openOrders).toEqual({ type: 'open-orders', orders: [] });
    expect(alice.portfolio).toMatchObject({ login: 'alice', cash: 10_000_000, positions: [] });
    const snapshot = alice.inbox.frames(PORTFOLIO)[0]!;
    expect(header(snapshot, 'snapshot')).toBe('true');
    expect(header(snapshot, 'content-type')).toBe('application/json');
  });

  it('accepts a limit order, fills both sides when another user sells into it, and moves cash and positions', async () => {
    const alice = await trader(pool, 'alice');
    const bob = await trader(pool, 'bob');
    const watcher = await pool.client('ws');
    const watch = new Inbox(watcher);
    await subscribe(watcher, 'tape', MarketDestination.trades);
    await subscribe(watcher, 'quote', MarketDestination.quotes('ACME'));
    expect(await watch.next<TradeTape>('tape')).toEqual({ trades: [] });
    expect(await watch.next<Quote>('quote')).toMatchObject({ bid: 0, ask: 0, last: 4250, volume: 0 });

    await placeOrder(alice.probe, { clientOrderId: 'a-1', side: 'buy', quantity: 10, price: 4200 });
    const accepted = await alice.inbox.next<OrderEvent>(ORDERS);
    expectType(accepted, 'accepted');
    expect(accepted.order).toMatchObject({
      clientOrderId: 'a-1',
      symbol: 'ACME',
      side: 'buy',
      type: 'limit',
      quantity: 10,
      price: 4200,
      filled: 0,
      status: 'open',
    });
    expect(await watch.next<Quote>('quote')).toMatchObject({ bid: 4200, ask: 0 });

    await placeOrder(bob.probe, {
      clientOrderId: 'b-1',
      side: 'sell',
      type: 'market',
      quantity: 4,
      price: undefined,
    });
    const [bobAccepted, bobFill] = await bob.inbox.take<OrderEvent>(ORDERS, 2);
    expectType(bobAccepted!, 'accepted');
    expectType(bobFill!, 'fill');
    expect(bobFill).toMatchObject({
      price: 4200,
      quantity: 4,
      order: { clientOrderId: 'b-1', status: 'filled' },
    });
    const aliceFill = await alice.inbox.next<OrderEvent>(ORDERS);
    expectType(aliceFill, 'fill');
    expect(aliceFill).toMatchObject({
      price: 4200,
      quantity: 4,
      tradeId: bobFill.tradeId,
      order: { orderId: accepted.order.orderId, filled: 4, status: 'partially-filled' },
    });

    const alicePortfolio = await alice.inbox.next<Portfolio>(PORTFOLIO);
    const bobPortfolio = await bob.inbox.next<Portfolio>(PORTFOLIO);
    expect(alicePortfolio.cash).toBe(10_000_000 - 4 * 4200);
    expect(bobPortfolio.cash).toBe(10_000_000 + 4 * 4200);
    expect(alicePortfolio.positions).toEqual([
      { symbol: 'ACME', quantity: 4, averagePrice: 4200, realizedPnl: 0, unrealizedPnl: 0 },
    ]);
    expect(bobPortfolio.positions).toEqual([
      { symbol: 'ACME', quantity: -4, averagePrice: 4200, realizedPnl: 0, unrealizedPnl: 0 },
    ]);

    const trade = await watch.next<Trade>('tape');
    expect(trade).toMatchObject({
      id: bobFill.tradeId,
      symbol: 'ACME',
      price: 4200,
      quantity: 4,
      aggressor: 'sell',
    });
    expect(header(watch.frames('tape').at(-1)!, 'snapshot')).toBeUndefined();
    expect(await watch.next<Quote>('quote')).toMatchObject({ bid: 4200, last: 4200, change: -50, volume: 4 });
    expect(await bookOf(pool, 'ACME')).toMatchObject({
      bids: [{ price: 4200, quantity: 6, orders: 1 }],
      asks: [],
    });
  });

  it('cancels the rest of a market order the book cannot fill', async () => {
    const alice = await trader(pool, 'alice');
    const bob = await trader(pool, 'bob');
    await placeOrder(alice.probe, { clientOrderId: 'a-1', side: 'sell', quantity: 5, price: 4300 });
    await placeOrder(bob.probe, {
      clientOrderId: 'b-1',
      side: 'buy',
      type: 'market',
      quantity: 8,
      price: undefined,
    });
    const events = await bob.inbox.take<OrderEvent>(ORDERS, 3);
    expect(events.map((event) => event.type)).toEqual(['accepted', 'fill', 'cancelled']);
    expect(events[2]).toMatchObject({ order: { filled: 5, quantity: 8, status: 'cancelled' } });
  });

  it('cancels an open order for its owner only, and refuses a second cancel as unknown-order', async () => {
    const alice = await trader(pool, 'alice');
    const bob = await trader(pool, 'bob');
    await placeOrder(alice.probe, { clientOrderId: 'a-1', price: 4100 });
    const accepted = await alice.inbox.next<OrderEvent>(ORDERS);
    expectType(accepted, 'accepted');
    const cancel = JSON.stringify({ orderId: accepted.order.orderId });

    await sendWithReceipt(bob.probe, 'SEND', [['destination', MarketDestination.cancelOrder]], cancel);
    expect(await bob.inbox.next<OrderEvent>(ORDERS)).toMatchObject({
      type: 'rejected',
      reason: 'unknown-order',
    });

    await sendWithReceipt(alice.probe, 'SEND', [['destination', MarketDestination.cancelOrder]], cancel);
    expect(await alice.inbox.next<OrderEvent>(ORDERS)).toMatchObject({
      type: 'cancelled',
      order: { orderId: accepted.order.orderId, clientOrderId: 'a-1', status: 'cancelled' },
    });
    await sendWithReceipt(alice.probe, 'SEND', [['destination', MarketDestination.cancelOrder]], cancel);
    expect(await alice.inbox.next<OrderEvent>(ORDERS)).toMatchObject({
      type: 'rejected',
      reason: 'unknown-order',
    });
    expect(await bookOf(pool, 'ACME')).toMatchObject({ bids: [], asks: [] });
  });

  it.each([
    ['a negative quantity', orderBody({ clientOrderId: 'bad', quantity: -5 }), 'bad', 'bad-quantity'],
    ['a zero quantity', orderBody({ clientOrderId: 'bad', quantity: 0 }), 'bad', 'bad-quantity'],
    ['a fractional quantity', orderBody({ clientOrderId: 'bad', quantity: 2.5 }), 'bad', 'bad-quantity'],
    ['an unknown symbol', orderBody({ clientOrderId: 'bad', symbol: 'NOPE' }), 'bad', 'unknown-symbol'],
    [
      'a price off the tick grid',
      orderBody({ clientOrderId: 'bad', symbol: 'STRK', price: 61_203 }),
      'bad',
      'price-off-tick',
    ],
    [
      'a limit order without a price',
      orderBody({ clientOrderId: 'bad', price: undefined }),
      'bad',
      'bad-price',
    ],
    [
      'a market order against an empty book',
      orderBody({ clientOrderId: 'bad', type: 'market', price: undefined }),
      'bad',
      'no-liquidity',
    ],
    ['malformed JSON', '{"clientOrderId":"bad",', '', 'malformed'],
    [
      'an unknown side',
      '{"clientOrderId":"bad","symbol":"ACME","side":"short","type":"limit","quantity":1,"price":4200}',
      'bad',
      'malformed',
    ],
  ])(
    'rejects %s on the sender’s queue and keeps the session',
    async (_title, body, clientOrderId, reason) => {
      const alice = await trader(pool, 'alice');
      await sendWithReceipt(alice.probe, 'SEND', [['destination', MarketDestination.placeOrder]], body);
      const rejected = await alice.inbox.next<OrderEvent>(ORDERS);
      expect(rejected).toMatchObject({ type: 'rejected', clientOrderId, reason });
      expectType(rejected, 'rejected');
      expect(rejected.message).toBeTruthy();
      // Still connected and served: the next order is accepted.
      await placeOrder(alice.probe, { clientOrderId: 'good' });
      expect(await alice.inbox.next<OrderEvent>(ORDERS)).toMatchObject({ type: 'accepted' });
      expect(alice.probe.frames.some((frame) => frame.command === 'ERROR')).toBe(false);
    },
  );

  it('bounds a login’s open orders across its sessions: the 51st is rejected too-many-open-orders', async () => {
    const sessions = [await trader(pool, 'alice'), await trader(pool, 'alice')];
    for (const [s, session] of sessions.entries()) {
      for (let i = 0; i < 25; i++) {
        session.probe.send({
          command: 'SEND',
          headers: [['destination', MarketDestination.placeOrder]],
          body: orderBody({ clientOrderId: `s${s}-${i}`, price: 4000 + i }),
        });
      }
    }
    // Every session of the login hears every order event: 50 accepted each.
    for (const session of sessions) {
      const events = await session.inbox.take<OrderEvent>(ORDERS, 50);
      expect(events.every((event) => event.type === 'accepted')).toBe(true);
    }
    await placeOrder(sessions[0]!.probe, { clientOrderId: 'one-too-many' });
    expect(await sessions[0]!.inbox.next<OrderEvent>(ORDERS)).toMatchObject({
      type: 'rejected',
      clientOrderId: 'one-too-many',
      reason: 'too-many-open-orders',
    });
  });

  describe('a basket sent in a transaction', () => {
    async function sendBasket(
      probe: StompProbe,
      orders: readonly OrderFields[],
      end: 'COMMIT' | 'ABORT',
    ): Promise<void> {
      await sendWithReceipt(probe, 'BEGIN', [['transaction', 'basket']]);
      for (const order of orders) {
        await sendWithReceipt(
          probe,
          'SEND',
          [
            ['destination', MarketDestination.placeOrder],
            ['transaction', 'basket'],
          ],
          orderBody(order),
        );
      }
      await sendWithReceipt(probe, end, [['transaction', 'basket']]);
    }

    const BASKET = [
      { clientOrderId: 'k-1', symbol: 'ACME', price: 4100 },
      { clientOrderId: 'k-2', symbol: 'STRK', price: 60_000 },
      { clientOrderId: 'k-3', symbol: 'INIT', side: 'sell', price: 2500 },
    ] as const;

    it('places every order at COMMIT when all are valid', async () => {
      const alice = await trader(pool, 'alice');
      await sendBasket(alice.probe, BASKET, 'COMMIT');
      const events = await alice.inbox.take<OrderEvent>(ORDERS, 3);
      expect(events.map((event) => event.type === 'accepted' && event.order.clientOrderId)).toEqual([
        'k-1',
        'k-2',
        'k-3',
      ]);
      expect((await bookOf(pool, 'STRK')).bids).toEqual([{ price: 60_000, quantity: 10, orders: 1 }]);
    });

    it('places none when one is invalid, rejecting each as basket-failed with a message naming the bad one', async () => {
      const alice = await trader(pool, 'alice');
      await sendBasket(alice.probe, [BASKET[0], { ...BASKET[1], price: 60_002 }, BASKET[2]], 'COMMIT');
      const events = await alice.inbox.take<OrderEvent>(ORDERS, 3);
      expect(events.map((event) => event.type === 'rejected' && [event.clientOrderId, event.reason])).toEqual(
        [
          ['k-1', 'basket-failed'],
          ['k-2', 'basket-failed'],
          ['k-3', 'basket-failed'],
        ],
      );
      for (const event of events) {
        expectType(event, 'rejected');
        expect(event.message).toContain('k-2');
        expect(event.message).toContain('price-off-tick');
      }
      for (const symbol of ['ACME', 'STRK', 'INIT']) {
        expect(await bookOf(pool, symbol)).toMatchObject({ bids: [], asks: [] });
      }
      expect(alice.probe.frames.some((frame) => frame.command === 'ERROR')).toBe(false);
    });

    it('places none after ABORT', async () => {
      const alice = await trader(pool, 'alice');
      await sendBasket(alice.probe, BASKET, 'ABORT');
      // The next event is the one for an order sent after the ABORT: the basket made none.
      await placeOrder(alice.probe, { clientOrderId: 'after-abort', symbol: 'GLBX', price: 11_000 });
      expect(await alice.inbox.next<OrderEvent>(ORDERS)).toMatchObject({
        type: 'accepted',
        order: { clientOrderId: 'after-abort' },
      });
      for (const symbol of ['ACME', 'STRK', 'INIT']) {
        expect(await bookOf(pool, symbol)).toMatchObject({ bids: [], asks: [] });
      }
    });
  });

  it('sends the portfolio and open orders again on refresh', async () => {
    const alice = await trader(pool, 'alice');
    await placeOrder(alice.probe, { clientOrderId: 'a-1', price: 4100 });
    await alice.inbox.next<OrderEvent>(ORDERS);
    await sendWithReceipt(alice.probe, 'SEND', [['destination', MarketDestination.refresh]], '');
    const openOrders = await alice.inbox.next<OrderEvent>(ORDERS);
    expectType(openOrders, 'open-orders');
    expect(openOrders.orders.map((order) => order.clientOrderId)).toEqual(['a-1']);
    expect(await alice.inbox.next<Portfolio>(PORTFOLIO)).toMatchObject({ login: 'alice', cash: 10_000_000 });
  });
});

describe('rate limiting, on the market’s own clock', () => {
  it('rate-limits a session that floods orders, and serves it again once it slows down', async () => {
    let now = Date.UTC(2026, 0, 5, 14, 30);
    const broker = new Broker();
    const market = new MarketService(broker, { updatesPerSecond: 0, now: () => now });
    const alice = await connectClient(broker, { login: 'alice', passcode: 'alice' });
    alice.send('SUBSCRIBE', { id: ORDERS, destination: MarketDestination.orderEvents });
    // What came after the snapshot of open orders.
    const events = (): OrderEvent[] =>
      alice
        .bodies()
        .slice(1)
        .map((body) => JSON.parse(body) as OrderEvent);
    const order = (clientOrderId: string, price: number) =>
      alice.send('SEND', { destination: MarketDestination.placeOrder }, orderBody({ clientOrderId, price }));

    const flood = 60;
    for (let i = 0; i < flood; i++) order(`f-${i}`, 3000 + i);
    await until(() => events().length === flood, 5_000, 'an answer to every order');
    // The clock stood still: the burst of 40 goes through, the rest is refused.
    const answers = events();
    expect(answers.slice(0, 40).every((event) => event.type === 'accepted')).toBe(true);
    expect(answers.slice(40)).toEqual(
      Array.from({ length: flood - 40 }, (_, i) =>
        expect.objectContaining({ type: 'rejected', reason: 'rate-limited', clientOrderId: `f-${40 + i}` }),
      ),
    );

    // Tokens come back at 20 a second: 100 ms later there are two, and the session is served again.
    now += 100;
    for (const [i, id] of ['after-1', 'after-2', 'too-soon'].entries()) order(id, 2999 - i);
    await until(() => events().length === flood + 3, 5_000, 'an answer to the three orders');
    expect(events().slice(flood)).toMatchObject([
      { type: 'accepted', order: { clientOrderId: 'after-1' } },
      { type: 'accepted', order: { clientOrderId: 'after-2' } },
      { type: 'rejected', reason: 'rate-limited', clientOrderId: 'too-soon' },
    ]);
    market.close();
  });
});

describe('market data from the simulated market', () => {
  let server: RunningServer;
  const pool = new ProbePool(() => server);

  beforeAll(async () => {
    server = await startServer({ market: { enabled: true, updatesPerSecond: 200 } });
  });

  afterEach(() => pool.closeAll());

  afterAll(async () => {
    await server.close();
  });

  it('gives a late subscriber to quotes the current quote at once, then updates', async () => {
    const probe = await pool.client('ws');
    const inbox = new Inbox(probe);
    await subscribe(probe, 'q', MarketDestination.quotes('ACME'));
    // The snapshot came before the SUBSCRIBE's RECEIPT: it is there without waiting for a publish.
    const snapshot = await inbox.nextFrame('q');
    const receipt = probe.frames.findIndex((frame) => frame.command === 'RECEIPT');
    expect(probe.frames.indexOf(snapshot)).toBeLessThan(receipt);
    expect(header(snapshot, 'snapshot')).toBe('true');
    const quote = JSON.parse(text(snapshot)) as Quote;
    expect(quote.symbol).toBe('ACME');
    expect(quote.bid).toBeGreaterThan(0);
    expect(quote.ask).toBeGreaterThan(quote.bid);

    const update = await inbox.nextFrame('q');
    expect(header(update, 'snapshot')).toBeUndefined();
    expect((JSON.parse(text(update)) as Quote).time).toBeGreaterThanOrEqual(quote.time);
  });

  it('lists the instruments as a snapshot', async () => {
    const probe = await pool.client('ws');
    await subscribe(probe, 'i', MarketDestination.instruments);
    const instruments = await new Inbox(probe).next<Instrument[]>('i');
    expect(instruments.length).toBeGreaterThanOrEqual(18);
    expect(instruments.find((instrument) => instrument.symbol === 'SGI')).toEqual({
      symbol: 'SGI',
      name: 'Stomping Ground 100 Index Future',
      tickSize: 25,
    });
  });

  it('gives a candle subscriber the history first, then the current candle as it changes', async () => {
    const probe = await pool.client('ws');
    const inbox = new Inbox(probe);
    await subscribe(probe, 'c', MarketDestination.candles('ACME', '1m'));
    const history = await inbox.next<CandleHistory>('c');
    expect(history).toMatchObject({ symbol: 'ACME', interval: '1m' });
    expect(history.candles.length).toBeGreaterThan(30);
    const update = await inbox.next<Candle>('c');
    expect(update).toMatchObject({ symbol: 'ACME', interval: '1m' });
    expect(update.time).toBeGreaterThanOrEqual(history.candles.at(-1)!.time);
  });

  it('shows a book with bids below asks, best first', async () => {
    const book = await bookOf(pool, 'HOOL');
    expect(book.bids.length).toBeGreaterThan(0);
    expect(book.asks.length).toBeGreaterThan(0);
    expect(book.bids[0]!.price).toBeLessThan(book.asks[0]!.price);
    const bidPrices = book.bids.map((level) => level.price);
    expect(bidPrices).toEqual([...bidPrices].sort((a, b) => b - a));
  });

  it('puts every trade on the tape, in order, without gaps', async () => {
    const probe = await pool.client('ws');
    const inbox = new Inbox(probe);
    await subscribe(probe, 't', MarketDestination.trades);
    const tape = await inbox.next<TradeTape>('t');
    expect(tape.trades.length).toBeGreaterThan(0);
    const trades = await inbox.take<Trade>('t', 30);
    const ids = trades.map((trade) => trade.id);
    // The first trade after the snapshot is the one after the snapshot's newest.
    expect(ids[0]).toBe(tape.trades.at(-1)!.id + 1);
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
  });

  it('lets a user’s market order trade against the simulated market makers', async () => {
    const alice = await trader(pool, 'alice');
    await placeOrder(alice.probe, {
      clientOrderId: 'm-1',
      symbol: 'SGI',
      type: 'market',
      quantity: 1,
      price: undefined,
    });
    const [accepted, fill] = await alice.inbox.take<OrderEvent>(ORDERS, 2);
    expect(accepted).toMatchObject({ type: 'accepted' });
    expect(fill).toMatchObject({ type: 'fill', quantity: 1, order: { status: 'filled' } });
    const portfolio = await alice.inbox.next<Portfolio>(PORTFOLIO);
    expect(portfolio.positions).toMatchObject([{ symbol: 'SGI', quantity: 1 }]);
  });
});
