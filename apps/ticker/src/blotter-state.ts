/**
 * The blotter's state: every order this trader has placed, and every fill, as a pure reducer.
 *
 * An order's life, as the page sees it:
 *
 *   sending ──RECEIPT──▶ sent ──accepted──▶ open ──fill──▶ partially-filled ──fill──▶ filled
 *                                  └──rejected          └──cancelled
 *      └──connection lost first──▶ unconfirmed (an event may still settle it)
 *   held (SENT inside an open transaction) ──COMMIT──▶ sent …   ──ABORT──▶ aborted
 *
 * `sending`, `sent`, `unconfirmed`, `held` and `aborted` are the page's own: the server only ever
 * speaks of an order once it has decided on it (`OrderEvent`).
 */
import type {
  Cents,
  OrderEvent,
  OrderRequest,
  OrderState,
  OrderStatus,
  OrderType,
  Side,
} from '@stomping-ground/contracts';

export type LocalStatus = 'sending' | 'sent' | 'unconfirmed' | 'held' | 'aborted';
export type BlotterStatus = OrderStatus | LocalStatus;

export interface BlotterOrder {
  readonly clientOrderId: string;
  /** The server's id, once it has accepted the order. */
  readonly orderId: string | undefined;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly quantity: number;
  readonly price: Cents | undefined;
  readonly filled: number;
  readonly status: BlotterStatus;
  /** The broker's RECEIPT for the SEND has come. */
  readonly receipt: boolean;
  /** The transaction the SEND was part of, for a basket order. */
  readonly transaction: string | undefined;
  /** Why the server refused it. */
  readonly reason: string | undefined;
  readonly message: string | undefined;
  readonly time: number;
}

export interface FillRow {
  readonly tradeId: number;
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly price: Cents;
  readonly quantity: number;
  readonly time: number;
}

export interface BlotterState {
  /** Newest first. */
  readonly orders: readonly BlotterOrder[];
  /** Newest first. */
  readonly fills: readonly FillRow[];
  /** The last refusal that was not about a new order (a cancel too late, a refresh too soon). */
  readonly notice: string | undefined;
}

export type BlotterAction =
  | {
      readonly type: 'submitted';
      readonly request: OrderRequest;
      readonly transaction?: string;
      readonly time: number;
    }
  | { readonly type: 'receipt'; readonly clientOrderId: string }
  /** The connection closed before the RECEIPT: the order may or may not have reached the market. */
  | { readonly type: 'unconfirmed'; readonly clientOrderId: string }
  | { readonly type: 'committed'; readonly transaction: string }
  | { readonly type: 'aborted'; readonly transaction: string }
  /** The connection dropped: the broker discards open transactions with it. */
  | { readonly type: 'connection-lost' }
  | { readonly type: 'event'; readonly event: OrderEvent; readonly time: number };

export const EMPTY_BLOTTER: BlotterState = Object.freeze({ orders: [], fills: [], notice: undefined });

export const MAX_ORDERS = 200;
export const MAX_FILLS = 200;

const LIVE_STATUSES: ReadonlySet<BlotterStatus> = new Set(['open', 'partially-filled']);

/** Orders that can still trade, so a cancel makes sense. */
export function isLive(order: BlotterOrder): boolean {
  return LIVE_STATUSES.has(order.status);
}

export function reduceBlotter(state: BlotterState, action: BlotterAction): BlotterState {
  switch (action.type) {
    case 'submitted':
      return withOrders(state, [
        fromRequest(action.request, action.transaction, action.time),
        ...state.orders,
      ]);
    case 'receipt':
      return mapOrders(state, (order) =>
        order.clientOrderId !== action.clientOrderId
          ? order
          : { ...order, receipt: true, status: order.status === 'sending' ? 'sent' : order.status },
      );
    case 'unconfirmed':
      return mapOrders(state, (order) =>
        order.clientOrderId === action.clientOrderId && order.status === 'sending'
          ? { ...order, status: 'unconfirmed' }
          : order,
      );
    case 'committed':
      return mapOrders(state, (order) =>
        order.transaction === action.transaction && order.status === 'held'
          ? { ...order, status: 'sent' }
          : order,
      );
    case 'aborted':
      return mapOrders(state, (order) =>
        order.transaction === action.transaction && order.status === 'held'
          ? { ...order, status: 'aborted' }
          : order,
      );
    case 'connection-lost':
      return mapOrders(state, (order) => (order.status === 'held' ? { ...order, status: 'aborted' } : order));
    case 'event':
      return applyOrderEvent(state, action.event, action.time);
  }
}

function applyOrderEvent(state: BlotterState, event: OrderEvent, time: number): BlotterState {
  switch (event.type) {
    case 'accepted':
    case 'cancelled':
      return upsertOrder(state, event.order);
    case 'fill': {
      const next = upsertOrder(state, event.order);
      if (
        state.fills.some((fill) => fill.tradeId === event.tradeId && fill.orderId === event.order.orderId)
      ) {
        return next;
      }
      const fill: FillRow = {
        tradeId: event.tradeId,
        orderId: event.order.orderId,
        clientOrderId: event.order.clientOrderId,
        symbol: event.order.symbol,
        side: event.order.side,
        price: event.price,
        quantity: event.quantity,
        time,
      };
      return { ...next, fills: [fill, ...next.fills].slice(0, MAX_FILLS) };
    }
    case 'rejected': {
      // Only an order the market has not accepted yet can be rejected; a refusal naming an order
      // that is already live, or none at all, is about something else: a cancel, a refresh.
      const isPending = (order: BlotterOrder) =>
        order.clientOrderId === event.clientOrderId && order.orderId === undefined;
      if (!state.orders.some(isPending)) return { ...state, notice: `${event.message} (${event.reason})` };
      return mapOrders(state, (order) =>
        isPending(order)
          ? { ...order, status: 'rejected', reason: event.reason, message: event.message }
          : order,
      );
    }
    case 'open-orders': {
      // After a reconnect: these are the orders still open. One shown as open but missing here was
      // filled or cancelled while the page was away; its outcome is not known, so it leaves the list.
      const open = new Set(event.orders.map((order) => order.orderId));
      const kept = state.orders.filter(
        (order) => !isLive(order) || (order.orderId !== undefined && open.has(order.orderId)),
      );
      let next: BlotterState = { ...state, orders: kept };
      for (const order of event.orders) next = upsertOrder(next, order);
      return next;
    }
  }
}

/** The server's view of an order replaces the page's, found by server id or client id. */
function upsertOrder(state: BlotterState, order: OrderState): BlotterState {
  const index = state.orders.findIndex(
    (row) =>
      row.orderId === order.orderId ||
      (row.orderId === undefined && row.clientOrderId === order.clientOrderId),
  );
  const previous = state.orders[index];
  const row: BlotterOrder = {
    clientOrderId: order.clientOrderId,
    orderId: order.orderId,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    quantity: order.quantity,
    price: order.price,
    filled: order.filled,
    status: order.status,
    receipt: previous?.receipt ?? true,
    transaction: previous?.transaction,
    reason: undefined,
    message: undefined,
    time: previous?.time ?? order.time,
  };
  if (previous === undefined) return withOrders(state, [row, ...state.orders]);
  const orders = [...state.orders];
  orders[index] = row;
  return { ...state, orders };
}

function fromRequest(request: OrderRequest, transaction: string | undefined, time: number): BlotterOrder {
  return {
    clientOrderId: request.clientOrderId,
    orderId: undefined,
    symbol: request.symbol,
    side: request.side,
    type: request.type,
    quantity: request.quantity,
    price: request.price,
    filled: 0,
    status: transaction === undefined ? 'sending' : 'held',
    receipt: false,
    transaction,
    reason: undefined,
    message: undefined,
    time,
  };
}

function mapOrders(state: BlotterState, change: (order: BlotterOrder) => BlotterOrder): BlotterState {
  return { ...state, orders: state.orders.map(change) };
}

/** Keeps the list bounded, dropping the oldest orders that can no longer change first. */
function withOrders(state: BlotterState, orders: BlotterOrder[]): BlotterState {
  if (orders.length <= MAX_ORDERS) return { ...state, orders };
  const excess = orders.length - MAX_ORDERS;
  let dropped = 0;
  const kept: BlotterOrder[] = [];
  for (let i = orders.length - 1; i >= 0; i--) {
    const order = orders[i]!;
    if (dropped < excess && !isLive(order)) dropped++;
    else kept.push(order);
  }
  return { ...state, orders: kept.reverse().slice(0, MAX_ORDERS) };
}
