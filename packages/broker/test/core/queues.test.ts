import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker';
import { BrokerError, BrokerErrorCode } from '../../src/core/errors';
import { CloseCode } from '../../src/core/transport';
import { connectClient, header, settle, stomp } from '../support/fake-transport';

describe('queues', () => {
  it('give each message to exactly one subscriber, round robin', async () => {
    const broker = new Broker();
    const consumers = [await connectClient(broker), await connectClient(broker), await connectClient(broker)];
    for (const consumer of consumers) consumer.send('SUBSCRIBE', { id: 'q', destination: '/queue/work' });
    for (let i = 0; i < 6; i++) broker.publish('/queue/work', `job-${i}`);
    await settle();
    expect(consumers.map((consumer) => consumer.bodies())).toEqual([
      ['job-0', 'job-3'],
      ['job-1', 'job-4'],
      ['job-2', 'job-5'],
    ]);
  });

  it('keep messages while nobody subscribes and hand them over to the first subscriber', async () => {
    const broker = new Broker();
    const producer = await connectClient(broker);
    producer.send('SEND', { destination: '/queue/mail' }, 'first');
    producer.send('SEND', { destination: '/queue/mail' }, 'second');
    await settle();
    expect(broker.stats().queueDepths).toEqual({ '/queue/mail': 2 });
    const consumer = await connectClient(broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/mail' });
    await settle();
    expect(consumer.bodies()).toEqual(['first', 'second']);
    expect(broker.stats().queueDepths).toEqual({ '/queue/mail': 0 });
  });

  it('keep their own copy of a body, not a view of the chunk it came in', async () => {
    const broker = new Broker();
    const producer = await connectClient(broker);
    const chunk = new TextEncoder().encode(stomp('SEND', { destination: '/queue/copy' }, 'original'));
    producer.raw(chunk);
    chunk.fill(0x41);
    const consumer = await connectClient(broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/copy' });
    await settle();
    expect(consumer.bodies()).toEqual(['original']);
  });

  it('keep their own copy of a body that came in a Node Buffer, whose slice is a view', async () => {
    const broker = new Broker();
    const producer = await connectClient(broker);
    const chunk = Buffer.from(stomp('SEND', { destination: '/queue/buffer' }, 'original'));
    producer.raw(chunk);
    chunk.fill(0x41);
    const consumer = await connectClient(broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/buffer' });
    await settle();
    expect(consumer.bodies()).toEqual(['original']);
  });

  it('keep their own copy of a body a server-side service published', async () => {
    const broker = new Broker();
    const body = Buffer.from('original');
    broker.publish('/queue/service', body);
    body.fill(0x41);
    const consumer = await connectClient(broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/service' });
    await settle();
    expect(consumer.bodies()).toEqual(['original']);
  });

  it('refuse a SEND beyond the queue’s depth with an ERROR, never dropping it silently', async () => {
    const broker = new Broker({ limits: { maxQueueDepth: 2 } });
    const producer = await connectClient(broker);
    producer.send('SEND', { destination: '/queue/full' }, '1');
    producer.send('SEND', { destination: '/queue/full' }, '2');
    producer.send('SEND', { destination: '/queue/full', receipt: 'third' }, '3');
    await settle();
    expect(producer.error()).toMatchObject({
      code: BrokerErrorCode.LIMIT,
      receiptId: 'third',
      close: CloseCode.POLICY_VIOLATION,
    });
    expect(broker.stats().queueDepths['/queue/full']).toBe(2);
  });

  it('refuse a SEND beyond the queue’s byte bound', async () => {
    const broker = new Broker({ limits: { maxQueueBytes: 10 } });
    const producer = await connectClient(broker);
    producer.send('SEND', { destination: '/queue/bytes' }, '123456');
    producer.send('SEND', { destination: '/queue/bytes' }, '123456');
    await settle();
    expect(producer.error().code).toBe(BrokerErrorCode.LIMIT);
  });

  it('throw from publish when a queue is full', () => {
    const broker = new Broker({ limits: { maxQueueDepth: 1 } });
    broker.publish('/queue/server', 'a');
    expect(() => broker.publish('/queue/server', 'b')).toThrow(BrokerError);
  });

  it('bound how many queues exist at once', async () => {
    const broker = new Broker({ limits: { maxQueues: 2 } });
    const producer = await connectClient(broker);
    producer.send('SEND', { destination: '/queue/a' }, '1');
    producer.send('SEND', { destination: '/queue/b' }, '1');
    producer.send('SEND', { destination: '/queue/c' }, '1');
    await settle();
    expect(producer.error().code).toBe(BrokerErrorCode.LIMIT);
  });

  it('forget a queue once it is empty and nobody listens', async () => {
    const broker = new Broker();
    const consumer = await connectClient(broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/tmp' });
    expect(broker.stats().destinations.queues).toBe(1);
    consumer.send('UNSUBSCRIBE', { id: '1' });
    expect(broker.stats().destinations.queues).toBe(0);
  });

  it('in client mode treat an ACK as covering every earlier message of the subscription', async () => {
    const broker = new Broker();
    const consumer = await connectClient(broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/c', ack: 'client' });
    for (let i = 0; i < 3; i++) broker.publish('/queue/c', `${i}`);
    await settle();
    const acks = consumer.messages().map((message) => header(message, 'ack'));
    expect(acks.every((ack) => ack !== undefined)).toBe(true);
    consumer.send('ACK', { id: acks[1]! });
    await settle();
    expect(broker.stats().queues[0]).toMatchObject({ unacked: 1 });
    // The first was covered by the cumulative ACK: acknowledging it again is an error.
    consumer.send('ACK', { id: acks[0]! });
    await settle();
    expect(consumer.error().code).toBe(BrokerErrorCode.UNKNOWN_ACK);
  });

  it('in client-individual mode treat an ACK as covering one message only', async () => {
    const broker = new Broker();
    const consumer = await connectClient(broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/ci', ack: 'client-individual' });
    for (let i = 0; i < 3; i++) broker.publish('/queue/ci', `${i}`);
    await settle();
    const acks = consumer.messages().map((message) => header(message, 'ack')!);
    consumer.send('ACK', { id: acks[1]! });
    await settle();
    expect(broker.stats().queues[0]).toMatchObject({ unacked: 2 });
    consumer.send('ACK', { id: acks[0]!, receipt: 'ok' });
    await settle();
    expect(header(consumer.last('RECEIPT'), 'receipt-id')).toBe('ok');
    expect(broker.stats().queues[0]).toMatchObject({ unacked: 1 });
  });

  it('redeliver a NACKed message to another subscriber, flagged redelivered', async () => {
    const broker = new Broker();
    const first = await connectClient(broker);
    const second = await connectClient(broker);
    first.send('SUBSCRIBE', { id: '1', destination: '/queue/n', ack: 'client-individual' });
    second.send('SUBSCRIBE', { id: '2', destination: '/queue/n', ack: 'client-individual' });
    broker.publish('/queue/n', 'hot potato');
    await settle();
    const message = first.last('MESSAGE');
    first.send('NACK', { id: header(message, 'ack')! });
    await settle();
    const redelivered = second.last('MESSAGE');
    expect(header(redelivered, 'redelivered')).toBe('true');
    expect(header(redelivered, 'message-id')).toBe(header(message, 'message-id'));
    expect(first.messages()).toHaveLength(1);
  });

  it('redeliver a NACKed message to the same subscriber when it is the only one', async () => {
    const broker = new Broker();
    const only = await connectClient(broker);
    only.send('SUBSCRIBE', { id: '1', destination: '/queue/solo', ack: 'client-individual' });
    broker.publish('/queue/solo', 'again');
    await settle();
    only.send('NACK', { id: header(only.last('MESSAGE'), 'ack')! });
    await settle();
    expect(only.bodies()).toEqual(['again', 'again']);
    expect(header(only.last('MESSAGE'), 'redelivered')).toBe('true');
  });

  it('redeliver unacknowledged messages when their subscriber disconnects', async () => {
    const broker = new Broker();
    const leaving = await connectClient(broker);
    const staying = await connectClient(broker);
    leaving.send('SUBSCRIBE', { id: '1', destination: '/queue/d', ack: 'client' });
    broker.publish('/queue/d', 'a');
    broker.publish('/queue/d', 'b');
    await settle();
    staying.send('SUBSCRIBE', { id: '2', destination: '/queue/d', ack: 'auto' });
    leaving.connection.closed();
    await settle();
    expect(staying.bodies()).toEqual(['a', 'b']);
    expect(staying.messages().map((message) => header(message, 'redelivered'))).toEqual(['true', 'true']);
  });

  it('redeliver unacknowledged messages when their subscriber unsubscribes', async () => {
    const broker = new Broker();
    const consumer = await connectClient(broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/u', ack: 'client-individual' });
    broker.publish('/queue/u', 'pending');
    await settle();
    consumer.send('UNSUBSCRIBE', { id: '1' });
    expect(broker.stats().queueDepths).toEqual({ '/queue/u': 1 });
    consumer.send('SUBSCRIBE', { id: '2', destination: '/queue/u' });
    await settle();
    expect(consumer.bodies()).toEqual(['pending', 'pending']);
  });

  it('send no more than the prefetch window of unacknowledged messages to one subscriber', async () => {
    const broker = new Broker({ limits: { maxUnackedPerSubscription: 2 } });
    const slow = await connectClient(broker);
    slow.send('SUBSCRIBE', { id: '1', destination: '/queue/p', ack: 'client-individual' });
    for (let i = 0; i < 5; i++) broker.publish('/queue/p', `${i}`);
    await settle();
    expect(slow.bodies()).toEqual(['0', '1']);
    slow.send('ACK', { id: header(slow.messages()[0]!, 'ack')! });
    await settle();
    expect(slow.bodies()).toEqual(['0', '1', '2']);
    const fast = await connectClient(broker);
    fast.send('SUBSCRIBE', { id: '1', destination: '/queue/p' });
    await settle();
    expect(fast.bodies()).toEqual(['3', '4']);
  });

  it('take a STOMP 1.1 ACK by message-id and subscription', async () => {
    const broker = new Broker();
    const consumer = await connectClient(broker, { acceptVersion: '1.1' });
    consumer.send('SUBSCRIBE', { id: 's', destination: '/queue/v11', ack: 'client' });
    broker.publish('/queue/v11', 'x');
    await settle();
    const message = consumer.last('MESSAGE');
    expect(header(message, 'ack')).toBeUndefined();
    consumer.send('ACK', { 'message-id': header(message, 'message-id')!, subscription: 's', receipt: 'r' });
    await settle();
    expect(header(consumer.last('RECEIPT'), 'receipt-id')).toBe('r');
    expect(broker.stats().queueDepths).toEqual({ '/queue/v11': 0 });
  });

  it('refuse a STOMP 1.1 ACK without subscription', async () => {
    const broker = new Broker();
    const consumer = await connectClient(broker, { acceptVersion: '1.1' });
    consumer.send('SUBSCRIBE', { id: 's', destination: '/queue/v11', ack: 'client' });
    broker.publish('/queue/v11', 'x');
    await settle();
    consumer.send('ACK', { 'message-id': header(consumer.last('MESSAGE'), 'message-id')! });
    await settle();
    expect(consumer.error().code).toBe(BrokerErrorCode.MISSING_HEADER);
  });

  it('take a STOMP 1.0 ACK by message-id alone', async () => {
    const broker = new Broker();
    const consumer = await connectClient(broker, { acceptVersion: undefined });
    consumer.send('SUBSCRIBE', { destination: '/queue/v10', ack: 'client' });
    broker.publish('/queue/v10', 'x');
    await settle();
    consumer.send('ACK', { 'message-id': header(consumer.last('MESSAGE'), 'message-id')!, receipt: 'r' });
    await settle();
    expect(header(consumer.last('RECEIPT'), 'receipt-id')).toBe('r');
    expect(broker.stats().queues[0]).toMatchObject({ unacked: 0 });
  });

  it('report depth, consumers and unacknowledged messages per queue', async () => {
    const broker = new Broker();
    const consumer = await connectClient(broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/s', ack: 'client' });
    broker.publish('/queue/s', 'a');
    broker.publish('/queue/other', 'b');
    await settle();
    expect(broker.stats().queues).toEqual([
      { destination: '/queue/s', depth: 0, consumers: 1, unacked: 1 },
      { destination: '/queue/other', depth: 1, consumers: 0, unacked: 0 },
    ]);
    expect(broker.stats().queueDepths).toEqual({ '/queue/s': 1, '/queue/other': 1 });
  });
});
