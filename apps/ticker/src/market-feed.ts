/**
 * Which destinations the page listens to, and what each message means.
 *
 * Always: the private order and portfolio queues, the instrument list and the trade tape. Per
 * symbol on the board: its quotes. For the chosen symbol: its book and its candles at the chosen
 * interval; choosing another symbol UNSUBSCRIBEs those and SUBSCRIBEs the new ones, and each
 * SUBSCRIBE is answered with a snapshot first.
 */
import type { IMessage, StompConnection } from '@stomping-ground/client';
import {
  type BookDepth,
  BookDepthSchema,
  type Candle,
  type CandleHistory,
  CandleHistorySchema,
  type CandleInterval,
  CandleSchema,
  type Instrument,
  InstrumentListSchema,
  MarketDestination,
  type OrderEvent,
  OrderEventSchema,
  type Portfolio,
  PortfolioSchema,
  parseJsonBody,
  type Quote,
  QuoteSchema,
  type Trade,
  TradeSchema,
  TradeTapeSchema,
} from '@stomping-ground/contracts';
import * as v from 'valibot';

/** The trades topic: the recent tape as the subscribe snapshot, then one trade per message. */
const TradesMessageSchema = v.union([TradeTapeSchema, TradeSchema]);

/** A candles topic: the history as the subscribe snapshot, then the open candle as it changes. */
const CandlesMessageSchema = v.union([CandleHistorySchema, CandleSchema]);

export interface FeedHandlers {
  instruments(instruments: readonly Instrument[]): void;
  quote(quote: Quote): void;
  book(depth: BookDepth): void;
  candleHistory(history: CandleHistory): void;
  candle(candle: Candle): void;
  trades(trades: readonly Trade[]): void;
  orderEvent(event: OrderEvent): void;
  portfolio(portfolio: Portfolio): void;
}

export class MarketFeed {
  private readonly quoteSubscriptions = new Map<string, () => void>();
  private watched: { symbol: string; interval: CandleInterval; stop: () => void } | undefined;

  constructor(
    private readonly connection: StompConnection,
    private readonly handlers: FeedHandlers,
  ) {}

  /** The subscriptions the page always holds. The private queues come first, before any refresh. */
  start(): void {
    const { connection, handlers } = this;
    connection.subscribe(
      MarketDestination.orderEvents,
      json(OrderEventSchema, (event) => handlers.orderEvent(event)),
    );
    connection.subscribe(
      MarketDestination.portfolio,
      json(PortfolioSchema, (portfolio) => handlers.portfolio(portfolio)),
    );
    connection.subscribe(
      MarketDestination.instruments,
      json(InstrumentListSchema, (list) => handlers.instruments(list)),
    );
    connection.subscribe(
      MarketDestination.trades,
      // The snapshot is the recent tape; then one trade per message.
      json(TradesMessageSchema, (value) => handlers.trades('trades' in value ? value.trades : [value])),
    );
  }

  /** Quotes for exactly these symbols: new ones are subscribed, dropped ones unsubscribed. */
  setSymbols(symbols: readonly string[]): void {
    const wanted = new Set(symbols);
    for (const [symbol, stop] of this.quoteSubscriptions) {
      if (!wanted.has(symbol)) {
        stop();
        this.quoteSubscriptions.delete(symbol);
      }
    }
    for (const symbol of wanted) {
      if (this.quoteSubscriptions.has(symbol)) continue;
      this.quoteSubscriptions.set(
        symbol,
        this.connection.subscribe(
          MarketDestination.quotes(symbol),
          json(QuoteSchema, (quote) => this.handlers.quote(quote)),
        ),
      );
    }
  }

  /** The book and candles of one symbol at one interval. */
  watch(symbol: string, interval: CandleInterval): void {
    if (this.watched?.symbol === symbol && this.watched.interval === interval) return;
    this.watched?.stop();
    const { connection, handlers } = this;
    const stopBook = connection.subscribe(
      MarketDestination.book(symbol),
      json(BookDepthSchema, (depth) => handlers.book(depth)),
    );
    const stopCandles = connection.subscribe(
      MarketDestination.candles(symbol, interval),
      // The snapshot is the history; then the open candle as it changes, and each new one.
      json(CandlesMessageSchema, (value) => {
        if ('candles' in value) handlers.candleHistory(value);
        else handlers.candle(value);
      }),
    );
    this.watched = {
      symbol,
      interval,
      stop: () => {
        stopBook();
        stopCandles();
      },
    };
  }
}

/**
 * A message handler that parses JSON and passes on only bodies of the contract's shape: the page
 * shows nothing rather than NaN for a body it did not expect.
 */
function json<TSchema extends v.GenericSchema>(
  schema: TSchema,
  handle: (value: v.InferOutput<TSchema>) => void,
): (message: IMessage) => void {
  return (message) => {
    const value = parseJsonBody(schema, message.body);
    if (value !== undefined) handle(value);
  };
}
