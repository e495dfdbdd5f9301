/**
 * The tape: every trade in the market as it happens, newest on top. Its topic is an event stream
 * the broker never conflates, unlike quotes, where only the latest matters.
 */
import type { Trade } from '@stomping-ground/contracts';
import { frameScheduler, h, lessonLink, reconcileRows } from './dom';
import { formatTime } from './format-time';
import { addTrades } from './market-state';
import { formatPrice, formatQuantity } from './money';

export interface TapeView {
  /** New trades, or the recent ones the broker sends on SUBSCRIBE; each is shown once. */
  add(trades: readonly Trade[]): void;
}

export function createTape(container: HTMLElement): TapeView {
  const list = h('ol', { class: 'tape', 'data-testid': 'tape', 'aria-label': 'Recent trades, newest first' });
  const empty = h('p', { class: 'empty' }, 'No trades yet.');
  container.append(
    h(
      'div',
      { class: 'panel-head' },
      h('h2', { class: 'panel-title' }, 'Trades'),
      lessonLink('market-data-conflation.html', 'state versus events'),
    ),
    empty,
    list,
  );

  let trades: Trade[] = [];
  const rows = new Map<string, { item: Trade; row: Element }>();
  // Only new trades get a row; the rest stay in the DOM as they are.
  const render = frameScheduler(() => {
    empty.hidden = trades.length > 0;
    reconcileRows(list, trades, (trade) => String(trade.id), tradeRow, rows);
  });

  return {
    add(incoming) {
      trades = addTrades(trades, incoming);
      render();
    },
  };
}

function tradeRow(trade: Trade): Element {
  return h(
    'li',
    { 'data-testid': 'tape-row', 'data-symbol': trade.symbol, class: `side-${trade.aggressor}` },
    h('span', { class: 'muted' }, formatTime(trade.time)),
    h('span', { class: 'symbol' }, trade.symbol),
    h('span', { class: 'num' }, formatPrice(trade.price)),
    h('span', { class: 'num' }, formatQuantity(trade.quantity)),
    h(
      'span',
      {
        class: 'aggressor',
        title: `${trade.aggressor === 'buy' ? 'a buyer' : 'a seller'} took liquidity`,
      },
      trade.aggressor === 'buy' ? '▲ buy' : '▼ sell',
    ),
  );
}
