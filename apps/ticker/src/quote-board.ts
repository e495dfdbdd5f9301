/**
 * The quote board: one row per symbol with bid, ask, last, change since the open, volume and a
 * sparkline. A changed cell flashes green or red, and the last price and the change carry an
 * arrow, so the direction does not rest on colour alone. Quotes are applied as they come but
 * drawn at most once per animation frame.
 */
import type { Instrument, Quote } from '@stomping-ground/contracts';
import { flash, frameScheduler, h, setText } from './dom';
import { applyQuote, type QuoteView, quoteChanges, type Tick } from './market-state';
import { formatPercentChange, formatPrice, formatSignedPrice, formatVolume } from './money';
import { createSparkline, drawSparkline } from './sparkline';

export interface QuoteBoard {
  setInstruments(instruments: readonly Instrument[]): void;
  applyQuote(quote: Quote): void;
  setSelected(symbol: string): void;
  /** Dims every row until its next quote: after a lost connection the figures may be old. */
  markStale(): void;
  /** The latest view of a symbol's quote. */
  view(symbol: string): QuoteView | undefined;
}

interface Row {
  readonly row: HTMLTableRowElement;
  readonly select: HTMLButtonElement;
  readonly bid: HTMLTableCellElement;
  readonly ask: HTMLTableCellElement;
  readonly last: HTMLTableCellElement;
  readonly change: HTMLTableCellElement;
  readonly changeValue: HTMLSpanElement;
  readonly changePercent: HTMLSpanElement;
  readonly volume: HTMLTableCellElement;
  readonly sparkline: HTMLCanvasElement;
}

const ARROWS: Record<Tick, string> = { up: '▲', down: '▼', flat: '' };

export function createQuoteBoard(container: HTMLElement, onSelect: (symbol: string) => void): QuoteBoard {
  const views = new Map<string, QuoteView>();
  const rows = new Map<string, Row>();
  /** Quotes received since the last draw, with the quote each one replaced. */
  const dirty = new Map<string, Quote | undefined>();
  const styles = getComputedStyle(document.documentElement);
  const upColour = styles.getPropertyValue('--up').trim() || '#3ddc84';
  const downColour = styles.getPropertyValue('--down').trim() || '#ff6b6b';

  const body = h('tbody');
  const table = h(
    'table',
    { class: 'quote-board', 'data-testid': 'quote-board' },
    h('caption', { class: 'visually-hidden' }, 'Quotes for every symbol; choose one to chart and trade it'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Symbol'),
        h('th', { scope: 'col', class: 'num' }, 'Bid'),
        h('th', { scope: 'col', class: 'num' }, 'Ask'),
        h('th', { scope: 'col', class: 'num' }, 'Last'),
        h('th', { scope: 'col', class: 'num' }, 'Change'),
        h('th', { scope: 'col', class: 'num hide-narrow' }, 'Volume'),
        h('th', { scope: 'col', class: 'spark-cell' }, h('span', { class: 'visually-hidden' }, 'Trend')),
      ),
    ),
    body,
  );
  const empty = h(
    'p',
    { class: 'empty', 'data-testid': 'quote-board-empty' },
    'Waiting for the instrument list…',
  );
  container.append(empty, table);

  const render = frameScheduler(() => {
    for (const [symbol, before] of dirty) {
      const view = views.get(symbol);
      const row = rows.get(symbol);
      if (view && row) drawRow(row, view, before);
    }
    dirty.clear();
  });

  function drawRow(row: Row, view: QuoteView, before: Quote | undefined): void {
    const { quote } = view;
    setText(row.bid, quote.bid > 0 ? formatPrice(quote.bid) : '—');
    setText(row.ask, quote.ask > 0 ? formatPrice(quote.ask) : '—');
    setText(row.last, `${formatPrice(quote.last)} ${ARROWS[view.tick]}`.trim());
    row.last.dataset.tick = view.tick;
    const open = quote.last - quote.change;
    const direction: Tick = quote.change > 0 ? 'up' : quote.change < 0 ? 'down' : 'flat';
    setText(row.changeValue, `${ARROWS[direction]} ${formatSignedPrice(quote.change)}`.trim());
    setText(row.changePercent, formatPercentChange(quote.change, open));
    row.change.dataset.direction = direction;
    setText(row.volume, formatVolume(quote.volume));
    const changes = quoteChanges(before, quote);
    for (const key of ['bid', 'ask', 'last'] as const) {
      const change = changes[key];
      if (change !== undefined && change !== 'flat') flash(row[key], change);
    }
    drawSparkline(row.sparkline, view.history, direction === 'down' ? downColour : upColour);
    row.sparkline.setAttribute('aria-label', `${quote.symbol} trend, last ${formatPrice(quote.last)}`);
    row.row.classList.remove('stale');
  }

  function createRow(instrument: Instrument): Row {
    const select = h(
      'button',
      { type: 'button', class: 'symbol-button', 'data-testid': 'quote-select', title: instrument.name },
      h('span', { class: 'symbol' }, instrument.symbol),
      h('span', { class: 'instrument-name' }, instrument.name),
    );
    select.addEventListener('click', () => onSelect(instrument.symbol));
    const cell = (testid: string, extra = '') =>
      h('td', { class: `num ${extra}`.trim(), 'data-testid': testid }, '—');
    const changeValue = h('span', {}, '—');
    const changePercent = h('span', { class: 'percent' });
    const row: Row = {
      row: h('tr', { 'data-testid': 'quote-row', 'data-symbol': instrument.symbol, class: 'stale' }),
      select,
      bid: cell('quote-bid'),
      ask: cell('quote-ask'),
      last: cell('quote-last'),
      change: h('td', { class: 'num change', 'data-testid': 'quote-change' }, changeValue, changePercent),
      changeValue,
      changePercent,
      volume: cell('quote-volume', 'hide-narrow'),
      sparkline: createSparkline(`${instrument.symbol} trend`),
    };
    row.row.append(
      h('th', { scope: 'row' }, select),
      row.bid,
      row.ask,
      row.last,
      row.change,
      row.volume,
      h('td', { class: 'spark-cell' }, row.sparkline),
    );
    // The whole row is a pointer target too; the button is the keyboard path.
    row.row.addEventListener('click', (event) => {
      if (event.target !== select && !select.contains(event.target as Node)) onSelect(instrument.symbol);
    });
    return row;
  }

  return {
    setInstruments(instruments) {
      const wanted = new Set(instruments.map((instrument) => instrument.symbol));
      for (const [symbol, row] of rows) {
        if (!wanted.has(symbol)) {
          row.row.remove();
          rows.delete(symbol);
          views.delete(symbol);
        }
      }
      for (const instrument of instruments) {
        let row = rows.get(instrument.symbol);
        if (row === undefined) {
          row = createRow(instrument);
          rows.set(instrument.symbol, row);
        }
        body.append(row.row); // appending again keeps the server's order
      }
      empty.hidden = instruments.length > 0;
    },
    applyQuote(quote) {
      const previous = views.get(quote.symbol);
      views.set(quote.symbol, applyQuote(previous, quote));
      if (!dirty.has(quote.symbol)) dirty.set(quote.symbol, previous?.quote);
      render();
    },
    setSelected(symbol) {
      for (const [rowSymbol, row] of rows) {
        const selected = rowSymbol === symbol;
        row.row.classList.toggle('selected', selected);
        row.select.setAttribute('aria-pressed', String(selected));
      }
    },
    markStale() {
      for (const row of rows.values()) row.row.classList.add('stale');
    },
    view(symbol) {
      return views.get(symbol);
    },
  };
}
