/**
 * The market's cluster roles as the service sees them (`services/market/roles.ts`): the local
 * implementations (a process on its own, always the owner), and a service that hands every request
 * to whatever inbox it was given, never applying one itself. The Redis implementations are tested
 * on the real Redis in `cluster-inbox.test.ts` and `cluster.test.ts`.
 */
import { Broker } from '@stomping-ground/broker';
import { connectClient, settle, text } from '@stomping-ground/broker/testing';
import { MarketDestination, type OrderEvent } from '@stomping-ground/protocol';
import { describe, expect, it } from 'vitest';
import type { MarketRequest } from '../../src/services/market/requests';
import { LocalMarketInbox, LocalMarketOwnership, type MarketInbox } from '../../src/services/market/roles';
import { MarketService } from '../../src/services/market/service';

const ORDER = JSON.stringify({
  clientOrderId: 'c-1',
  symbol: 'ACME',
  side: 'buy',
  type: 'limit',
  quantity: 1,
  price: 4000,
});

/** An inbox that keeps what it is given, as a cluster's stores it for the owner. */
class RecordingInbox implements MarketInbox {
  readonly requests: MarketRequest[] = [];

  append(request: MarketRequest): Promise<void> {
    this.requests.push(request);
    return Promise.resolve();
  }
}

describe('the local inbox', () => {
  it('applies a request here, at once, and returns nothing to wait for', () => {
    const applied: MarketRequest[] = [];
    const request: MarketRequest = {
      login: 'alice',
      sessionId: 's-1',
      destination: MarketDestination.refresh,
      bodies: [new Uint8Array()],
      basket: false,
    };
    expect(new LocalMarketInbox().append(request, (r) => applied.push(r))).toBeUndefined();
    expect(applied).toEqual([request]);
  });

  it('lets a market apply an order within its SEND: the acceptance comes before the RECEIPT', async () => {
    const broker = new Broker();
    const market = new MarketService(broker, { updatesPerSecond: 0, inbox: new LocalMarketInbox() });
    try {
      const alice = await connectClient(broker, { login: 'alice', passcode: 'alice' });
      alice.send('SUBSCRIBE', { id: 'orders', destination: MarketDestination.orderEvents, receipt: 'sub' });
      await settle();
      alice.send('SEND', { destination: MarketDestination.placeOrder, receipt: 'order' }, ORDER);
      await settle();
      const events = alice.messages().map((frame) => (JSON.parse(text(frame.body)) as OrderEvent).type);
      expect(events).toEqual(['open-orders', 'accepted']);
      expect(alice.commands().slice(-2)).toEqual(['MESSAGE', 'RECEIPT']);
      expect(market.toState().exchange.open).toHaveLength(1);
    } finally {
      market.close();
    }
  });
});

describe('the local ownership', () => {
  it('is always the owner, and runs the market from start to close', async () => {
    const market = new MarketService(new Broker(), { updatesPerSecond: 80, historyMinutes: 0 });
    const ownership = new LocalMarketOwnership(market);
    expect(ownership.owner).toBe(true);
    await ownership.start();
    expect(market.running).toBe(true);
    await ownership.close();
    expect(market.running).toBe(false);
    expect(ownership.owner).toBe(true);
    market.close();
  });
});

describe('a market given another inbox', () => {
  it('hands it every rate-limited request, a basket as one, and applies none of them itself', async () => {
    const broker = new Broker();
    const inbox = new RecordingInbox();
    const market = new MarketService(broker, { updatesPerSecond: 0, inbox });
    try {
      const alice = await connectClient(broker, { login: 'alice', passcode: 'alice' });
      alice.send('SEND', { destination: MarketDestination.placeOrder, receipt: 'order' }, ORDER);
      alice.send('SEND', { destination: MarketDestination.cancelOrder }, JSON.stringify({ orderId: 'o1' }));
      alice.send('SEND', { destination: MarketDestination.refresh });
      alice.send('BEGIN', { transaction: 't' });
      alice.send('SEND', { destination: MarketDestination.placeOrder, transaction: 't' }, ORDER);
      alice.send('SEND', { destination: MarketDestination.placeOrder, transaction: 't' }, ORDER);
      alice.send('COMMIT', { transaction: 't', receipt: 'commit' });
      await settle();
      expect(
        inbox.requests.map(({ destination, basket, bodies }) => [destination, basket, bodies.length]),
      ).toEqual([
        [MarketDestination.placeOrder, false, 1],
        [MarketDestination.cancelOrder, false, 1],
        [MarketDestination.refresh, false, 1],
        [MarketDestination.placeOrder, true, 2],
      ]);
      expect(inbox.requests.every((request) => request.login === 'alice')).toBe(true);
      expect(alice.received('RECEIPT')).toHaveLength(2);
      expect(market.toState().exchange.open).toHaveLength(0);
      expect(market.stats().orders.user).toBe(0);
    } finally {
      market.close();
    }
  });
});
