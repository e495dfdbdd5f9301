import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker';
import { connectClient, header, settle } from '../support/fake-transport';

describe('topics', () => {
  it('give every subscriber every message, the sender included', async () => {
    const broker = new Broker();
    const a = await connectClient(broker);
    const b = await connectClient(broker);
    a.send('SUBSCRIBE', { id: 'a1', destination: '/topic/chat' });
    b.send('SUBSCRIBE', { id: 'b1', destination: '/topic/chat' });
    a.send('SEND', { destination: '/topic/chat' }, 'one');
    b.send('SEND', { destination: '/topic/chat' }, 'two');
    await settle();
    expect(a.bodies()).toEqual(['one', 'two']);
    expect(b.bodies()).toEqual(['one', 'two']);
  });

  it('carry destination, message-id, subscription and the sender’s own headers on each MESSAGE', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: 'sub-7', destination: '/topic/news' });
    client.send(
      'SEND',
      {
        destination: '/topic/news',
        'content-type': 'application/json',
        priority: 'high',
        receipt: 'r1',
      },
      '{"a":1}',
    );
    await settle();
    const message = client.last('MESSAGE');
    expect(header(message, 'destination')).toBe('/topic/news');
    expect(header(message, 'subscription')).toBe('sub-7');
    expect(header(message, 'message-id')).toMatch(/-m\d+$/);
    expect(header(message, 'content-type')).toBe('application/json');
    expect(header(message, 'priority')).toBe('high');
    expect(header(message, 'content-length')).toBe('7');
    expect(header(message, 'receipt')).toBeUndefined();
    expect(header(message, 'ack')).toBeUndefined();
  });

  it('never pass on receipt, transaction or a stale content-length', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/t' });
    client.send('BEGIN', { transaction: 'tx' });
    client.raw('SEND\ndestination:/topic/t\ntransaction:tx\nreceipt:r\ncontent-length:3\n\nabc\0');
    client.send('COMMIT', { transaction: 'tx' });
    await settle();
    const message = client.last('MESSAGE');
    expect(message.headers.map(([name]) => name)).toEqual([
      'subscription',
      'destination',
      'message-id',
      'content-length',
    ]);
  });

  it('send a body that is not UTF-8 as a binary message, and text as text', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/bin' });
    await settle();
    const sentBefore = client.transport.sent.length;
    broker.publish('/topic/bin', Uint8Array.of(0xff, 0x00, 0xfe));
    await settle();
    broker.publish('/topic/bin', 'plain');
    await settle();
    const chunks = client.transport.sent.slice(sentBefore);
    expect(chunks.map((chunk) => chunk.binary)).toEqual([true, false]);
    expect([...client.messages()[0]!.body]).toEqual([0xff, 0x00, 0xfe]);
  });

  it('coalesce what one turn of the event loop writes into one send', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/burst' });
    await settle();
    const sentBefore = client.transport.sent.length;
    for (let i = 0; i < 100; i++) broker.publish('/topic/burst', `${i}`);
    await settle();
    expect(client.transport.sent.length - sentBefore).toBe(1);
    expect(client.messages()).toHaveLength(100);
  });

  it('escape headers for each subscriber’s version', async () => {
    const broker = new Broker();
    const v12 = await connectClient(broker, { acceptVersion: '1.2' });
    const v11 = await connectClient(broker, { acceptVersion: '1.1' });
    const v10 = await connectClient(broker, { acceptVersion: '1.0' });
    for (const client of [v12, v11, v10]) client.send('SUBSCRIBE', { id: 'id:1', destination: '/topic/esc' });
    broker.publish('/topic/esc', 'x', [
      ['colon', 'a:b'],
      ['newline', 'line1\nline2'],
      ['cr', 'x\ry'],
    ]);
    await settle();
    const [m12, m11, m10] = [v12, v11, v10].map((client) => client.last('MESSAGE'));
    expect(header(m12!, 'subscription')).toBe('id:1');
    expect(header(m12!, 'colon')).toBe('a:b');
    expect(header(m12!, 'newline')).toBe('line1\nline2');
    expect(header(m12!, 'cr')).toBe('x\ry');
    // STOMP 1.1 has no escape for CR: that header is left out for 1.1 subscribers.
    expect(header(m11!, 'colon')).toBe('a:b');
    expect(header(m11!, 'newline')).toBe('line1\nline2');
    expect(header(m11!, 'cr')).toBeUndefined();
    // STOMP 1.0 has no escapes at all: values with EOLs are left out, colons travel as they are.
    expect(header(m10!, 'subscription')).toBe('id:1');
    expect(header(m10!, 'colon')).toBe('a:b');
    expect(header(m10!, 'newline')).toBeUndefined();
  });

  it('name a STOMP 1.0 subscription without id after its destination', async () => {
    const broker = new Broker();
    const client = await connectClient(broker, { acceptVersion: undefined });
    client.send('SUBSCRIBE', { destination: '/topic/old' });
    broker.publish('/topic/old', 'hi');
    await settle();
    expect(header(client.last('MESSAGE'), 'subscription')).toBe('/topic/old');
    client.send('UNSUBSCRIBE', { destination: '/topic/old', receipt: 'gone' });
    broker.publish('/topic/old', 'again');
    await settle();
    expect(client.bodies()).toEqual(['hi']);
    expect(header(client.last('RECEIPT'), 'receipt-id')).toBe('gone');
  });

  it('stop delivering after UNSUBSCRIBE', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/a' });
    broker.publish('/topic/a', 'before');
    client.send('UNSUBSCRIBE', { id: '1' });
    broker.publish('/topic/a', 'after');
    await settle();
    expect(client.bodies()).toEqual(['before']);
    expect(broker.stats().subscriptions).toBe(0);
  });

  it('acknowledge in the client modes without redelivering: a NACK drops the message', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/ack', ack: 'client-individual' });
    broker.publish('/topic/ack', 'm1');
    broker.publish('/topic/ack', 'm2');
    await settle();
    const [m1, m2] = client.messages();
    client.send('ACK', { id: header(m1!, 'ack')! });
    client.send('NACK', { id: header(m2!, 'ack')!, receipt: 'done' });
    await settle();
    expect(client.bodies()).toEqual(['m1', 'm2']);
    expect(header(client.last('RECEIPT'), 'receipt-id')).toBe('done');
  });

  it('answer every frame that asks for a receipt, in order', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/a', receipt: 'r1' });
    client.send('SEND', { destination: '/topic/a', receipt: 'r2' }, 'x');
    client.send('BEGIN', { transaction: 't', receipt: 'r3' });
    client.send('ABORT', { transaction: 't', receipt: 'r4' });
    client.send('UNSUBSCRIBE', { id: '1', receipt: 'r5' });
    await settle();
    expect(client.commands()).toEqual([
      'CONNECTED',
      'RECEIPT',
      'MESSAGE',
      'RECEIPT',
      'RECEIPT',
      'RECEIPT',
      'RECEIPT',
    ]);
    expect(client.received('RECEIPT').map((frame) => header(frame, 'receipt-id'))).toEqual([
      'r1',
      'r2',
      'r3',
      'r4',
      'r5',
    ]);
  });

  it('send the RECEIPT of a DISCONNECT before closing normally', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('DISCONNECT', { receipt: 'bye' });
    await settle();
    expect(header(client.last('RECEIPT'), 'receipt-id')).toBe('bye');
    expect(client.closedWith?.code).toBe(1000);
    expect(broker.sessionCount).toBe(0);
  });
});
