/**
 * The order book of the chosen symbol: bids on the left (best, highest, first), asks on the right
 * (best, lowest, first), with a bar under each size in proportion to the deepest level shown.
 * Choosing a price puts it in the order ticket.
 */
import type { BookDepth, BookLevel, Cents } from '@stomping-ground/contracts';
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
  // One row per level, made once: a redraw changes only the texts and bars that moved, so the book
  // costs a few text updates per frame rather than a new table.
  const rows = Array.from({ length: BOOK_LEVELS }, () => bookRow());

  body.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button[data-price]');
    if (button) onPrice(Number(button.dataset.price));
  });

  function draw(): void {
    const depth = latest;
    const bids = depth?.bids.slice(0, BOOK_LEVELS) ?? [];
    const asks = depth?.asks.slice(0, BOOK_LEVELS) ?? [];
    empty.hidden = depth !== undefined && bids.length + asks.length > 0;
    const deepest = Math.max(
      1,
      ...bids.map((level) => level.quantity),
      ...asks.map((level) => level.quantity),
    );
    const shown = Math.max(bids.length, asks.length);
    rows.forEach((row, i) => {
      if (i >= shown) {
        row.element.remove();
        return;
      }
      fillHalf(row.bid, bids[i], deepest);
      fillHalf(row.ask, asks[i], deepest);
      if (row.element.parentNode !== body) body.append(row.element);
    });
    const bestBid = bids[0]?.price;
    const bestAsk = asks[0]?.price;
    setText(
      spread,
      depth === undefined
        ? ''
        : bestBid !== undefined && bestAsk !== undefined
          ? `spread ${formatPrice(bestAsk - bestBid)}`
          : 'one-sided',
    );
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

interface BookHalf {
  readonly side: 'bid' | 'ask';
  readonly orders: HTMLTableCellElement;
  readonly size: HTMLTableCellElement;
  readonly price: HTMLTableCellElement;
  readonly button: HTMLButtonElement;
  depth: string;
}

interface BookRow {
  readonly element: HTMLTableRowElement;
  readonly bid: BookHalf;
  readonly ask: BookHalf;
}

function bookHalf(side: 'bid' | 'ask'): BookHalf {
  const button = h('button', {
    type: 'button',
    class: 'price-button',
    'data-testid': 'book-level',
    'data-side': side,
  });
  return {
    side,
    orders: h('td', { class: 'num muted hide-narrow' }),
    size: h('td', { class: `num depth depth-${side}` }),
    price: h('td', { class: `num price-${side}` }),
    button,
    depth: '',
  };
}

function bookRow(): BookRow {
  const bid = bookHalf('bid');
  const ask = bookHalf('ask');
  const element = h(
    'tr',
    { 'data-testid': 'book-row' },
    bid.orders,
    bid.size,
    bid.price,
    ask.price,
    ask.size,
    ask.orders,
  );
  return { element, bid, ask };
}

/** Shows one side of a level, or leaves it blank (no button, so no price to pick). */
function fillHalf(half: BookHalf, level: BookLevel | undefined, deepest: number): void {
  const depth = level === undefined ? '0%' : `${Math.round((level.quantity / deepest) * 100)}%`;
  if (half.depth !== depth) {
    half.depth = depth;
    half.size.style.setProperty('--depth', depth);
  }
  if (level === undefined) {
    setText(half.orders, '');
    setText(half.size, '');
    if (half.button.parentNode !== null) half.button.remove();
    return;
  }
  setText(half.orders, String(level.orders));
  setText(half.size, formatQuantity(level.quantity));
  const price = String(level.price);
  if (half.button.dataset.price !== price) {
    half.button.dataset.price = price;
    half.button.textContent = formatPrice(level.price);
    half.button.title = `Use ${formatPrice(level.price)} in the order ticket`;
  }
  if (half.button.parentNode !== half.price) half.price.append(half.button);
}
