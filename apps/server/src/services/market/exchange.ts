/**
 * The exchange: one order book per symbol, the orders resting in them, and the rules around the
 * books (known symbols, a bound on each user's open orders). Users and the simulation's traders
 * submit orders the same way; what happens comes back as an `ExecutionReport`, plain data the
 * market service turns into messages. No timers and no broker here either.
 */
import type {
  Cents,
  OrderEvent,
  OrderRequest,
  OrderState,
  OrderStatus,
  Trade,
} from '@stomping-ground/contracts';
import type { InstrumentSpec } from './instruments';
import { type BookRejectReason, type Depth, OrderBook, type RestingOrder } from './order-book';

/** Bounds that keep price × quantity, and every cash sum, exact in a double. */
export const MAX_QUANTITY = 1_000_000;
export const MAX_PRICE: Cents = 100_000_000;

/** Who is behind an order: a logged-in user, or one of the simulation's participants. */
export type Owner =
  | { readonly kind: 'user'; readonly login: string }
  | { readonly kind: 'simulated'; readonly name: string };

/** An order as the client sent it (`clientOrderId` is empty for simulated ones), and whose it is. */
export interface NewOrder extends OrderRequest {
  readonly owner: Owner;
}

/** Why an order is refused, for a person to read. */
export interface Refusal {
  readonly reason: BookRejectReason | 'unknown-symbol' | 'too-many-open-orders';
  readonly message: string;
}

/** An order event for one user. */
export interface UserEvent {
  readonly login: string;
  readonly event: OrderEvent;
}

export interface ExecutedTrade {
  readonly trade: Trade;
  readonly buyer: Owner;
  readonly seller: Owner;
}

export interface ExecutionReport {
  readonly symbol: string;
  /** The submitted order's state once matching is done; undefined for a cancel. */
  readonly order: OrderState | undefined;
  /** For users only, in the order each should read them. */
  readonly events: readonly UserEvent[];
  readonly trades: readonly ExecutedTrade[];
}

export interface ExchangeOptions {
  /** Limit orders one login may have resting at once. */
  readonly maxOpenOrdersPerLogin: number;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

/**
 * The exchange as plain data, for saving and restoring (see `state.ts`). The books are not stored
 * apart: every resting order is listed once, oldest first, which is also the time priority within
 * each price level, so the books are rebuilt by putting the orders back in that order.
 */
export interface ExchangeState {
  /** The last order id handed out (`o<n>`): ids go on from there. */
  readonly orderSequence: number;
  /** The last trade id handed out. */
  readonly tradeSequence: number;
  readonly open: readonly OpenOrderState[];
}

/** A resting order: whose, and its state (`quantity - filled` is what rests). */
export interface OpenOrderState {
  readonly owner: Owner;
  readonly order: OrderState;
}

/** An order resting on a book, with everything its events need. */
interface OpenOrder {
  readonly owner: Owner;
  state: OrderState;
}

export class Exchange {
  private readonly instruments = new Map<string, InstrumentSpec>();
  private readonly books = new Map<string, OrderBook>();
  private readonly open = new Map<string, OpenOrder>();
  /** Resting order ids per login: the open-order bound, and what `refresh` lists. */
  private readonly openByLogin = new Map<string, Set<string>>();
  private readonly options: ExchangeOptions;
  private orderSequence = 0;
  private tradeSequence = 0;

  constructor(instruments: readonly InstrumentSpec[], options: ExchangeOptions) {
    this.options = options;
    for (const instrument of instruments) {
      this.instruments.set(instrument.symbol, instrument);
      this.books.set(instrument.symbol, new OrderBook(instrument.tickSize));
    }
  }

  bestBid(symbol: string): Cents | undefined {
    return this.books.get(symbol)?.bestBid();
  }

  bestAsk(symbol: string): Cents | undefined {
    return this.books.get(symbol)?.bestAsk();
  }

  depth(symbol: string, levels: number): Depth | undefined {
    return this.books.get(symbol)?.depth(levels);
  }

  /** Every order `login` has resting, oldest first. */
  openOrders(login: string): OrderState[] {
    const ids = this.openByLogin.get(login) ?? [];
    return [...ids].map((id) => this.open.get(id)!.state);
  }

  openOrderCount(login: string): number {
    return this.openByLogin.get(login)?.size ?? 0;
  }

  /**
   * Why `order` would be refused now, or undefined. `alsoResting` counts limit orders that will be
   * placed before it (a basket's), against the open-order bound. Changes nothing.
   */
  check(order: NewOrder, alsoResting = 0): Refusal | undefined {
    const instrument = this.instruments.get(order.symbol);
    const book = this.books.get(order.symbol);
    if (instrument === undefined || book === undefined) {
      return { reason: 'unknown-symbol', message: `no instrument ${JSON.stringify(order.symbol)}` };
    }
    if (order.quantity > MAX_QUANTITY) {
      return { reason: 'bad-quantity', message: `at most ${MAX_QUANTITY} per order, got ${order.quantity}` };
    }
    if (order.price !== undefined && order.price > MAX_PRICE) {
      return { reason: 'bad-price', message: `at most ${MAX_PRICE} cents, got ${order.price}` };
    }
    const refused = book.check({ ...order, id: '', owner: '' });
    if (refused !== undefined) return { reason: refused, message: explain(refused, order, instrument) };
    if (order.owner.kind === 'user' && order.type === 'limit') {
      const max = this.options.maxOpenOrdersPerLogin;
      if (this.openOrderCount(order.owner.login) + alsoResting >= max) {
        return {
          reason: 'too-many-open-orders',
          message: `at most ${max} orders may rest at once; cancel one first`,
        };
      }
    }
    return undefined;
  }

  /**
   * Accepts and matches an order that `check` passed (one it would refuse is an error here). A
   * market order that finds nothing left to trade with (a basket's earlier order took it) is
   * accepted and cancelled unfilled, like any market order's unfilled rest.
   */
  submit(order: NewOrder): ExecutionReport {
    const refusal = this.check(order);
    if (refusal !== undefined && refusal.reason !== 'no-liquidity') {
      throw new RangeError(`submit takes a checked order: ${refusal.message}`);
    }
    const book = this.books.get(order.symbol)!;
    const id = `o${++this.orderSequence}`;
    const now = this.options.now();
    const events: UserEvent[] = [];
    const trades: ExecutedTrade[] = [];
    let state: OrderState = {
      orderId: id,
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      quantity: order.quantity,
      ...(order.price === undefined ? {} : { price: order.price }),
      filled: 0,
      status: 'open',
      time: now,
    };
    const tell = (owner: Owner, event: OrderEvent) => {
      if (owner.kind === 'user') events.push({ login: owner.login, event });
    };
    tell(order.owner, { type: 'accepted', order: state });

    const result =
      refusal === undefined
        ? book.place({ ...order, id, owner: ownerKey(order.owner) })
        : ({
            status: 'placed',
            fills: [],
            selfTradeCancels: [],
            rested: 0,
            unfilled: order.quantity,
          } as const);
    if (result.status === 'rejected')
      throw new RangeError(`the book refused a checked order: ${result.reason}`);

    for (const cancelled of result.selfTradeCancels) {
      const resting = this.close(cancelled, 'cancelled', now);
      tell(resting.owner, { type: 'cancelled', order: resting.state });
    }
    for (const fill of result.fills) {
      const trade: Trade = {
        id: ++this.tradeSequence,
        symbol: order.symbol,
        price: fill.price,
        quantity: fill.quantity,
        aggressor: order.side,
        time: now,
      };
      const maker = this.open.get(fill.makerOrderId)!;
      maker.state = progressed(maker.state, fill.makerRemaining, now);
      if (fill.makerRemaining === 0) this.forget(fill.makerOrderId, maker.owner);
      state = progressed(state, fill.takerRemaining, now);
      tell(maker.owner, fillEvent(maker.state, trade));
      tell(order.owner, fillEvent(state, trade));
      trades.push({
        trade,
        buyer: order.side === 'buy' ? order.owner : maker.owner,
        seller: order.side === 'buy' ? maker.owner : order.owner,
      });
    }
    if (result.rested > 0) {
      this.remember(id, order.owner, state);
    } else if (result.unfilled > 0) {
      state = { ...state, status: 'cancelled', time: now };
      tell(order.owner, { type: 'cancelled', order: state });
    }
    return { symbol: order.symbol, order: state, events, trades };
  }

  /** Cancels a resting order of `owner`; undefined when it has none by that id (filled, cancelled, unknown, another's). */
  cancel(orderId: string, owner: Owner): ExecutionReport | undefined {
    const resting = this.open.get(orderId);
    if (resting === undefined || ownerKey(resting.owner) !== ownerKey(owner)) return undefined;
    const book = this.books.get(resting.state.symbol)!;
    const removed = book.cancel(orderId)!;
    const closed = this.close(removed, 'cancelled', this.options.now());
    const events: UserEvent[] = [];
    if (owner.kind === 'user')
      events.push({ login: owner.login, event: { type: 'cancelled', order: closed.state } });
    return { symbol: closed.state.symbol, order: undefined, events, trades: [] };
  }

  /** Every resting order (oldest first) and the id sequences, as plain data. */
  toState(): ExchangeState {
    return {
      orderSequence: this.orderSequence,
      tradeSequence: this.tradeSequence,
      open: [...this.open.values()].map(({ owner, state }) => ({ owner, order: state })),
    };
  }

  /** Replaces everything with `state`: the books are rebuilt, the sequences go on from its own. */
  restore(state: ExchangeState): void {
    this.open.clear();
    this.openByLogin.clear();
    for (const [symbol, book] of this.books) this.books.set(symbol, new OrderBook(book.tickSize));
    for (const { owner, order } of state.open) {
      const book = this.books.get(order.symbol);
      if (book === undefined) throw new RangeError(`order ${order.orderId}: no instrument ${order.symbol}`);
      if (order.type !== 'limit' || order.price === undefined) {
        throw new RangeError(`order ${order.orderId}: only limit orders rest`);
      }
      book.insert({
        id: order.orderId,
        owner: ownerKey(owner),
        side: order.side,
        price: order.price,
        quantity: order.quantity,
        remaining: order.quantity - order.filled,
      });
      this.remember(order.orderId, owner, order);
    }
    this.orderSequence = state.orderSequence;
    this.tradeSequence = state.tradeSequence;
  }

  private remember(id: string, owner: Owner, state: OrderState): void {
    this.open.set(id, { owner, state });
    if (owner.kind !== 'user') return;
    let ids = this.openByLogin.get(owner.login);
    if (ids === undefined) {
      ids = new Set();
      this.openByLogin.set(owner.login, ids);
    }
    ids.add(id);
  }

  private forget(id: string, owner: Owner): void {
    this.open.delete(id);
    if (owner.kind !== 'user') return;
    const ids = this.openByLogin.get(owner.login);
    ids?.delete(id);
    if (ids?.size === 0) this.openByLogin.delete(owner.login);
  }

  /** An order that left the book without filling: its final state. */
  private close(removed: RestingOrder, status: OrderStatus, now: number): OpenOrder {
    const resting = this.open.get(removed.id)!;
    this.forget(removed.id, resting.owner);
    resting.state = { ...resting.state, status, time: now };
    return resting;
  }
}

/** The book's notion of an owner: orders with the same key never trade with each other. */
function ownerKey(owner: Owner): string {
  return owner.kind === 'user' ? `user:${owner.login}` : `simulated:${owner.name}`;
}

function progressed(state: OrderState, remaining: number, now: number): OrderState {
  const filled = state.quantity - remaining;
  return { ...state, filled, status: remaining === 0 ? 'filled' : 'partially-filled', time: now };
}

function fillEvent(order: OrderState, trade: Trade): OrderEvent {
  return { type: 'fill', order, price: trade.price, quantity: trade.quantity, tradeId: trade.id };
}

function explain(reason: BookRejectReason, order: NewOrder, instrument: InstrumentSpec): string {
  switch (reason) {
    case 'bad-quantity':
      return `quantity must be a whole number above 0, got ${order.quantity}`;
    case 'bad-price':
      return order.type === 'market'
        ? 'a market order takes no price'
        : `a limit order needs a price in whole cents above 0, got ${order.price}`;
    case 'price-off-tick':
      return `${order.symbol} trades in steps of ${instrument.tickSize} cents; ${order.price} is not one`;
    case 'no-liquidity':
      return `nothing to ${order.side === 'buy' ? 'buy' : 'sell to'} in ${order.symbol}: the book's ${order.side === 'buy' ? 'ask' : 'bid'} side is empty`;
  }
}
