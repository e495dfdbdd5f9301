/**
 * The order book of the chosen symbol: bids on the left (best, highest, first), asks on the right
 * (best, lowest, first), with a bar under each size in proportion to the deepest level shown.
 * Choosing a price puts it in the order ticket.
 */
import type { BookDepth, BookLevel, Cents } from '@stomping-ground/protocol';
import { frameScheduler, h, lessonLink, setText } from './dom';
import { formatPrice, formatQuantity } from './money';

export const BOOK_LEVELS = 10;

export interface OrderBookView {
  show(symbol: string): void;
  apply(depth: BookDepth): void;
}

export function createOrderBook(container: HTMLElement, onPrice: (price: Cents) => void): OrderBookView {
  const title = h('h2', { class: 'panel-title' }, 'Order book');
  const spread = h('span', { class: 'muted', 'data-testid': 'book-spread' }, '');
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'order-book', 'data-testid': 'order-book' },
    h('caption', { class: 'visually-hidden' }, 'Order book: bids and asks by price level'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'num hide-narrow' }, 'Orders'),
        h('th', { scope: 'col', class: 'num' }, 'Size'),
        h('th', { scope: 'col', class: 'num' }, 'Bid'),
        h('th', { scope: 'col', class: 'num' }, 'Ask'),
        h('th', { scope: 'col', class: 'num' }, 'Size'),
        h('th', { scope: 'col', class: 'num hide-narrow' }, 'Orders'),
      ),
    ),
    body,
  );
  const empty = h('p', { class: 'empty' }, 'Waiting for the book…');
  container.append(
    h(
      'div',
      { class: 'panel-head' },
      title,
      spread,
      lessonLink('subscriptions-and-acks.html', 'snapshot on subscribe'),
    ),
    empty,
    table,
  );

  let symbol = '';
  let latest: BookDepth | undefined;
  const render = frameScheduler(draw);

  body.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button[data-price]');
    if (button) onPrice(Number(button.dataset.price));
  });

  function draw(): void {
    const depth = latest;
    if (depth === undefined) {
      body.replaceChildren();
      empty.hidden = false;
      setText(spread, '');
      return;
    }
    empty.hidden = depth.bids.length + depth.asks.length > 0;
    const bids = depth.bids.slice(0, BOOK_LEVELS);
    const asks = depth.asks.slice(0, BOOK_LEVELS);
    const deepest = Math.max(
      1,
      ...bids.map((level) => level.quantity),
      ...asks.map((level) => level.quantity),
    );
    const rows: HTMLTableRowElement[] = [];
    for (let i = 0; i < Math.max(bids.length, asks.length); i++) {
      rows.push(
        h(
          'tr',
          { 'data-testid': 'book-row' },
          ...half('bid', bids[i], deepest),
          ...half('ask', asks[i], deepest),
        ),
      );
    }
    body.replaceChildren(...rows);
    const bestBid = bids[0]?.price;
    const bestAsk = asks[0]?.price;
    setText(
      spread,
      bestBid !== undefined && bestAsk !== undefined
        ? `spread ${formatPrice(bestAsk - bestBid)}`
        : 'one-sided',
    );
  }

  function half(side: 'bid' | 'ask', level: BookLevel | undefined, deepest: number): HTMLTableCellElement[] {
    if (level === undefined) {
      const blanks = [
        h('td', { class: 'num hide-narrow' }),
        h('td', { class: 'num' }),
        h('td', { class: 'num' }),
      ];
      return side === 'bid' ? blanks : blanks.reverse();
    }
    const depth = `${Math.round((level.quantity / deepest) * 100)}%`;
    const orders = h('td', { class: 'num muted hide-narrow' }, String(level.orders));
    const size = h(
      'td',
      { class: `num depth depth-${side}`, style: `--depth: ${depth}` },
      formatQuantity(level.quantity),
    );
    const price = h(
      'td',
      { class: `num price-${side}` },
      h(
        'button',
        {
          type: 'button',
          class: 'price-button',
          'data-testid': 'book-level',
          'data-side': side,
          'data-price': level.price,
          title: `Use ${formatPrice(level.price)} in the order ticket`,
        },
        formatPrice(level.price),
      ),
    );
    return side === 'bid' ? [orders, size, price] : [price, size, orders];
  }

  return {
    show(nextSymbol) {
      if (nextSymbol === symbol) return;
      symbol = nextSymbol;
      setText(title, `Order book · ${symbol}`);
      latest = undefined;
      render();
    },
    apply(depth) {
      if (depth.symbol !== symbol) return;
      latest = depth;
      render();
    },
  };
}
