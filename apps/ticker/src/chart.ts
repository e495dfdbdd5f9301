/**
 * The candlestick chart of the chosen symbol, with lightweight-charts: the candle snapshot (a
 * `CandleHistory`, the broker's answer to SUBSCRIBE) sets the whole series, then each `Candle`
 * update either redraws the open candle or starts the next one.
 */
import type { Candle, CandleHistory, CandleInterval } from '@stomping-ground/contracts';
import {
  type CandlestickData,
  CandlestickSeries,
  ColorType,
  createChart,
  type HistogramData,
  HistogramSeries,
  type IChartApi,
  type ISeriesApi,
  TickMarkType,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { frameScheduler, h, setText } from './dom';
import { candlesFromHistory, mergeCandle } from './market-state';
import { centsToNumber } from './money';

export const CANDLE_INTERVALS: readonly CandleInterval[] = ['1s', '1m'];

export interface CandleChart {
  /** A new symbol or interval: the chart empties until its snapshot comes. */
  show(symbol: string, interval: CandleInterval): void;
  setHistory(history: CandleHistory): void;
  update(candle: Candle): void;
}

export function createCandleChart(
  container: HTMLElement,
  onInterval: (interval: CandleInterval) => void,
): CandleChart {
  const title = h('h2', { class: 'panel-title', id: 'chart-title', 'data-testid': 'chart-title' }, 'Chart');
  const buttons = CANDLE_INTERVALS.map((interval) => {
    const button = h(
      'button',
      {
        type: 'button',
        class: 'toggle',
        'data-testid': `chart-interval-${interval}`,
        'aria-pressed': 'false',
      },
      interval,
    );
    button.addEventListener('click', () => onInterval(interval));
    return button;
  });
  const status = h(
    'span',
    { class: 'chart-status', 'data-testid': 'chart-status', 'aria-live': 'polite' },
    '',
  );
  const surface = h('div', { class: 'chart-surface', 'data-testid': 'chart' });
  container.append(
    h(
      'div',
      { class: 'panel-head' },
      title,
      h('div', { class: 'toggle-group', role: 'group', 'aria-label': 'Candle interval' }, ...buttons),
      status,
    ),
    surface,
  );

  const styles = getComputedStyle(document.documentElement);
  const colour = (name: string, fallback: string) => styles.getPropertyValue(name).trim() || fallback;
  const up = colour('--up', '#3ddc84');
  const down = colour('--down', '#ff6b6b');

  const chart: IChartApi = createChart(surface, {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: 'transparent' },
      textColor: colour('--muted', '#8593a3'),
      fontSize: 11,
    },
    grid: {
      vertLines: { color: colour('--grid', '#1e2733') },
      horzLines: { color: colour('--grid', '#1e2733') },
    },
    rightPriceScale: { borderColor: colour('--border', '#2a3441') },
    timeScale: {
      borderColor: colour('--border', '#2a3441'),
      timeVisible: true,
      secondsVisible: true,
      tickMarkFormatter: (time: Time, type: TickMarkType) =>
        type === TickMarkType.Time || type === TickMarkType.TimeWithSeconds
          ? formatLocalTime(time, type === TickMarkType.TimeWithSeconds)
          : null,
    },
    // Candle times are UTC seconds; show them in the reader's own time zone.
    localization: { timeFormatter: (time: Time) => formatLocalTime(time, true) },
  });

  const candleSeries: ISeriesApi<'Candlestick'> = chart.addSeries(CandlestickSeries, {
    upColor: up,
    downColor: down,
    borderUpColor: up,
    borderDownColor: down,
    wickUpColor: up,
    wickDownColor: down,
    priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
  });
  const volumeSeries: ISeriesApi<'Histogram'> = chart.addSeries(HistogramSeries, {
    priceScaleId: 'volume',
    priceFormat: { type: 'volume' },
    lastValueVisible: false,
    priceLineVisible: false,
  });
  chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 }, visible: false });

  let symbol = '';
  let interval: CandleInterval = '1s';
  let candles: Candle[] = [];
  /** Candles changed since the last redraw, by time, oldest first; or everything, after history. */
  const changed = new Map<number, Candle>();
  let redrawAll = false;
  // Streaming updates wait for the page's shared redraw (dom.ts), so the chart paints with the rest.
  const drawChanged = frameScheduler(() => {
    if (redrawAll) draw(true);
    else for (const candle of changed.values()) draw(false, candle);
    changed.clear();
    redrawAll = false;
  });

  function draw(all: boolean, candle?: Candle): void {
    if (all || candle === undefined) {
      candleSeries.setData(candles.map(toCandleData));
      volumeSeries.setData(candles.map((c) => toVolumeData(c, up, down)));
    } else {
      candleSeries.update(toCandleData(candle));
      volumeSeries.update(toVolumeData(candle, up, down));
    }
    setText(status, candles.length === 0 ? 'waiting for candles…' : `${candles.length} candles`);
  }

  return {
    show(nextSymbol, nextInterval) {
      const fresh = nextSymbol !== symbol || nextInterval !== interval;
      symbol = nextSymbol;
      interval = nextInterval;
      setText(title, `${symbol} · ${interval} candles`);
      for (const [index, button] of buttons.entries()) {
        button.setAttribute('aria-pressed', String(CANDLE_INTERVALS[index] === interval));
      }
      if (fresh) {
        candles = [];
        changed.clear();
        redrawAll = false;
        draw(true);
      }
    },
    setHistory(history) {
      if (history.symbol !== symbol || history.interval !== interval) return;
      candles = candlesFromHistory(history);
      changed.clear();
      redrawAll = false;
      draw(true);
      chart.timeScale().scrollToRealTime();
    },
    update(candle) {
      if (candle.symbol !== symbol || candle.interval !== interval) return;
      const last = candles.at(-1);
      candles = mergeCandle(candles, candle);
      // The library can only update the newest bars in place, in order; an older one needs a full redraw.
      if (last !== undefined && candle.time < last.time) redrawAll = true;
      else changed.set(candle.time, candle);
      drawChanged();
    },
  };
}

function toCandleData(candle: Candle): CandlestickData<Time> {
  return {
    time: candle.time as UTCTimestamp,
    open: centsToNumber(candle.open),
    high: centsToNumber(candle.high),
    low: centsToNumber(candle.low),
    close: centsToNumber(candle.close),
  };
}

function toVolumeData(candle: Candle, up: string, down: string): HistogramData<Time> {
  return {
    time: candle.time as UTCTimestamp,
    value: candle.volume,
    color: `${candle.close >= candle.open ? up : down}55`,
  };
}

function formatLocalTime(time: Time, withSeconds: boolean): string {
  const seconds = typeof time === 'number' ? time : 0;
  return new Date(seconds * 1000).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' } : {}),
    hour12: false,
  });
}
