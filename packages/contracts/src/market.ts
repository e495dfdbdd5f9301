/**
 * The market's wire contract: the destinations the market service and the ticker page share, and
 * the JSON payloads on each, as valibot schemas with their types derived from them. Prices and cash
 * are in integer cents, so no float rounding reaches an order book or a P&L.
 *
 * State streams (quotes, book depth, candles) live under `/topic/market/` and may be conflated for
 * a slow reader: only the latest matters. Events (the trade tape, a user's order events) are never
 * dropped: the tape has a destination rule of its own, and user queues are per login.
 *
 * The schemas check shapes, not sense: whether a symbol exists or a price sits on the tick grid is
 * the exchange's business, answered with a `RejectReason`.
 */
import * as v from 'valibot';
import { list, record } from './schema';

/** Price unit: integer cents. */
export type Cents = number;

export const SideSchema = v.picklist(['buy', 'sell'], 'side must be "buy" or "sell"');
export type Side = v.InferOutput<typeof SideSchema>;

export const OrderTypeSchema = v.picklist(['limit', 'market'], 'type must be "limit" or "market"');
export type OrderType = v.InferOutput<typeof OrderTypeSchema>;

export const CandleIntervalSchema = v.picklist(['1s', '1m']);
export type CandleInterval = v.InferOutput<typeof CandleIntervalSchema>;

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

// ── Reference data and market data (server → page) ─────────────────────────────────────────────

export const InstrumentSchema = record({
  symbol: v.string(),
  name: v.string(),
  /** The price grid, in cents: every order price is a multiple of it. */
  tickSize: v.number(),
});
export type Instrument = v.InferOutput<typeof InstrumentSchema>;

/** The body on `MarketDestination.instruments`. */
export const InstrumentListSchema = list(InstrumentSchema);

export const QuoteSchema = record({
  symbol: v.string(),
  bid: v.number(),
  ask: v.number(),
  last: v.number(),
  /** Since the session's open. */
  change: v.number(),
  volume: v.number(),
  /** Milliseconds since the epoch. */
  time: v.number(),
});
export type Quote = v.InferOutput<typeof QuoteSchema>;

export const BookLevelSchema = record({
  price: v.number(),
  quantity: v.number(),
  orders: v.number(),
});
export type BookLevel = v.InferOutput<typeof BookLevelSchema>;

export const BookDepthSchema = record({
  symbol: v.string(),
  /** Best (highest) first. */
  bids: list(BookLevelSchema),
  /** Best (lowest) first. */
  asks: list(BookLevelSchema),
  time: v.number(),
});
export type BookDepth = v.InferOutput<typeof BookDepthSchema>;

export const CandleSchema = record({
  symbol: v.string(),
  interval: CandleIntervalSchema,
  /** Start of the candle, seconds since the epoch. */
  time: v.number(),
  open: v.number(),
  high: v.number(),
  low: v.number(),
  close: v.number(),
  volume: v.number(),
});
export type Candle = v.InferOutput<typeof CandleSchema>;

/** The subscribe snapshot on a candles topic; the updates after it are single `Candle`s. */
export const CandleHistorySchema = record({
  symbol: v.string(),
  interval: CandleIntervalSchema,
  candles: list(CandleSchema),
});
export type CandleHistory = v.InferOutput<typeof CandleHistorySchema>;

export const TradeSchema = record({
  id: v.number(),
  symbol: v.string(),
  price: v.number(),
  quantity: v.number(),
  /** The side of the order that took liquidity. */
  aggressor: SideSchema,
  time: v.number(),
});
export type Trade = v.InferOutput<typeof TradeSchema>;

/** The subscribe snapshot on the trades topic; the updates after it are single `Trade`s. */
export const TradeTapeSchema = record({ trades: list(TradeSchema) });
export type TradeTape = v.InferOutput<typeof TradeTapeSchema>;

// ── Requests (page → server, SENT to `/app/market/…`) ──────────────────────────────────────────

/** The longest `clientOrderId` the market takes. */
export const MAX_CLIENT_ORDER_ID_LENGTH = 64;

const CLIENT_ORDER_ID_MESSAGE = `clientOrderId must be a string of 1 to ${MAX_CLIENT_ORDER_ID_LENGTH} characters`;

/** An order's `clientOrderId`: the market echoes it on a refusal when it can be read alone. */
export const ClientOrderIdSchema = v.pipe(
  v.string(CLIENT_ORDER_ID_MESSAGE),
  v.minLength(1, CLIENT_ORDER_ID_MESSAGE),
  v.maxLength(MAX_CLIENT_ORDER_ID_LENGTH, CLIENT_ORDER_ID_MESSAGE),
);

/**
 * A new order. The messages are what a refused order's `rejected` event says. Fields are checked in
 * this order; the market answers with the first that does not fit.
 */
export const OrderRequestSchema = record({
  /** Chosen by the client, echoed on every event of the order. */
  clientOrderId: ClientOrderIdSchema,
  symbol: v.string('symbol must be a string'),
  side: SideSchema,
  type: OrderTypeSchema,
  quantity: v.number('quantity must be a number'),
  /** Limit orders only. */
  price: v.exactOptional(v.number('price must be a number of cents')),
});
export type OrderRequest = v.InferOutput<typeof OrderRequestSchema>;

export const CancelRequestSchema = record({
  orderId: v.pipe(
    v.string('orderId must be a non-empty string'),
    v.minLength(1, 'orderId must be a non-empty string'),
  ),
});
export type CancelRequest = v.InferOutput<typeof CancelRequestSchema>;

// ── The sender's orders and portfolio (server → page, on user queues) ──────────────────────────

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
export const RejectReasonSchema = v.picklist(Object.values(RejectReason));

export const OrderStatusSchema = v.picklist(['open', 'partially-filled', 'filled', 'cancelled', 'rejected']);
export type OrderStatus = v.InferOutput<typeof OrderStatusSchema>;

export const OrderStateSchema = record({
  orderId: v.string(),
  clientOrderId: v.string(),
  symbol: v.string(),
  side: SideSchema,
  type: OrderTypeSchema,
  quantity: v.number(),
  price: v.exactOptional(v.number()),
  filled: v.number(),
  status: OrderStatusSchema,
  time: v.number(),
});
export type OrderState = v.InferOutput<typeof OrderStateSchema>;

export const OrderEventSchema = v.pipe(
  v.variant('type', [
    v.object({ type: v.literal('accepted'), order: OrderStateSchema }),
    v.object({
      type: v.literal('rejected'),
      /** The refused order's; empty when it could not be read, and for a refused cancel or refresh. */
      clientOrderId: v.string(),
      reason: RejectReasonSchema,
      message: v.string(),
    }),
    v.object({
      type: v.literal('fill'),
      order: OrderStateSchema,
      price: v.number(),
      quantity: v.number(),
      tradeId: v.number(),
    }),
    v.object({ type: v.literal('cancelled'), order: OrderStateSchema }),
    /** After a reconnect (`refresh`): every order still open. */
    v.object({ type: v.literal('open-orders'), orders: list(OrderStateSchema) }),
  ]),
  v.readonly(),
);
export type OrderEvent = v.InferOutput<typeof OrderEventSchema>;

export const PositionSchema = record({
  symbol: v.string(),
  /** Negative when short. */
  quantity: v.number(),
  /** Average entry price of the open quantity. */
  averagePrice: v.number(),
  realizedPnl: v.number(),
  /** At the last trade price. */
  unrealizedPnl: v.number(),
});
export type Position = v.InferOutput<typeof PositionSchema>;

export const PortfolioSchema = record({
  login: v.string(),
  cash: v.number(),
  positions: list(PositionSchema),
  realizedPnl: v.number(),
  unrealizedPnl: v.number(),
  time: v.number(),
});
export type Portfolio = v.InferOutput<typeof PortfolioSchema>;
