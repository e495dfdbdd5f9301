/**
 * The blotter: this trader's orders with their status, and their fills, fed by the private
 * `/user/queue/orders` stream (and the page's own record of what it sent). Open orders have a
 * Cancel button.
 */
import type { BlotterOrder, BlotterState, BlotterStatus, FillRow } from './blotter-state';
import { isLive } from './blotter-state';
import { frameScheduler, h, reconcileRows, setText } from './dom';
import { formatTime } from './format-time';
import { formatPrice, formatQuantity } from './money';

export interface BlotterView {
  render(state: BlotterState): void;
}

const STATUS_TEXT: Record<BlotterStatus, string> = {
  sending: 'sending…',
  sent: 'sent ✓',
  unconfirmed: 'no receipt',
  held: 'held in transaction',
  aborted: 'aborted',
  open: 'open',
  'partially-filled': 'partly filled',
  filled: 'filled',
  cancelled: 'cancelled',
  rejected: 'rejected',
};

const STATUS_HELP: Partial<Record<BlotterStatus, string>> = {
  sending: 'SEND is out; the RECEIPT has not come yet',
  sent: 'the broker confirmed with a RECEIPT; the market has not answered yet',
  unconfirmed: 'the connection closed before the RECEIPT: it may or may not have reached the market',
  held: 'sent inside a transaction: the broker holds it until COMMIT',
  aborted: 'the transaction was aborted (or lost with the connection): it never reached the market',
};

export function createBlotter(container: HTMLElement, onCancel: (orderId: string) => void): BlotterView {
  const ordersBody = h('tbody');
  const fillsBody = h('tbody');
  const noOrders = h(
    'p',
    { class: 'empty', 'data-testid': 'blotter-empty' },
    'No orders yet: use the ticket.',
  );
  const noFills = h('p', { class: 'empty' }, 'No fills yet.');
  const notice = h('p', { class: 'notice', role: 'status', 'data-testid': 'blotter-notice' });
  container.append(
    h('div', { class: 'panel-head' }, h('h2', { class: 'panel-title' }, 'Orders')),
    notice,
    noOrders,
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'blotter', 'data-testid': 'blotter' },
        h('caption', { class: 'visually-hidden' }, 'Your orders, newest first'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Time'),
            h('th', { scope: 'col' }, 'Order'),
            h('th', { scope: 'col', class: 'num' }, 'Filled'),
            h('th', { scope: 'col' }, 'Status'),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
          ),
        ),
        ordersBody,
      ),
    ),
    h('h3', { class: 'subhead' }, 'Fills'),
    noFills,
    h(
      'div',
      { class: 'scroll short' },
      h(
        'table',
        { class: 'fills', 'data-testid': 'fills' },
        h('caption', { class: 'visually-hidden' }, 'Your fills, newest first'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Time'),
            h('th', { scope: 'col' }, 'Fill'),
            h('th', { scope: 'col', class: 'num' }, 'Trade'),
          ),
        ),
        fillsBody,
      ),
    ),
  );

  container.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button[data-order-id]');
    if (button?.dataset.orderId) {
      button.disabled = true;
      onCancel(button.dataset.orderId);
    }
  });

  let latest: BlotterState | undefined;
  const orderRows = new Map<string, { item: BlotterOrder; row: Element }>();
  const fillRows = new Map<string, { item: FillRow; row: Element }>();
  const draw = frameScheduler(() => {
    if (latest === undefined) return;
    noOrders.hidden = latest.orders.length > 0;
    noFills.hidden = latest.fills.length > 0;
    setText(notice, latest.notice ? `Refused: ${latest.notice}` : '');
    reconcileRows(ordersBody, latest.orders, (order) => order.clientOrderId, orderRow, orderRows);
    reconcileRows(fillsBody, latest.fills, (fill) => `${fill.tradeId}/${fill.orderId}`, fillRow, fillRows);
  });

  return {
    render(state) {
      latest = state;
      draw();
    },
  };
}

function orderRow(order: BlotterOrder): HTMLTableRowElement {
  const price = order.type === 'market' ? 'market' : `@ ${formatPrice(order.price ?? 0)}`;
  const status = h(
    'span',
    { class: `status status-${order.status}`, 'data-testid': 'blotter-status' },
    STATUS_TEXT[order.status],
  );
  const help =
    order.status === 'rejected' ? `${order.reason ?? ''}: ${order.message ?? ''}` : STATUS_HELP[order.status];
  if (help) status.title = help;
  const statusCell = h('td', {}, status);
  if (order.status === 'rejected' && order.reason) {
    statusCell.append(h('small', { class: 'reason' }, order.reason));
  }
  if (order.transaction && (order.status === 'held' || order.status === 'aborted')) {
    statusCell.append(h('small', { class: 'reason' }, order.transaction));
  }
  const actions = h('td', { class: 'actions' });
  if (isLive(order) && order.orderId) {
    actions.append(
      h(
        'button',
        {
          type: 'button',
          class: 'link-button',
          'data-order-id': order.orderId,
          'data-testid': 'blotter-cancel',
          'aria-label': `Cancel ${order.side} ${order.quantity} ${order.symbol}`,
        },
        'Cancel',
      ),
    );
  }
  return h(
    'tr',
    {
      'data-testid': 'blotter-row',
      'data-client-order-id': order.clientOrderId,
      'data-order-id': order.orderId,
      'data-status': order.status,
      'data-symbol': order.symbol,
    },
    h('td', { class: 'muted' }, formatTime(order.time)),
    h(
      'td',
      {},
      h('span', { class: `side side-${order.side}` }, order.side === 'buy' ? '▲ Buy' : '▼ Sell'),
      ` ${formatQuantity(order.quantity)} ${order.symbol} ${price}`,
    ),
    h('td', { class: 'num' }, `${formatQuantity(order.filled)}/${formatQuantity(order.quantity)}`),
    statusCell,
    actions,
  );
}

function fillRow(fill: FillRow): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-testid': 'fill-row', 'data-client-order-id': fill.clientOrderId, 'data-symbol': fill.symbol },
    h('td', { class: 'muted' }, formatTime(fill.time)),
    h(
      'td',
      {},
      h('span', { class: `side side-${fill.side}` }, fill.side === 'buy' ? '▲ Bought' : '▼ Sold'),
      ` ${formatQuantity(fill.quantity)} ${fill.symbol} @ ${formatPrice(fill.price)}`,
    ),
    h('td', { class: 'num muted' }, `#${fill.tradeId}`),
  );
}
