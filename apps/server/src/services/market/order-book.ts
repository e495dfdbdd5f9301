/**
 * A limit order book for one symbol, with price-time priority: the best price trades first, and at
 * one price the order that arrived first. Pure: no timers, no broker, no clock. Every call returns
 * what happened as plain data, and the caller (the exchange) turns that into events.
 *
 * Rules, as a venue's rulebook would state them:
 *
 * - A limit order trades against resting orders at prices at least as good as its limit, best price
 *   first, each at the resting order's price; what is left rests on the book.
 * - A market order trades against whatever rests, best price first, walking as many levels as it
 *   needs. It never rests: against an empty side it is rejected (`no-liquidity`), and when the side
 *   runs dry part-way the rest is cancelled (reported as `unfilled`).
 * - Self-trade prevention, "cancel resting": an order never trades with a resting order of the same
 *   owner. That resting order is cancelled instead (reported in `selfTradeCancels`) and matching
 *   goes on with the next one, so the newer instruction wins.
 * - Prices are integer cents on the instrument's tick grid; quantities are positive whole numbers.
 */
import type { BookLevel, Cents, OrderType, RejectReason, Side } from '@stomping-ground/contracts';
import { isOnTick } from './instruments';

/** An order as the book sees it: who, which way, how much, and for a limit order at what price. */
export interface IncomingOrder {
  readonly id: string;
  /** Orders of the same owner never trade with each other. */
  readonly owner: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly quantity: number;
  /** Limit orders only. */
  readonly price?: Cents;
}

/** An order resting on the book, as reported to callers (a copy: the book's own record moves on). */
export interface RestingOrder {
  readonly id: string;
  readonly owner: string;
  readonly side: Side;
  readonly price: Cents;
  readonly quantity: number;
  /** Not yet filled. */
  readonly remaining: number;
}

export interface Fill {
  readonly makerOrderId: string;
  readonly makerOwner: string;
  readonly takerOrderId: string;
  /** The resting order's price. */
  readonly price: Cents;
  readonly quantity: number;
  /** What the resting order has left after this fill (0: it left the book). */
  readonly makerRemaining: number;
  /** What the incoming order has left after this fill. */
  readonly takerRemaining: number;
}

/** What the book itself can refuse; symbols, owners and rates are checked before an order gets here. */
export type BookRejectReason = Extract<
  RejectReason,
  'bad-quantity' | 'bad-price' | 'price-off-tick' | 'no-liquidity'
>;

export type PlaceResult =
  | { readonly status: 'rejected'; readonly reason: BookRejectReason }
  | {
      readonly status: 'placed';
      /** In the order they happened. */
      readonly fills: readonly Fill[];
      /** Resting orders of the same owner cancelled instead of trading with it. */
      readonly selfTradeCancels: readonly RestingOrder[];
      /** Quantity left resting on the book (limit orders only). */
      readonly rested: number;
      /** Quantity a market order could not fill, cancelled. */
      readonly unfilled: number;
    };

export interface Depth {
  /** Best (highest) first. */
  readonly bids: readonly BookLevel[];
  /** Best (lowest) first. */
  readonly asks: readonly BookLevel[];
}

interface Entry {
  readonly id: string;
  readonly owner: string;
  readonly side: Side;
  readonly price: Cents;
  readonly quantity: number;
  remaining: number;
}

interface Level {
  readonly price: Cents;
  /** Time priority: first in, first filled. */
  readonly orders: Entry[];
  quantity: number;
}

export class OrderBook {
  readonly tickSize: Cents;
  /** Best first: bids by descending price, asks by ascending price. */
  private readonly bids: Level[] = [];
  private readonly asks: Level[] = [];
  private readonly entries = new Map<string, Entry>();

  constructor(tickSize: Cents) {
    if (!Number.isSafeInteger(tickSize) || tickSize <= 0) {
      throw new RangeError(`tickSize must be a positive whole number of cents, got ${tickSize}`);
    }
    this.tickSize = tickSize;
  }

  /** Orders resting on the book. */
  get size(): number {
    return this.entries.size;
  }

  bestBid(): Cents | undefined {
    return this.bids[0]?.price;
  }

  bestAsk(): Cents | undefined {
    return this.asks[0]?.price;
  }

  get(orderId: string): RestingOrder | undefined {
    const entry = this.entries.get(orderId);
    return entry === undefined ? undefined : copy(entry);
  }

  /** Why the book would refuse `order` as it stands now, or undefined. Changes nothing. */
  check(order: IncomingOrder): BookRejectReason | undefined {
    if (!Number.isSafeInteger(order.quantity) || order.quantity <= 0) return 'bad-quantity';
    if (order.type === 'market') {
      if (order.price !== undefined) return 'bad-price';
      return this.opposite(order.side).length === 0 ? 'no-liquidity' : undefined;
    }
    const price = order.price;
    if (price === undefined || !Number.isSafeInteger(price) || price <= 0) return 'bad-price';
    if (!isOnTick(price, this.tickSize)) return 'price-off-tick';
    return undefined;
  }

  /** Matches `order` against the book and rests what a limit order has left. */
  place(order: IncomingOrder): PlaceResult {
    const refused = this.check(order);
    if (refused !== undefined) return { status: 'rejected', reason: refused };
    if (this.entries.has(order.id)) throw new RangeError(`order ${order.id} is already on the book`);

    const fills: Fill[] = [];
    const selfTradeCancels: RestingOrder[] = [];
    const levels = this.opposite(order.side);
    let remaining = order.quantity;
    while (remaining > 0 && levels.length > 0) {
      const level = levels[0]!;
      if (order.type === 'limit' && !crosses(order.side, order.price!, level.price)) break;
      const maker = level.orders[0]!;
      if (maker.owner === order.owner) {
        this.removeFront(levels, level);
        selfTradeCancels.push(copy(maker));
        continue;
      }
      const quantity = Math.min(remaining, maker.remaining);
      remaining -= quantity;
      maker.remaining -= quantity;
      level.quantity -= quantity;
      if (maker.remaining === 0) this.removeFront(levels, level);
      fills.push({
        makerOrderId: maker.id,
        makerOwner: maker.owner,
        takerOrderId: order.id,
        price: level.price,
        quantity,
        makerRemaining: maker.remaining,
        takerRemaining: remaining,
      });
    }

    if (order.type === 'market')
      return { status: 'placed', fills, selfTradeCancels, rested: 0, unfilled: remaining };
    if (remaining > 0) this.rest(order, order.price!, remaining);
    return { status: 'placed', fills, selfTradeCancels, rested: remaining, unfilled: 0 };
  }

  /** Takes a resting order off the book; undefined when it is not there (filled, cancelled, unknown). */
  cancel(orderId: string): RestingOrder | undefined {
    const entry = this.entries.get(orderId);
    if (entry === undefined) return undefined;
    const levels = entry.side === 'buy' ? this.bids : this.asks;
    const index = findLevel(levels, entry.side, entry.price);
    const level = levels[index]!;
    level.orders.splice(level.orders.indexOf(entry), 1);
    level.quantity -= entry.remaining;
    if (level.orders.length === 0) levels.splice(index, 1);
    this.entries.delete(orderId);
    return copy(entry);
  }

  /**
   * Puts an order back on the book as it was, without matching it: for rebuilding a book from saved
   * state. Orders must come oldest first (that is their time priority at a price) and may not cross
   * the other side, as no order resting on a live book does.
   */
  insert(order: RestingOrder): void {
    if (this.entries.has(order.id)) throw new RangeError(`order ${order.id} is already on the book`);
    const { side, price, quantity, remaining } = order;
    if (!Number.isSafeInteger(price) || price <= 0 || !isOnTick(price, this.tickSize)) {
      throw new RangeError(`order ${order.id}: no price on the tick grid, got ${price}`);
    }
    if (!Number.isSafeInteger(remaining) || remaining <= 0 || remaining > quantity) {
      throw new RangeError(`order ${order.id}: remaining must be from 1 to its quantity, got ${remaining}`);
    }
    const best = this.opposite(side)[0];
    if (best !== undefined && crosses(side, price, best.price)) {
      throw new RangeError(`order ${order.id} at ${price} crosses the other side at ${best.price}`);
    }
    this.rest(order, price, remaining);
  }

  /** The best `levels` price levels of each side, aggregated. */
  depth(levels: number): Depth {
    return { bids: aggregate(this.bids, levels), asks: aggregate(this.asks, levels) };
  }

  private opposite(side: Side): Level[] {
    return side === 'buy' ? this.asks : this.bids;
  }

  private rest(
    order: Pick<IncomingOrder, 'id' | 'owner' | 'side' | 'quantity'>,
    price: Cents,
    remaining: number,
  ): void {
    const entry: Entry = {
      id: order.id,
      owner: order.owner,
      side: order.side,
      price,
      quantity: order.quantity,
      remaining,
    };
    const levels = order.side === 'buy' ? this.bids : this.asks;
    const index = findLevel(levels, order.side, price);
    let level = levels[index];
    if (level === undefined || level.price !== price) {
      level = { price, orders: [], quantity: 0 };
      levels.splice(index, 0, level);
    }
    level.orders.push(entry);
    level.quantity += remaining;
    this.entries.set(entry.id, entry);
  }

  /** Removes the first order of the best level, and the level once empty. */
  private removeFront(levels: Level[], level: Level): void {
    const entry = level.orders.shift()!;
    level.quantity -= entry.remaining;
    this.entries.delete(entry.id);
    if (level.orders.length === 0) levels.shift();
  }
}

/** Whether an incoming order at `limit` may trade against a resting order at `resting`. */
function crosses(side: Side, limit: Cents, resting: Cents): boolean {
  return side === 'buy' ? resting <= limit : resting >= limit;
}

/**
 * Where the level for `price` is, or where it would go: binary search over a side kept best first
 * (bids descending, asks ascending).
 */
function findLevel(levels: readonly Level[], side: Side, price: Cents): number {
  let low = 0;
  let high = levels.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const other = levels[middle]!.price;
    const before = side === 'buy' ? other > price : other < price;
    if (before) low = middle + 1;
    else high = middle;
  }
  return low;
}

function aggregate(levels: readonly Level[], count: number): BookLevel[] {
  return levels
    .slice(0, count)
    .map((level) => ({ price: level.price, quantity: level.quantity, orders: level.orders.length }));
}

function copy(entry: Entry): RestingOrder {
  return {
    id: entry.id,
    owner: entry.owner,
    side: entry.side,
    price: entry.price,
    quantity: entry.quantity,
    remaining: entry.remaining,
  };
}
