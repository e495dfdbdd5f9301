import { describe, expect, it } from 'vitest';
import { CandleSeries } from '../../src/services/market/candles';

describe('a candle series', () => {
  it('opens a candle per interval and updates high, low, close and volume within it', () => {
    const series = new CandleSeries('ACME', '1m', 3);
    const t = 1_700_000_040_000; // 1_700_000_040 s: a minute boundary
    series.record(100, 5, t);
    series.record(104, 1, t + 10_000);
    series.record(98, 2, t + 59_999);
    expect(series.record(101, 3, t + 60_000)).toMatchObject({ time: 1_700_000_100, open: 101, volume: 3 });
    expect(series.history().candles[0]).toEqual({
      symbol: 'ACME',
      interval: '1m',
      time: 1_700_000_040,
      open: 100,
      high: 104,
      low: 98,
      close: 98,
      volume: 8,
    });
  });

  it('keeps only the newest candles up to its capacity', () => {
    const series = new CandleSeries('ACME', '1s', 3);
    for (let second = 0; second < 5; second++) series.record(100 + second, 1, second * 1000);
    expect(series.history().candles.map((candle) => candle.time)).toEqual([2, 3, 4]);
  });

  it('adds a trade stamped before the current candle to the current one', () => {
    const series = new CandleSeries('ACME', '1s', 3);
    series.record(100, 1, 5_000);
    series.record(90, 1, 4_000);
    expect(series.history().candles).toHaveLength(1);
    expect(series.current()).toMatchObject({ time: 5, low: 90, close: 90, volume: 2 });
  });
});
