/**
 * Message bodies are JSON (see the market contract). Parsing checks just enough of each shape that
 * the page cannot be thrown by a body it did not expect: it shows nothing rather than NaN.
 *
 * A SUBSCRIBE to a market topic is answered first with a snapshot: for quotes and book depth it has
 * the same shape as an update; for candles it is a `CandleHistory`, for the tape a `TradeTape`.
 */
import type {
  BookDepth,
  BookLevel,
  Candle,
  CandleHistory,
  Instrument,
  OrderEvent,
  OrderState,
  Portfolio,
  Quote,
  Trade,
  TradeTape,
} from '@stomping-ground/protocol';

type Json = Record<string, unknown>;

/** The body parsed as JSON, or undefined when it is not JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numbers(value: Json, ...keys: string[]): boolean {
  return keys.every((key) => typeof value[key] === 'number' && Number.isFinite(value[key]));
}

function strings(value: Json, ...keys: string[]): boolean {
  return keys.every((key) => typeof value[key] === 'string');
}

export function isInstrumentList(value: unknown): value is Instrument[] {
  return (
    Array.isArray(value) &&
    value.every((item) => isObject(item) && strings(item, 'symbol', 'name') && numbers(item, 'tickSize'))
  );
}

export function isQuote(value: unknown): value is Quote {
  return (
    isObject(value) &&
    strings(value, 'symbol') &&
    numbers(value, 'bid', 'ask', 'last', 'change', 'volume', 'time')
  );
}

function isBookLevel(value: unknown): value is BookLevel {
  return isObject(value) && numbers(value, 'price', 'quantity', 'orders');
}

export function isBookDepth(value: unknown): value is BookDepth {
  return (
    isObject(value) &&
    strings(value, 'symbol') &&
    Array.isArray(value.bids) &&
    Array.isArray(value.asks) &&
    value.bids.every(isBookLevel) &&
    value.asks.every(isBookLevel)
  );
}

export function isCandle(value: unknown): value is Candle {
  return (
    isObject(value) &&
    strings(value, 'symbol', 'interval') &&
    numbers(value, 'time', 'open', 'high', 'low', 'close', 'volume')
  );
}

export function isCandleHistory(value: unknown): value is CandleHistory {
  return (
    isObject(value) &&
    strings(value, 'symbol', 'interval') &&
    Array.isArray(value.candles) &&
    value.candles.every(isCandle)
  );
}

export function isTrade(value: unknown): value is Trade {
  return (
    isObject(value) &&
    strings(value, 'symbol', 'aggressor') &&
    numbers(value, 'id', 'price', 'quantity', 'time')
  );
}

export function isTradeTape(value: unknown): value is TradeTape {
  return isObject(value) && Array.isArray(value.trades) && value.trades.every(isTrade);
}

function isOrderState(value: unknown): value is OrderState {
  return (
    isObject(value) &&
    strings(value, 'orderId', 'clientOrderId', 'symbol', 'side', 'type', 'status') &&
    numbers(value, 'quantity', 'filled', 'time')
  );
}

export function isOrderEvent(value: unknown): value is OrderEvent {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'accepted':
    case 'cancelled':
      return isOrderState(value.order);
    case 'fill':
      return isOrderState(value.order) && numbers(value, 'price', 'quantity', 'tradeId');
    case 'rejected':
      return strings(value, 'clientOrderId', 'reason');
    case 'open-orders':
      return Array.isArray(value.orders) && value.orders.every(isOrderState);
    default:
      return false;
  }
}

export function isPortfolio(value: unknown): value is Portfolio {
  return (
    isObject(value) &&
    numbers(value, 'cash', 'realizedPnl', 'unrealizedPnl') &&
    Array.isArray(value.positions) &&
    value.positions.every(
      (position) =>
        isObject(position) &&
        strings(position, 'symbol') &&
        numbers(position, 'quantity', 'averagePrice', 'realizedPnl', 'unrealizedPnl'),
    )
  );
}
