/**
 * Market data derived from trades: each symbol's last price, change since the open and volume,
 * its candles, and the recent tape. Fed one trade at a time; read when publishing and for snapshots.
 */
import type { CandleInterval, Cents, Quote, Trade, TradeTape } from '@stomping-ground/protocol';
import { CANDLE_INTERVALS, CandleSeries } from './candles';
import type { InstrumentSpec } from './instruments';

export interface MarketDataOptions {
  /** Trades kept for the tape's snapshot. */
  readonly tapeLength: number;
  /** Candles kept per symbol and interval. */
  readonly candleCapacity: Readonly<Record<CandleInterval, number>>;
}

interface SymbolStats {
  /** The session's open: `change` is measured from it. */
  readonly open: Cents;
  last: Cents;
  volume: number;
  readonly candles: Readonly<Record<CandleInterval, CandleSeries>>;
}

export class MarketData {
  private readonly symbols = new Map<string, SymbolStats>();
  private readonly tapeLength: number;
  private readonly tape: Trade[] = [];

  constructor(instruments: readonly InstrumentSpec[], options: MarketDataOptions) {
    this.tapeLength = options.tapeLength;
    for (const { symbol, referencePrice } of instruments) {
      const candles = {} as Record<CandleInterval, CandleSeries>;
      for (const interval of CANDLE_INTERVALS) {
        candles[interval] = new CandleSeries(symbol, interval, options.candleCapacity[interval]);
      }
      this.symbols.set(symbol, { open: referencePrice, last: referencePrice, volume: 0, candles });
    }
  }

  record(trade: Trade): void {
    const stats = this.symbols.get(trade.symbol);
    if (stats === undefined) throw new RangeError(`no instrument ${trade.symbol}`);
    stats.last = trade.price;
    stats.volume += trade.quantity;
    for (const interval of CANDLE_INTERVALS) {
      stats.candles[interval].record(trade.price, trade.quantity, trade.time);
    }
    this.tape.push(trade);
    if (this.tape.length > this.tapeLength) this.tape.shift();
  }

  /** The last trade price, or the reference price before the first trade. */
  lastPrice(symbol: string): Cents | undefined {
    return this.symbols.get(symbol)?.last;
  }

  /** A quote from the book's best prices (0 for an empty side) and the trade statistics. */
  quote(symbol: string, bid: Cents | undefined, ask: Cents | undefined, time: number): Quote | undefined {
    const stats = this.symbols.get(symbol);
    if (stats === undefined) return undefined;
    return {
      symbol,
      bid: bid ?? 0,
      ask: ask ?? 0,
      last: stats.last,
      change: stats.last - stats.open,
      volume: stats.volume,
      time,
    };
  }

  candles(symbol: string, interval: CandleInterval): CandleSeries | undefined {
    return this.symbols.get(symbol)?.candles[interval];
  }

  recentTrades(): TradeTape {
    return { trades: [...this.tape] };
  }
}
