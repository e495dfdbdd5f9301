import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker';
import { BrokerErrorCode } from '../../src/core/errors';
import { connectClient, header, settle } from '../support/fake-transport';

describe('transactions', () => {
  it('hold SENDs until COMMIT, then deliver them all together', async () => {
    const broker = new Broker();
    const listener = await connectClient(broker);
    listener.send('SUBSCRIBE', { id: '1', destination: '/topic/tx' });
    const client = await connectClient(broker);
    client.send('BEGIN', { transaction: 't1' });
    client.send('SEND', { destination: '/topic/tx', transaction: 't1' }, 'a');
    client.send('SEND', { destination: '/topic/tx', transaction: 't1' }, 'b');
    await settle();
    expect(listener.messages()).toEqual([]);
    const sentBefore = listener.transport.sent.length;
    client.send('COMMIT', { transaction: 't1', receipt: 'committed' });
    await settle();
    expect(listener.bodies()).toEqual(['a', 'b']);
    expect(listener.transport.sent.length - sentBefore).toBe(1);
    expect(header(client.last('RECEIPT'), 'receipt-id')).toBe('committed');
  });

  it('discard what a transaction holds on ABORT', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/tx' });
    client.send('BEGIN', { transaction: 't1' });
    client.send('SEND', { destination: '/topic/tx', transaction: 't1' }, 'never');
    client.send('ABORT', { transaction: 't1' });
    client.send('SEND', { destination: '/topic/tx' }, 'outside');
    await settle();
    expect(client.bodies()).toEqual(['outside']);
    client.send('COMMIT', { transaction: 't1' });
    await settle();
    expect(client.error().code).toBe(BrokerErrorCode.UNKNOWN_TRANSACTION);
  });

  it('discard open transactions when the session ends', async () => {
    const broker = new Broker();
    const consumer = await connectClient(broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/tx' });
    const client = await connectClient(broker);
    client.send('BEGIN', { transaction: 't1' });
    client.send('SEND', { destination: '/queue/tx', transaction: 't1' }, 'lost');
    client.send('DISCONNECT', {});
    await settle();
    expect(consumer.messages()).toEqual([]);
    expect(broker.stats().queueDepths['/queue/tx']).toBe(0);
  });

  it('apply an ACK only at COMMIT, and leave the message unacknowledged after ABORT', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/queue/acks', ack: 'client-individual' });
    broker.publish('/queue/acks', 'a');
    broker.publish('/queue/acks', 'b');
    await settle();
    const [a, b] = client.messages().map((message) => header(message, 'ack')!);
    client.send('BEGIN', { transaction: 'ab' });
    client.send('ACK', { id: a!, transaction: 'ab' });
    client.send('ABORT', { transaction: 'ab' });
    await settle();
    expect(broker.stats().queues[0]).toMatchObject({ unacked: 2 });
    client.send('BEGIN', { transaction: 'cd' });
    client.send('ACK', { id: a!, transaction: 'cd' });
    client.send('NACK', { id: b!, transaction: 'cd' });
    await settle();
    expect(broker.stats().queues[0]).toMatchObject({ unacked: 2 });
    client.send('COMMIT', { transaction: 'cd' });
    await settle();
    // a is acknowledged; b came back and, with no other subscriber, went to the same one again.
    expect(client.bodies()).toEqual(['a', 'b', 'b']);
    expect(header(client.last('MESSAGE'), 'redelivered')).toBe('true');
  });

  it('commit an ACK already covered by a later cumulative ACK without complaint', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/queue/cum', ack: 'client' });
    broker.publish('/queue/cum', 'a');
    broker.publish('/queue/cum', 'b');
    await settle();
    const [a, b] = client.messages().map((message) => header(message, 'ack')!);
    client.send('BEGIN', { transaction: 't' });
    client.send('ACK', { id: a!, transaction: 't' });
    client.send('ACK', { id: b! });
    client.send('COMMIT', { transaction: 't', receipt: 'ok' });
    await settle();
    expect(header(client.last('RECEIPT'), 'receipt-id')).toBe('ok');
    expect(broker.stats().queues[0]).toMatchObject({ unacked: 0 });
  });

  it('take effect all or nothing: a COMMIT a queue cannot take delivers none of it', async () => {
    const broker = new Broker({ limits: { maxQueueDepth: 2 } });
    const listener = await connectClient(broker);
    listener.send('SUBSCRIBE', { id: '1', destination: '/topic/side' });
    const client = await connectClient(broker);
    client.send('BEGIN', { transaction: 't' });
    client.send('SEND', { destination: '/topic/side', transaction: 't' }, 'side effect');
    for (let i = 0; i < 3; i++)
      client.send('SEND', { destination: '/queue/small', transaction: 't' }, `${i}`);
    client.send('COMMIT', { transaction: 't', receipt: 'c' });
    await settle();
    expect(client.error()).toMatchObject({ code: BrokerErrorCode.LIMIT, receiptId: 'c' });
    expect(listener.messages()).toEqual([]);
    expect(broker.stats().destinations.queues).toBe(0);
  });

  it('bound the number of open transactions per session', async () => {
    const client = await connectClient(new Broker({ limits: { maxTransactionsPerSession: 2 } }));
    client.send('BEGIN', { transaction: 'a' });
    client.send('BEGIN', { transaction: 'b' });
    client.send('BEGIN', { transaction: 'c', receipt: 'r' });
    await settle();
    expect(client.error()).toMatchObject({ code: BrokerErrorCode.LIMIT, receiptId: 'r' });
  });

  it('bound the frames one transaction holds', async () => {
    const client = await connectClient(new Broker({ limits: { maxActionsPerTransaction: 2 } }));
    client.send('BEGIN', { transaction: 'a' });
    for (let i = 0; i < 3; i++) client.send('SEND', { destination: '/topic/x', transaction: 'a' }, `${i}`);
    await settle();
    expect(client.error().code).toBe(BrokerErrorCode.LIMIT);
  });

  it('bound the body bytes one transaction holds', async () => {
    const client = await connectClient(new Broker({ limits: { maxBytesPerTransaction: 10 } }));
    client.send('BEGIN', { transaction: 'a' });
    client.send('SEND', { destination: '/topic/x', transaction: 'a' }, '123456');
    client.send('SEND', { destination: '/topic/x', transaction: 'a' }, '123456');
    await settle();
    expect(client.error().code).toBe(BrokerErrorCode.LIMIT);
  });

  it('check a transactional SEND’s destination when it is sent, not at COMMIT', async () => {
    const client = await connectClient(new Broker());
    client.send('BEGIN', { transaction: 'a' });
    client.send('SEND', { destination: '/topic/market/X', transaction: 'a', receipt: 'early' });
    await settle();
    expect(client.error()).toMatchObject({ code: BrokerErrorCode.FORBIDDEN, receiptId: 'early' });
  });
});
