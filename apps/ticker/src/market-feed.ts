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
  type Candle,
  type CandleHistory,
  type CandleInterval,
  type Instrument,
  MarketDestination,
  type OrderEvent,
  type Portfolio,
  type Quote,
  type Trade,
} from '@stomping-ground/protocol';
import {
  isBookDepth,
  isCandle,
  isCandleHistory,
  isInstrumentList,
  isOrderEvent,
  isPortfolio,
  isQuote,
  isTrade,
  isTradeTape,
  parseJson,
} from './payloads';

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
      json(isOrderEvent, (event) => handlers.orderEvent(event)),
    );
    connection.subscribe(
      MarketDestination.portfolio,
      json(isPortfolio, (portfolio) => handlers.portfolio(portfolio)),
    );
    connection.subscribe(
      MarketDestination.instruments,
      json(isInstrumentList, (list) => handlers.instruments(list)),
    );
    connection.subscribe(MarketDestination.trades, (message) => {
      const value = parseJson(message.body);
      // The snapshot is the recent tape; then one trade per message.
      if (isTradeTape(value)) handlers.trades(value.trades);
      else if (isTrade(value)) handlers.trades([value]);
    });
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
          json(isQuote, (quote) => this.handlers.quote(quote)),
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
      json(isBookDepth, (depth) => handlers.book(depth)),
    );
    const stopCandles = connection.subscribe(MarketDestination.candles(symbol, interval), (message) => {
      const value = parseJson(message.body);
      // The snapshot is the history; then the open candle as it changes, and each new one.
      if (isCandleHistory(value)) handlers.candleHistory(value);
      else if (isCandle(value)) handlers.candle(value);
    });
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

/** A message handler that parses JSON and passes on only bodies of the expected shape. */
function json<T>(
  guard: (value: unknown) => value is T,
  handle: (value: T) => void,
): (message: IMessage) => void {
  return (message) => {
    const value = parseJson(message.body);
    if (guard(value)) handle(value);
  };
}
