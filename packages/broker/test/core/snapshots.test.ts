import { afterEach, describe, expect, it, vi } from 'vitest';
import { Broker } from '../../src/core/broker';
import { BrokerErrorCode } from '../../src/core/errors';
import type { SnapshotContext } from '../../src/core/snapshots';
import { CloseCode } from '../../src/core/transport';
import { connectClient, header, settle, text } from '../support/fake-transport';

describe('snapshots on subscribe', () => {
  it('give a new subscription the current state as its first MESSAGE, then what is published', async () => {
    const broker = new Broker();
    let price = 100;
    broker.registerSnapshot('/topic/market/quotes.ACME', () => ({
      body: `price ${price}`,
      headers: [
        ['content-type', 'text/plain'],
        ['snapshot', 'true'],
      ],
    }));
    price = 101;
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: 'q', destination: '/topic/market/quotes.ACME', receipt: 'sub' });
    broker.publish('/topic/market/quotes.ACME', 'price 102');
    await settle();
    expect(client.bodies()).toEqual(['price 101', 'price 102']);
    const snapshot = client.messages()[0]!;
    expect(header(snapshot, 'subscription')).toBe('q');
    expect(header(snapshot, 'destination')).toBe('/topic/market/quotes.ACME');
    expect(header(snapshot, 'message-id')).toBeDefined();
    expect(header(snapshot, 'content-type')).toBe('text/plain');
    expect(header(snapshot, 'snapshot')).toBe('true');
    // The snapshot is written while the SUBSCRIBE is handled, so it precedes the SUBSCRIBE's RECEIPT.
    expect(client.commands().slice(1)).toEqual(['MESSAGE', 'RECEIPT', 'MESSAGE']);
  });

  it('go to the new subscription only, not to those already subscribed', async () => {
    const broker = new Broker();
    let calls = 0;
    broker.registerSnapshot('/topic/scores', () => ({ body: `snapshot ${++calls}` }));
    const early = await connectClient(broker);
    early.send('SUBSCRIBE', { id: 'a', destination: '/topic/scores' });
    const late = await connectClient(broker);
    late.send('SUBSCRIBE', { id: 'b', destination: '/topic/scores' });
    // A second subscription of the same session to the same topic gets its own.
    late.send('SUBSCRIBE', { id: 'c', destination: '/topic/scores' });
    await settle();
    expect(early.bodies()).toEqual(['snapshot 1']);
    expect(late.messages().map((frame) => [header(frame, 'subscription'), text(frame.body)])).toEqual([
      ['b', 'snapshot 2'],
      ['c', 'snapshot 3'],
    ]);
  });

  it('tell the provider who subscribed, from which session, to which destination', async () => {
    const broker = new Broker();
    const seen: SnapshotContext[] = [];
    broker.registerSnapshot('/topic/market/book.', (context) => {
      seen.push(context);
      return undefined;
    });
    const alice = await connectClient(broker, { login: 'alice', passcode: 'alice' });
    alice.send('SUBSCRIBE', { id: 'b', destination: '/topic/market/book.ACME' });
    await settle();
    expect(seen).toEqual([
      { login: 'alice', sessionId: alice.connection.id, destination: '/topic/market/book.ACME' },
    ]);
    // Undefined: nothing to send, and the subscription is live all the same.
    expect(alice.messages()).toEqual([]);
    broker.publish('/topic/market/book.ACME', 'depth');
    await settle();
    expect(alice.bodies()).toEqual(['depth']);
  });

  it('are found by exact destination first, then by the longest prefix ending in / or .', async () => {
    const broker = new Broker();
    broker.registerSnapshot('/topic/market/', () => ({ body: 'market' }));
    broker.registerSnapshot('/topic/market/quotes.', () => ({ body: 'quotes' }));
    broker.registerSnapshot('/topic/market/quotes.ACME', () => ({ body: 'acme' }));
    const client = await connectClient(broker);
    const destinations = [
      '/topic/market/quotes.ACME',
      '/topic/market/quotes.INIT',
      '/topic/market/trades',
      '/topic/market/quotes.ACMEX',
      '/topic/other',
    ];
    destinations.forEach((destination, i) => {
      client.send('SUBSCRIBE', { id: `${i}`, destination });
    });
    await settle();
    expect(client.bodies()).toEqual(['acme', 'quotes', 'market', 'quotes']);
  });

  it('reach a user destination’s subscriber with that login’s own state', async () => {
    const broker = new Broker();
    broker.registerSnapshot('/user/queue/portfolio', ({ login }) => ({ body: `portfolio of ${login}` }));
    const alice = await connectClient(broker, { login: 'alice', passcode: 'alice' });
    const bob = await connectClient(broker, { login: 'bob', passcode: 'bob' });
    alice.send('SUBSCRIBE', { id: 'p', destination: '/user/queue/portfolio' });
    bob.send('SUBSCRIBE', { id: 'p', destination: '/user/queue/portfolio' });
    await settle();
    expect(alice.bodies()).toEqual(['portfolio of alice']);
    expect(bob.bodies()).toEqual(['portfolio of bob']);
    expect(header(alice.last('MESSAGE'), 'destination')).toBe('/user/queue/portfolio');
  });

  it('await acknowledgement like any message on a subscription that acknowledges', async () => {
    const broker = new Broker();
    broker.registerSnapshot('/topic/state', () => ({ body: 'now' }));
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: 's', destination: '/topic/state', ack: 'client' });
    await settle();
    const ack = header(client.last('MESSAGE'), 'ack');
    expect(ack).toBeDefined();
    client.send('ACK', { id: ack!, receipt: 'acked' });
    await settle();
    expect(header(client.last('RECEIPT'), 'receipt-id')).toBe('acked');
    expect(client.closedWith).toBeUndefined();
  });

  it('stop once unregistered', async () => {
    const broker = new Broker();
    const unregister = broker.registerSnapshot('/topic/state', () => ({ body: 'now' }));
    unregister();
    unregister();
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: 's', destination: '/topic/state' });
    await settle();
    expect(client.messages()).toEqual([]);
    // The destination is free to register again.
    expect(() => broker.registerSnapshot('/topic/state', () => undefined)).not.toThrow();
  });

  it.each([
    ['a queue', '/queue/jobs'],
    ['an app destination', '/app/orders'],
    ['a destination of no kind', '/elsewhere'],
    ['a bare prefix', '/topic/'],
  ])('refuse to register for %s', (_what, destination) => {
    const broker = new Broker();
    expect(() => broker.registerSnapshot(destination, () => undefined)).toThrow(RangeError);
  });

  it('refuse a second provider for the same destination or prefix', () => {
    const broker = new Broker();
    broker.registerSnapshot('/topic/a', () => undefined);
    broker.registerSnapshot('/topic/b.', () => undefined);
    expect(() => broker.registerSnapshot('/topic/a', () => undefined)).toThrow(RangeError);
    expect(() => broker.registerSnapshot('/topic/b.', () => undefined)).toThrow(RangeError);
  });

  it('end the session with STOMP_ERR_INTERNAL when a provider throws, and keep no subscription', async () => {
    const broker = new Broker();
    broker.registerSnapshot('/topic/broken', () => {
      throw new Error('secret internals');
    });
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: 's', destination: '/topic/broken', receipt: 'r' });
    await settle();
    expect(client.error()).toMatchObject({
      code: BrokerErrorCode.INTERNAL,
      receiptId: 'r',
      close: CloseCode.SERVER_ERROR,
    });
    expect(text(client.last('ERROR').body)).not.toContain('secret');
    expect(broker.stats().subscriptions).toBe(0);
  });

  it('are conflated with later values for a slow reader of a conflating destination', async () => {
    const MAX = 4096;
    const broker = new Broker({ limits: { maxOutboundBytes: MAX } });
    broker.registerSnapshot('/topic/market/quotes.ACME', () => ({ body: 'snapshot' }));
    const slow = await connectClient(broker);
    slow.transport.bufferedAmount = MAX + 1;
    slow.send('SUBSCRIBE', { id: 'q', destination: '/topic/market/quotes.ACME' });
    broker.publish('/topic/market/quotes.ACME', 'newer');
    await settle();
    expect(slow.messages()).toEqual([]);
    slow.transport.bufferedAmount = 0;
    slow.connection.drained?.();
    await settle();
    expect(slow.bodies()).toEqual(['newer']);
  });
});

describe('the market tape rule', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('closes a reader of /topic/market/trades that stays behind rather than skip a trade', async () => {
    vi.useFakeTimers();
    const MAX = 4096;
    const broker = new Broker({ limits: { maxOutboundBytes: MAX }, timerResolutionMs: 100 });
    const slow = await connectClient(broker);
    slow.send('SUBSCRIBE', { id: 't', destination: '/topic/market/trades' });
    slow.send('SUBSCRIBE', { id: 'q', destination: '/topic/market/quotes.ACME' });
    await settle();
    slow.transport.bufferedAmount = MAX + 1;
    broker.publish('/topic/market/quotes.ACME', 'quote');
    await settle();
    // Quotes are conflated: the reader is kept.
    expect(slow.closedWith).toBeUndefined();
    // A trade still goes out while the reader is behind for less than the grace; past it, the reader is closed.
    broker.publish('/topic/market/trades', 'trade');
    await vi.advanceTimersByTimeAsync(6000);
    expect(slow.bodies()).toContain('trade');
    expect(slow.error()).toMatchObject({
      code: BrokerErrorCode.SLOW_CONSUMER,
      close: CloseCode.POLICY_VIOLATION,
    });
  });

  it('refuses client SENDs to the tape', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('SEND', { destination: '/topic/market/trades', receipt: 'r' }, 'fake trade');
    await settle();
    expect(client.error()).toMatchObject({ code: BrokerErrorCode.FORBIDDEN, receiptId: 'r' });
  });
});
