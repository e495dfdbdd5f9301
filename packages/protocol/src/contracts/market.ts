/**
 * The market's wire contract: the destinations the market service and the ticker page share, and
 * the JSON payloads on each. Prices and cash are in integer cents, so no float rounding reaches an
 * order book or a P&L.
 *
 * State streams (quotes, book depth, candles) live under `/topic/market/` and may be conflated for
 * a slow reader: only the latest matters. Events (the trade tape, a user's order events) are never
 * dropped: the tape has a destination rule of its own, and user queues are per login.
 */

/** Price unit: integer cents. */
export type Cents = number;

export type Side = 'buy' | 'sell';
export type OrderType = 'limit' | 'market';

export const MarketDestination = {
  /** Quote for one symbol: `Quote`. A subscriber gets the current quote at once, then updates. */
  quotes: (symbol: string) => `/topic/market/quotes.${symbol}`,
  /** Order book depth for one symbol: `BookDepth`. Snapshot on subscribe. */
  book: (symbol: string) => `/topic/market/book.${symbol}`,
  /** Candles for one symbol and interval: `Candle` updates; the subscribe snapshot is `CandleHistory`. */
  candles: (symbol: string, interval: CandleInterval) => `/topic/market/candles.${symbol}.${interval}`,
  /** Every trade, in order: `Trade`. Events: a rule of its own keeps them from conflation; the snapshot is the recent `TradeTape`. */
  trades: '/topic/market/trades',
  /** The symbol list and reference data: `Instrument[]`, as a snapshot on subscribe. */
  instruments: '/topic/market/instruments',
  /** SEND an `OrderRequest` (with a receipt). */
  placeOrder: '/app/market/orders',
  /** SEND a `CancelRequest`. */
  cancelOrder: '/app/market/cancel',
  /** SEND an empty body to have the portfolio and open orders sent again (after a reconnect). */
  refresh: '/app/market/refresh',
  /** The sender's order events: `OrderEvent`. The subscribe snapshot is an `open-orders` event. */
  orderEvents: '/user/queue/orders',
  /** The sender's positions, cash and P&L: `Portfolio`, after every change. Snapshot on subscribe. */
  portfolio: '/user/queue/portfolio',
} as const;

export type CandleInterval = '1s' | '1m';

export interface Instrument {
  readonly symbol: string;
  readonly name: string;
  /** The price grid: every order price is a multiple of it. */
  readonly tickSize: Cents;
}

export interface Quote {
  readonly symbol: string;
  readonly bid: Cents;
  readonly ask: Cents;
  readonly last: Cents;
  /** Since the session's open. */
  readonly change: Cents;
  readonly volume: number;
  /** Milliseconds since the epoch. */
  readonly time: number;
}

export interface BookLevel {
  readonly price: Cents;
  readonly quantity: number;
  readonly orders: number;
}

export interface BookDepth {
  readonly symbol: string;
  /** Best (highest) first. */
  readonly bids: readonly BookLevel[];
  /** Best (lowest) first. */
  readonly asks: readonly BookLevel[];
  readonly time: number;
}

export interface Candle {
  readonly symbol: string;
  readonly interval: CandleInterval;
  /** Start of the candle, seconds since the epoch. */
  readonly time: number;
  readonly open: Cents;
  readonly high: Cents;
  readonly low: Cents;
  readonly close: Cents;
  readonly volume: number;
}

export interface CandleHistory {
  readonly symbol: string;
  readonly interval: CandleInterval;
  readonly candles: readonly Candle[];
}

export interface Trade {
  readonly id: number;
  readonly symbol: string;
  readonly price: Cents;
  readonly quantity: number;
  /** The side of the order that took liquidity. */
  readonly aggressor: Side;
  readonly time: number;
}

export interface TradeTape {
  readonly trades: readonly Trade[];
}

export interface OrderRequest {
  /** Chosen by the client, echoed on every event of the order. */
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly quantity: number;
  /** Limit orders only. */
  readonly price?: Cents;
}

export interface CancelRequest {
  readonly orderId: string;
}

export const RejectReason = {
  UNKNOWN_SYMBOL: 'unknown-symbol',
  BAD_QUANTITY: 'bad-quantity',
  BAD_PRICE: 'bad-price',
  OFF_TICK: 'price-off-tick',
  TOO_MANY_OPEN_ORDERS: 'too-many-open-orders',
  RATE_LIMITED: 'rate-limited',
  NO_LIQUIDITY: 'no-liquidity',
  UNKNOWN_ORDER: 'unknown-order',
  MALFORMED: 'malformed',
  BASKET_FAILED: 'basket-failed',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

export type OrderStatus = 'open' | 'partially-filled' | 'filled' | 'cancelled' | 'rejected';

export interface OrderState {
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly quantity: number;
  readonly price?: Cents;
  readonly filled: number;
  readonly status: OrderStatus;
  readonly time: number;
}

export type OrderEvent =
  | { readonly type: 'accepted'; readonly order: OrderState }
  | {
      readonly type: 'rejected';
      /** The refused order's; empty when it could not be read, and for a refused cancel or refresh. */
      readonly clientOrderId: string;
      readonly reason: RejectReason;
      readonly message: string;
    }
  | {
      readonly type: 'fill';
      readonly order: OrderState;
      readonly price: Cents;
      readonly quantity: number;
      readonly tradeId: number;
    }
  | { readonly type: 'cancelled'; readonly order: OrderState }
  /** After a reconnect (`refresh`): every order still open. */
  | { readonly type: 'open-orders'; readonly orders: readonly OrderState[] };

export interface Position {
  readonly symbol: string;
  /** Negative when short. */
  readonly quantity: number;
  /** Average entry price of the open quantity. */
  readonly averagePrice: Cents;
  readonly realizedPnl: Cents;
  /** At the last trade price. */
  readonly unrealizedPnl: Cents;
}

export interface Portfolio {
  readonly login: string;
  readonly cash: Cents;
  readonly positions: readonly Position[];
  readonly realizedPnl: Cents;
  readonly unrealizedPnl: Cents;
  readonly time: number;
}
