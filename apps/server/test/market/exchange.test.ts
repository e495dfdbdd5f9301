import type { OrderEvent } from '@stomping-ground/contracts';
import { describe, expect, it } from 'vitest';
import { Exchange, type NewOrder, type Owner } from '../../src/services/market/exchange';
import { INSTRUMENTS } from '../../src/services/market/instruments';

const NOW = 1_700_000_000_000;
const ann: Owner = { kind: 'user', login: 'ann' };
const bob: Owner = { kind: 'user', login: 'bob' };
const maker: Owner = { kind: 'simulated', name: 'market-maker' };

function exchange(maxOpenOrdersPerLogin = 50): Exchange {
  return new Exchange(INSTRUMENTS, { maxOpenOrdersPerLogin, now: () => NOW });
}

function limit(
  owner: Owner,
  side: 'buy' | 'sell',
  quantity: number,
  price: number,
  symbol = 'ACME',
): NewOrder {
  return {
    owner,
    clientOrderId: `${side}-${quantity}-${price}`,
    symbol,
    side,
    type: 'limit',
    quantity,
    price,
  };
}

function market(owner: Owner, side: 'buy' | 'sell', quantity: number, symbol = 'ACME'): NewOrder {
  return { owner, clientOrderId: `${side}-${quantity}`, symbol, side, type: 'market', quantity };
}

/** Each event as `type status filled/quantity`, the way a blotter would list them. */
function summary(events: readonly { login: string; event: OrderEvent }[]): string[] {
  return events.map(({ login, event }) => {
    if (event.type === 'rejected' || event.type === 'open-orders') return `${login} ${event.type}`;
    const { status, filled, quantity } = event.order;
    const fill = event.type === 'fill' ? ` ${event.quantity}@${event.price}` : '';
    return `${login} ${event.type}${fill} ${status} ${filled}/${quantity}`;
  });
}

describe('the exchange', () => {
  it('accepts a resting limit order and lists it among its owner’s open orders', () => {
    const venue = exchange();
    const report = venue.submit(limit(ann, 'buy', 10, 4200));
    expect(summary(report.events)).toEqual(['ann accepted open 0/10']);
    expect(report.order).toMatchObject({ status: 'open', filled: 0, price: 4200, time: NOW });
    expect(venue.openOrders('ann').map((order) => order.orderId)).toEqual([report.order!.orderId]);
    expect(venue.bestBid('ACME')).toBe(4200);
  });

  it('tells both users of a trade of their fill, and names buyer and seller', () => {
    const venue = exchange();
    venue.submit(limit(ann, 'buy', 10, 4200));
    const report = venue.submit(market(bob, 'sell', 4));
    expect(summary(report.events)).toEqual([
      'bob accepted open 0/4',
      'ann fill 4@4200 partially-filled 4/10',
      'bob fill 4@4200 filled 4/4',
    ]);
    expect(report.trades).toEqual([
      {
        trade: { id: 1, symbol: 'ACME', price: 4200, quantity: 4, aggressor: 'sell', time: NOW },
        buyer: ann,
        seller: bob,
      },
    ]);
    expect(venue.openOrders('ann')[0]).toMatchObject({ filled: 4, status: 'partially-filled' });
    expect(venue.openOrders('bob')).toEqual([]);
  });

  it('tells no one of a simulated participant’s side of a trade', () => {
    const venue = exchange();
    venue.submit(limit(maker, 'sell', 100, 4250));
    const report = venue.submit(market(ann, 'buy', 10));
    expect(summary(report.events)).toEqual(['ann accepted open 0/10', 'ann fill 10@4250 filled 10/10']);
    expect(report.trades[0]).toMatchObject({ buyer: ann, seller: maker });
  });

  it('cancels the unfilled rest of a market order after its fills', () => {
    const venue = exchange();
    venue.submit(limit(maker, 'sell', 5, 4250));
    const report = venue.submit(market(ann, 'buy', 8));
    expect(summary(report.events)).toEqual([
      'ann accepted open 0/8',
      'ann fill 5@4250 partially-filled 5/8',
      'ann cancelled cancelled 5/8',
    ]);
  });

  it('refuses a market order against an empty side as no-liquidity', () => {
    expect(exchange().check(market(ann, 'buy', 1))).toMatchObject({ reason: 'no-liquidity' });
  });

  it('cancels a user’s own resting order when a newer order of theirs would trade with it', () => {
    const venue = exchange();
    const resting = venue.submit(limit(ann, 'sell', 5, 4250)).order!;
    venue.submit(limit(maker, 'sell', 5, 4251));
    const report = venue.submit(limit(ann, 'buy', 5, 4251));
    expect(summary(report.events)).toEqual([
      'ann accepted open 0/5',
      'ann cancelled cancelled 0/5',
      'ann fill 5@4251 filled 5/5',
    ]);
    const cancelled = report.events[1]!.event;
    expect(cancelled.type === 'cancelled' && cancelled.order.orderId).toBe(resting.orderId);
    expect(venue.openOrders('ann')).toEqual([]);
  });

  it.each([
    ['an unknown symbol', limit(ann, 'buy', 1, 100, 'NOPE'), 'unknown-symbol'],
    ['a price off the 5-cent grid', limit(ann, 'buy', 1, 61_202, 'STRK'), 'price-off-tick'],
    ['a zero quantity', limit(ann, 'buy', 0, 4200), 'bad-quantity'],
    ['a negative quantity', limit(ann, 'buy', -3, 4200), 'bad-quantity'],
    ['a quantity beyond the largest order', limit(ann, 'buy', 1_000_001, 4200), 'bad-quantity'],
    ['a price beyond the largest price', limit(ann, 'buy', 1, 100_000_001), 'bad-price'],
  ] as const)('refuses %s', (_title, order, reason) => {
    const refusal = exchange().check(order);
    expect(refusal?.reason).toBe(reason);
    expect(refusal?.message).toBeTruthy();
  });

  it('bounds each login’s resting orders, counting a basket’s earlier limit orders', () => {
    const venue = exchange(3);
    venue.submit(limit(ann, 'buy', 1, 4000));
    venue.submit(limit(ann, 'buy', 1, 4001));
    expect(venue.check(limit(ann, 'buy', 1, 4002))).toBeUndefined();
    expect(venue.check(limit(ann, 'buy', 1, 4002), 1)?.reason).toBe('too-many-open-orders');
    venue.submit(limit(ann, 'buy', 1, 4002));
    expect(venue.check(limit(ann, 'buy', 1, 4003))?.reason).toBe('too-many-open-orders');
    // Market orders never rest, and other logins have bounds of their own.
    venue.submit(limit(maker, 'sell', 10, 4300));
    expect(venue.check(market(ann, 'buy', 1))).toBeUndefined();
    expect(venue.check(limit(bob, 'buy', 1, 4003))).toBeUndefined();
  });

  it('lets a user cancel only their own open orders', () => {
    const venue = exchange();
    const order = venue.submit(limit(ann, 'buy', 10, 4200)).order!;
    expect(venue.cancel(order.orderId, bob)).toBeUndefined();
    const report = venue.cancel(order.orderId, ann);
    expect(summary(report!.events)).toEqual(['ann cancelled cancelled 0/10']);
    expect(venue.cancel(order.orderId, ann)).toBeUndefined();
    expect(venue.bestBid('ACME')).toBeUndefined();
  });

  it('refuses to submit an order that check would refuse', () => {
    expect(() => exchange().submit(limit(ann, 'buy', 1, 100, 'NOPE'))).toThrow(RangeError);
  });
});
