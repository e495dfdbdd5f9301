import type { OrderEvent, OrderRequest, OrderState } from '@stomping-ground/contracts';
import { describe, expect, it } from 'vitest';
import {
  type BlotterAction,
  type BlotterState,
  EMPTY_BLOTTER,
  isLive,
  reduceBlotter,
} from '../src/blotter-state';

const request: OrderRequest = {
  clientOrderId: 'ord-1',
  symbol: 'ACME',
  side: 'buy',
  type: 'limit',
  quantity: 10,
  price: 10000,
};

function state(overrides: Partial<OrderState> = {}): OrderState {
  return {
    orderId: 'o-1',
    clientOrderId: 'ord-1',
    symbol: 'ACME',
    side: 'buy',
    type: 'limit',
    quantity: 10,
    price: 10000,
    filled: 0,
    status: 'open',
    time: 1000,
    ...overrides,
  };
}

function run(...actions: BlotterAction[]): BlotterState {
  return actions.reduce(reduceBlotter, EMPTY_BLOTTER);
}

const event = (e: OrderEvent): BlotterAction => ({ type: 'event', event: e, time: 2000 });

describe('the blotter', () => {
  it('shows an order as sending, then sent once the RECEIPT comes', () => {
    const sending = run({ type: 'submitted', request, time: 1 });
    expect(sending.orders[0]).toMatchObject({ clientOrderId: 'ord-1', status: 'sending', receipt: false });
    const sent = reduceBlotter(sending, { type: 'receipt', clientOrderId: 'ord-1' });
    expect(sent.orders[0]).toMatchObject({ status: 'sent', receipt: true });
  });

  it('takes the server status on accepted, fills and cancelled', () => {
    const accepted = run(
      { type: 'submitted', request, time: 1 },
      event({ type: 'accepted', order: state() }),
    );
    expect(accepted.orders).toHaveLength(1);
    expect(accepted.orders[0]).toMatchObject({ orderId: 'o-1', status: 'open' });
    const partly = reduceBlotter(
      accepted,
      event({
        type: 'fill',
        order: state({ filled: 4, status: 'partially-filled' }),
        price: 9995,
        quantity: 4,
        tradeId: 7,
      }),
    );
    expect(partly.orders[0]).toMatchObject({ filled: 4, status: 'partially-filled' });
    expect(partly.fills[0]).toMatchObject({
      tradeId: 7,
      price: 9995,
      quantity: 4,
      side: 'buy',
      symbol: 'ACME',
    });
    const cancelled = reduceBlotter(
      partly,
      event({ type: 'cancelled', order: state({ filled: 4, status: 'cancelled' }) }),
    );
    expect(cancelled.orders[0]?.status).toBe('cancelled');
    expect(isLive(cancelled.orders[0]!)).toBe(false);
  });

  it('keeps an accepted event that overtook the RECEIPT', () => {
    const result = run({ type: 'submitted', request, time: 1 }, event({ type: 'accepted', order: state() }), {
      type: 'receipt',
      clientOrderId: 'ord-1',
    });
    expect(result.orders[0]).toMatchObject({ status: 'open', receipt: true });
  });

  it('records each fill once, even when repeated', () => {
    const fill = event({
      type: 'fill',
      order: state({ filled: 10, status: 'filled' }),
      price: 10000,
      quantity: 10,
      tradeId: 9,
    });
    const result = run({ type: 'submitted', request, time: 1 }, fill, fill);
    expect(result.fills).toHaveLength(1);
  });

  it('shows why an order was rejected', () => {
    const result = run(
      { type: 'submitted', request, time: 1 },
      event({
        type: 'rejected',
        clientOrderId: 'ord-1',
        reason: 'price-off-tick',
        message: 'not on the grid',
      }),
    );
    expect(result.orders[0]).toMatchObject({
      status: 'rejected',
      reason: 'price-off-tick',
      message: 'not on the grid',
    });
  });

  it('keeps a live order as it is when a refusal names it, and notes the refusal', () => {
    const accepted = run(
      { type: 'submitted', request, time: 1 },
      event({ type: 'accepted', order: state() }),
    );
    const refused = reduceBlotter(
      accepted,
      event({
        type: 'rejected',
        clientOrderId: 'ord-1',
        reason: 'unknown-order',
        message: 'too late to cancel',
      }),
    );
    expect(refused.orders[0]?.status).toBe('open');
    expect(refused.notice).toBe('too late to cancel (unknown-order)');
    const anonymous = reduceBlotter(
      accepted,
      event({ type: 'rejected', clientOrderId: '', reason: 'rate-limited', message: 'slow down' }),
    );
    expect(anonymous.orders).toEqual(accepted.orders);
    expect(anonymous.notice).toBe('slow down (rate-limited)');
  });

  it('holds basket orders until COMMIT, then shows them sent', () => {
    const held = run(
      { type: 'submitted', request, transaction: 'tx-1', time: 1 },
      { type: 'submitted', request: { ...request, clientOrderId: 'ord-2' }, transaction: 'tx-1', time: 2 },
      { type: 'receipt', clientOrderId: 'ord-1' },
    );
    expect(held.orders.map((order) => order.status)).toEqual(['held', 'held']);
    const committed = reduceBlotter(held, { type: 'committed', transaction: 'tx-1' });
    expect(committed.orders.map((order) => order.status)).toEqual(['sent', 'sent']);
  });

  it('marks basket orders aborted on ABORT or when the connection drops', () => {
    const held = run({ type: 'submitted', request, transaction: 'tx-1', time: 1 });
    expect(reduceBlotter(held, { type: 'aborted', transaction: 'tx-1' }).orders[0]?.status).toBe('aborted');
    expect(reduceBlotter(held, { type: 'aborted', transaction: 'tx-2' }).orders[0]?.status).toBe('held');
    expect(reduceBlotter(held, { type: 'connection-lost' }).orders[0]?.status).toBe('aborted');
  });

  it('marks an order whose RECEIPT never came as unconfirmed, until an event settles it', () => {
    const lost = run(
      { type: 'submitted', request, time: 1 },
      { type: 'unconfirmed', clientOrderId: 'ord-1' },
    );
    expect(lost.orders[0]?.status).toBe('unconfirmed');
    expect(reduceBlotter(lost, event({ type: 'accepted', order: state() })).orders[0]?.status).toBe('open');
  });

  it('rebuilds open orders after a reconnect, keeping finished ones', () => {
    const before = run(
      event({ type: 'accepted', order: state({ orderId: 'o-1', clientOrderId: 'a' }) }),
      event({ type: 'accepted', order: state({ orderId: 'o-2', clientOrderId: 'b' }) }),
      event({
        type: 'fill',
        order: state({ orderId: 'o-3', clientOrderId: 'c', filled: 10, status: 'filled' }),
        price: 1,
        quantity: 10,
        tradeId: 1,
      }),
    );
    const after = reduceBlotter(
      before,
      event({
        type: 'open-orders',
        orders: [
          state({ orderId: 'o-2', clientOrderId: 'b', filled: 3, status: 'partially-filled' }),
          state({ orderId: 'o-4', clientOrderId: 'd' }),
        ],
      }),
    );
    const byId = Object.fromEntries(after.orders.map((order) => [order.orderId, order.status]));
    // o-1 was open and is no longer: it finished while the page was away, so it leaves the list.
    expect(byId).toEqual({ 'o-2': 'partially-filled', 'o-3': 'filled', 'o-4': 'open' });
  });
});
