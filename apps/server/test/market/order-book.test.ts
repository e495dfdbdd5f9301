import { describe, expect, it } from 'vitest';
import { type IncomingOrder, OrderBook, type PlaceResult } from '../../src/services/market/order-book';

let sequence = 0;

/** `buy 10 @ 100 by ann`, `sell 5 by bob` (market): orders in the notation of a trading blotter. */
function order(text: string): IncomingOrder {
  const match = /^(buy|sell) (\d+(?:\.\d+)?)(?: @ (-?\d+(?:\.\d+)?))? by (\w+)(?: as (\w+))?$/.exec(text);
  if (match === null) throw new Error(`cannot read order "${text}"`);
  const [, side, quantity, price, owner, id] = match;
  return {
    id: id ?? `o${++sequence}`,
    owner: owner!,
    side: side as 'buy' | 'sell',
    type: price === undefined ? 'market' : 'limit',
    quantity: Number(quantity),
    ...(price === undefined ? {} : { price: Number(price) }),
  };
}

/** A book with these orders resting, placed in order (so earlier ones have time priority). */
function bookWith(resting: readonly string[], tickSize = 1): OrderBook {
  const book = new OrderBook(tickSize);
  for (const text of resting) {
    const result = book.place(order(text));
    if (result.status !== 'placed' || result.fills.length > 0) throw new Error(`"${text}" did not just rest`);
  }
  return book;
}

/** Fills as `qty @ price from maker-id`. */
function fills(result: PlaceResult): string[] {
  return result.status === 'placed'
    ? result.fills.map((fill) => `${fill.quantity} @ ${fill.price} from ${fill.makerOrderId}`)
    : [];
}

/** Each side of the book as `qty @ price (orders)`, best first. */
function sides(book: OrderBook): { bids: string[]; asks: string[] } {
  const depth = book.depth(20);
  const show = (levels: typeof depth.bids) =>
    levels.map((level) => `${level.quantity} @ ${level.price} (${level.orders})`);
  return { bids: show(depth.bids), asks: show(depth.asks) };
}

interface MatchCase {
  readonly title: string;
  readonly resting: readonly string[];
  readonly incoming: string;
  readonly fills: readonly string[];
  readonly rested?: number;
  readonly unfilled?: number;
  readonly after: { readonly bids: readonly string[]; readonly asks: readonly string[] };
}

const MATCHING: readonly MatchCase[] = [
  {
    title: 'rests a limit order that crosses nothing',
    resting: ['sell 10 @ 101 by mm as a1'],
    incoming: 'buy 5 @ 100 by ann',
    fills: [],
    rested: 5,
    after: { bids: ['5 @ 100 (1)'], asks: ['10 @ 101 (1)'] },
  },
  {
    title: 'fills a crossing limit order at the resting order’s price, not its own',
    resting: ['sell 10 @ 101 by mm as a1'],
    incoming: 'buy 10 @ 105 by ann',
    fills: ['10 @ 101 from a1'],
    rested: 0,
    after: { bids: [], asks: [] },
  },
  {
    title: 'fills the best price first, whatever the arrival order',
    resting: ['sell 5 @ 102 by mm as a1', 'sell 5 @ 101 by mm as a2'],
    incoming: 'buy 5 @ 102 by ann',
    fills: ['5 @ 101 from a2'],
    rested: 0,
    after: { bids: [], asks: ['5 @ 102 (1)'] },
  },
  {
    title: 'fills the earliest order first at one price (time priority)',
    resting: ['buy 5 @ 100 by mm as b1', 'buy 5 @ 100 by zed as b2', 'buy 5 @ 100 by mm as b3'],
    incoming: 'sell 7 @ 100 by ann',
    fills: ['5 @ 100 from b1', '2 @ 100 from b2'],
    rested: 0,
    after: { bids: ['8 @ 100 (2)'], asks: [] },
  },
  {
    title: 'leaves a partly filled resting order at the front of its level',
    resting: ['sell 10 @ 101 by mm as a1', 'sell 10 @ 101 by zed as a2'],
    incoming: 'buy 4 @ 101 by ann',
    fills: ['4 @ 101 from a1'],
    rested: 0,
    after: { bids: [], asks: ['16 @ 101 (2)'] },
  },
  {
    title: 'rests the unfilled rest of a partly filled limit order at its limit',
    resting: ['sell 3 @ 101 by mm as a1'],
    incoming: 'buy 10 @ 102 by ann',
    fills: ['3 @ 101 from a1'],
    rested: 7,
    after: { bids: ['7 @ 102 (1)'], asks: [] },
  },
  {
    title: 'walks several levels with a large limit order and stops at its limit',
    resting: ['sell 5 @ 101 by mm as a1', 'sell 5 @ 102 by mm as a2', 'sell 5 @ 103 by mm as a3'],
    incoming: 'buy 20 @ 102 by ann',
    fills: ['5 @ 101 from a1', '5 @ 102 from a2'],
    rested: 10,
    after: { bids: ['10 @ 102 (1)'], asks: ['5 @ 103 (1)'] },
  },
  {
    title: 'walks every level a market order needs',
    resting: ['buy 5 @ 100 by mm as b1', 'buy 5 @ 99 by mm as b2', 'buy 5 @ 98 by mm as b3'],
    incoming: 'sell 12 by ann',
    fills: ['5 @ 100 from b1', '5 @ 99 from b2', '2 @ 98 from b3'],
    unfilled: 0,
    after: { bids: ['3 @ 98 (1)'], asks: [] },
  },
  {
    title: 'cancels what a market order could not fill, and never rests it',
    resting: ['sell 5 @ 101 by mm as a1', 'sell 5 @ 102 by mm as a2'],
    incoming: 'buy 25 by ann',
    fills: ['5 @ 101 from a1', '5 @ 102 from a2'],
    unfilled: 15,
    after: { bids: [], asks: [] },
  },
  {
    title: 'prevents a self-trade by cancelling the resting order and matching on',
    resting: ['sell 5 @ 101 by ann as a1', 'sell 5 @ 101 by mm as a2'],
    incoming: 'buy 5 @ 101 by ann',
    fills: ['5 @ 101 from a2'],
    rested: 0,
    after: { bids: [], asks: [] },
  },
  {
    title: 'rests an order whose only crossing counterparty was its own owner’s',
    resting: ['sell 5 @ 101 by ann as a1'],
    incoming: 'buy 5 @ 101 by ann',
    fills: [],
    rested: 5,
    after: { bids: ['5 @ 101 (1)'], asks: [] },
  },
];

describe('an order book', () => {
  it.each(MATCHING)('$title', (fixture) => {
    const book = bookWith(fixture.resting);
    const result = book.place(order(fixture.incoming));
    expect(result.status).toBe('placed');
    expect(fills(result)).toEqual(fixture.fills);
    if (result.status !== 'placed') return;
    if (fixture.rested !== undefined) expect(result.rested).toBe(fixture.rested);
    if (fixture.unfilled !== undefined) expect(result.unfilled).toBe(fixture.unfilled);
    expect(sides(book)).toEqual(fixture.after);
  });

  it('reports every fill with what each side has left', () => {
    const book = bookWith(['sell 4 @ 101 by mm as a1', 'sell 4 @ 102 by zed as a2']);
    const result = book.place(order('buy 6 by ann as t1'));
    expect(result).toEqual({
      status: 'placed',
      fills: [
        {
          makerOrderId: 'a1',
          makerOwner: 'mm',
          takerOrderId: 't1',
          price: 101,
          quantity: 4,
          makerRemaining: 0,
          takerRemaining: 2,
        },
        {
          makerOrderId: 'a2',
          makerOwner: 'zed',
          takerOrderId: 't1',
          price: 102,
          quantity: 2,
          makerRemaining: 2,
          takerRemaining: 0,
        },
      ],
      selfTradeCancels: [],
      rested: 0,
      unfilled: 0,
    });
  });

  it('reports the resting orders it cancelled to prevent a self-trade', () => {
    const book = bookWith(['buy 5 @ 100 by ann as b1', 'buy 3 @ 99 by ann as b2', 'buy 5 @ 98 by mm as b3']);
    const result = book.place(order('sell 6 @ 98 by ann'));
    expect(result.status === 'placed' && result.selfTradeCancels.map((cancelled) => cancelled.id)).toEqual([
      'b1',
      'b2',
    ]);
    expect(fills(result)).toEqual(['5 @ 98 from b3']);
    expect(book.get('b1')).toBeUndefined();
    expect(sides(book)).toEqual({ bids: [], asks: ['1 @ 98 (1)'] });
  });

  it.each([
    ['a market buy against an empty ask side', [], 'buy 5 by ann', 'no-liquidity'],
    ['a market sell against an empty bid side', ['sell 5 @ 101 by mm'], 'sell 5 by ann', 'no-liquidity'],
    ['a zero quantity', [], 'buy 0 @ 100 by ann', 'bad-quantity'],
    ['a fractional quantity', [], 'buy 1.5 @ 100 by ann', 'bad-quantity'],
    ['a negative price', [], 'buy 5 @ -100 by ann', 'bad-price'],
    ['a zero price', [], 'sell 5 @ 0 by ann', 'bad-price'],
    ['a fractional price', [], 'buy 5 @ 100.5 by ann', 'bad-price'],
  ] as const)('rejects %s as %s and leaves the book as it was', (_title, resting, incoming, reason) => {
    const book = bookWith(resting);
    const before = sides(book);
    expect(book.place(order(incoming))).toEqual({ status: 'rejected', reason });
    expect(sides(book)).toEqual(before);
  });

  it('rejects a negative quantity', () => {
    const book = new OrderBook(1);
    expect(book.check({ id: 'x', owner: 'ann', side: 'buy', type: 'limit', quantity: -5, price: 100 })).toBe(
      'bad-quantity',
    );
  });

  it('rejects a market order that names a price', () => {
    const book = bookWith(['sell 5 @ 101 by mm']);
    expect(book.check({ id: 'x', owner: 'ann', side: 'buy', type: 'market', quantity: 5, price: 101 })).toBe(
      'bad-price',
    );
  });

  describe('on a tick grid of 5 cents', () => {
    it.each([
      [100, undefined],
      [105, undefined],
      [5, undefined],
      [101, 'price-off-tick'],
      [104, 'price-off-tick'],
      [3, 'price-off-tick'],
    ] as const)('takes a limit price of %i as %s', (price, reason) => {
      const book = new OrderBook(5);
      expect(book.check(order(`buy 1 @ ${price} by ann`))).toBe(reason);
    });

    it('never rests an off-tick order', () => {
      const book = new OrderBook(5);
      expect(book.place(order('sell 1 @ 102 by ann'))).toEqual({
        status: 'rejected',
        reason: 'price-off-tick',
      });
      expect(book.size).toBe(0);
    });
  });

  it('refuses a tick size that is not a positive whole number of cents', () => {
    for (const tick of [0, -1, 0.5, Number.NaN]) expect(() => new OrderBook(tick)).toThrow(RangeError);
  });

  describe('cancels', () => {
    it('take a resting order off its level and return it as it was', () => {
      const book = bookWith([
        'buy 5 @ 100 by ann as b1',
        'buy 7 @ 100 by bob as b2',
        'buy 2 @ 99 by ann as b3',
      ]);
      book.place(order('sell 2 @ 100 by zed'));
      expect(book.cancel('b1')).toEqual({
        id: 'b1',
        owner: 'ann',
        side: 'buy',
        price: 100,
        quantity: 5,
        remaining: 3,
      });
      expect(sides(book)).toEqual({ bids: ['7 @ 100 (1)', '2 @ 99 (1)'], asks: [] });
    });

    it('remove an emptied level, so the next price becomes the best', () => {
      const book = bookWith(['sell 5 @ 101 by mm as a1', 'sell 5 @ 103 by mm as a2']);
      book.cancel('a1');
      expect(book.bestAsk()).toBe(103);
    });

    it('keep the time priority of the orders behind a cancelled one', () => {
      const book = bookWith([
        'sell 5 @ 101 by mm as a1',
        'sell 5 @ 101 by zed as a2',
        'sell 5 @ 101 by mm as a3',
      ]);
      book.cancel('a2');
      expect(fills(book.place(order('buy 6 @ 101 by ann')))).toEqual(['5 @ 101 from a1', '1 @ 101 from a3']);
    });

    it.each([
      ['an unknown order', 'nope'],
      ['a filled order', 'a1'],
      ['an order cancelled before', 'a2'],
    ])('return nothing for %s', (_title, id) => {
      const book = bookWith(['sell 5 @ 101 by mm as a1', 'sell 5 @ 102 by mm as a2']);
      book.place(order('buy 5 @ 101 by ann'));
      book.cancel('a2');
      expect(book.cancel(id)).toBeUndefined();
    });
  });

  it('keeps many levels in price order on both sides', () => {
    const book = new OrderBook(1);
    const prices = [100, 97, 99, 95, 98, 96];
    for (const price of prices) book.place(order(`buy 1 @ ${price} by mm`));
    for (const price of prices) book.place(order(`sell 1 @ ${price + 10} by mm`));
    const depth = book.depth(10);
    expect(depth.bids.map((level) => level.price)).toEqual([100, 99, 98, 97, 96, 95]);
    expect(depth.asks.map((level) => level.price)).toEqual([105, 106, 107, 108, 109, 110]);
    expect(book.depth(2).bids).toHaveLength(2);
  });
});
