/**
 * The portfolio: cash, equity and P&L, and one row per position. The server sends the portfolio
 * on `/user/queue/portfolio` after each change; between those, positions are marked to the latest
 * quotes here, so the P&L moves with the market. Gains and losses carry a sign, not just a colour.
 */
import type { Cents } from '@stomping-ground/contracts';
import { frameScheduler, h, setText } from './dom';
import { formatPrice, formatQuantity, formatSignedPrice } from './money';
import type { PortfolioView } from './portfolio-state';

export interface PortfolioPanel {
  render(view: PortfolioView | undefined): void;
}

export function createPortfolioPanel(container: HTMLElement): PortfolioPanel {
  const figure = (label: string, testid: string) => {
    const value = h('dd', { 'data-testid': testid }, '—');
    // One group per figure (a <div> around its <dt> and <dd>), so the grid wraps whole figures.
    return { value, nodes: [h('div', { class: 'figure' }, h('dt', {}, label), value)] };
  };
  const cash = figure('Cash', 'portfolio-cash');
  const equity = figure('Equity', 'portfolio-equity');
  const realized = figure('Realized P&L', 'portfolio-realized');
  const unrealized = figure('Unrealized P&L', 'portfolio-unrealized');
  const title = h('h2', { class: 'panel-title' }, 'Portfolio');
  const body = h('tbody');
  const empty = h('p', { class: 'empty', 'data-testid': 'portfolio-empty' }, 'No positions.');
  container.append(
    h('div', { class: 'panel-head' }, title),
    h(
      'dl',
      { class: 'figures', 'data-testid': 'portfolio-summary' },
      ...cash.nodes,
      ...equity.nodes,
      ...realized.nodes,
      ...unrealized.nodes,
    ),
    empty,
    h(
      'table',
      { class: 'positions', 'data-testid': 'portfolio' },
      h('caption', { class: 'visually-hidden' }, 'Your positions'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Symbol'),
          h('th', { scope: 'col', class: 'num' }, 'Qty'),
          h('th', { scope: 'col', class: 'num' }, 'Avg'),
          h('th', { scope: 'col', class: 'num' }, 'Last'),
          h('th', { scope: 'col', class: 'num' }, 'Unrealized'),
          h('th', { scope: 'col', class: 'num hide-narrow' }, 'Realized'),
        ),
      ),
      body,
    ),
  );

  let latest: PortfolioView | undefined;
  const draw = frameScheduler(() => {
    const view = latest;
    if (view === undefined) return;
    setText(title, `Portfolio · ${view.login}`);
    setText(cash.value, formatPrice(view.cash));
    setText(equity.value, formatPrice(view.equity));
    pnl(realized.value, view.realizedPnl);
    pnl(unrealized.value, view.unrealizedPnl);
    empty.hidden = view.positions.length > 0;
    body.replaceChildren(
      ...view.positions.map((position) =>
        h(
          'tr',
          { 'data-testid': 'portfolio-row', 'data-symbol': position.symbol },
          h('th', { scope: 'row' }, position.symbol),
          h('td', { class: 'num' }, formatQuantity(position.quantity)),
          h('td', { class: 'num' }, formatPrice(position.averagePrice)),
          h('td', { class: 'num' }, position.last === undefined ? '—' : formatPrice(position.last)),
          pnl(h('td', { class: 'num' }), position.unrealizedPnl),
          pnl(h('td', { class: 'num hide-narrow' }), position.realizedPnl),
        ),
      ),
    );
  });

  return {
    render(view) {
      latest = view;
      draw();
    },
  };
}

function pnl<E extends HTMLElement>(element: E, cents: Cents): E {
  setText(element, formatSignedPrice(cents));
  element.dataset.direction = cents > 0 ? 'up' : cents < 0 ? 'down' : 'flat';
  return element;
}
