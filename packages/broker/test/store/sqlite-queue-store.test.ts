/**
 * The SQLite queue store under a real broker: what a queue accepted, handed out and saw consumed
 * is on disk when the broker says so, and a broker opened on the same directory (after a clean
 * close or after the first one simply stopped, as in a crash) has the same queues back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Broker, type BrokerOptions } from '../../src/core/broker';
import { BrokerErrorCode } from '../../src/core/errors';
import { QUEUE_STORE_FILE, SqliteQueueStore } from '../../src/store/sqlite-queue-store';
import { connectClient, header, settle, type TestClient } from '../support/fake-transport';
import { until } from '../support/until';

let dataDir: string;
const opened: SqliteQueueStore[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'sg-queue-store-'));
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A broker on a store in the test's directory; `limits` as the broker takes them. */
function start(options: BrokerOptions = {}): { broker: Broker; store: SqliteQueueStore } {
  const store = new SqliteQueueStore({ dataDir });
  opened.push(store);
  return { broker: new Broker({ ...options, queueStore: store }), store };
}

/** Rows on disk, read through a connection of its own, as another process would see them. */
function rowsOnDisk(): Array<{ body: string; deliveries: number }> {
  const db = new Database(join(dataDir, QUEUE_STORE_FILE), { readonly: true });
  try {
    const rows = db.prepare('SELECT body, deliveries FROM messages ORDER BY seq').all() as Array<{
      body: Buffer;
      deliveries: number;
    }>;
    return rows.map((row) => ({ body: row.body.toString(), deliveries: row.deliveries }));
  } finally {
    db.close();
  }
}

function receiptIds(client: TestClient): string[] {
  return client.received('RECEIPT').map((frame) => header(frame, 'receipt-id') ?? '');
}

async function sendReceipted(client: TestClient, destination: string, bodies: string[]): Promise<void> {
  const before = receiptIds(client).length;
  for (const body of bodies) client.send('SEND', { destination, receipt: `r-${body}` }, body);
  await until(() => receiptIds(client).length === before + bodies.length, 5_000, 'the RECEIPTs');
}

/** The messages a client got: body and whether it was flagged redelivered. */
function deliveries(client: TestClient): Array<[string, boolean]> {
  return client
    .messages()
    .map((frame) => [new TextDecoder().decode(frame.body), header(frame, 'redelivered') === 'true']);
}

describe('the SQLite queue store', () => {
  it('sends a queue SEND’s RECEIPT only once the message is on disk', async () => {
    const { broker } = start();
    const producer = await connectClient(broker);
    producer.send('SEND', { destination: '/queue/orders', receipt: 'stored' }, 'one');
    await settle();
    // Microtasks alone do not write: the batch is written once the event-loop turn ends.
    expect(receiptIds(producer)).toEqual([]);
    await until(() => receiptIds(producer).length === 1, 5_000, 'the RECEIPT');
    expect(rowsOnDisk()).toEqual([{ body: 'one', deliveries: 0 }]);
  });

  it('restores waiting messages after the broker stopped without closing the store, oldest first', async () => {
    const first = start();
    const producer = await connectClient(first.broker);
    await sendReceipted(producer, '/queue/a', ['a1', 'a2']);
    await sendReceipted(producer, '/queue/b', ['b1']);

    const second = start();
    expect(second.broker.restored).toEqual({ messages: 3, queues: 2 });
    expect(second.broker.stats().queueDepths).toEqual({ '/queue/a': 2, '/queue/b': 1 });
    const consumer = await connectClient(second.broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/a' });
    await settle();
    expect(deliveries(consumer)).toEqual([
      ['a1', false],
      ['a2', false],
    ]);
  });

  it('keeps the message id and the sender’s headers across a restart', async () => {
    const first = start();
    const consumer = await connectClient(first.broker);
    const producer = await connectClient(first.broker);
    producer.send(
      'SEND',
      { destination: '/queue/h', 'content-type': 'text/plain', trace: 'a:b', receipt: 'r' },
      'x',
    );
    await until(() => receiptIds(producer).length === 1, 5_000, 'the RECEIPT');
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/h', ack: 'client' });
    await settle();
    const before = consumer.messages()[0]!;
    expect(header(before, 'content-type')).toBe('text/plain');

    const second = start();
    const again = await connectClient(second.broker);
    again.send('SUBSCRIBE', { id: '1', destination: '/queue/h' });
    await settle();
    const after = again.messages()[0]!;
    expect(header(after, 'message-id')).toBe(header(before, 'message-id'));
    expect(header(after, 'content-type')).toBe('text/plain');
    expect(header(after, 'trace')).toBe('a:b');
    expect(header(after, 'redelivered')).toBe('true');
  });

  it('removes ACKed messages for good and brings unacknowledged ones back with redelivered:true', async () => {
    const first = start();
    const producer = await connectClient(first.broker);
    await sendReceipted(producer, '/queue/jobs', ['j1', 'j2', 'j3']);
    const consumer = await connectClient(first.broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/jobs', ack: 'client-individual' });
    await settle();
    const ackOf = (index: number) => header(consumer.messages()[index]!, 'ack')!;
    consumer.send('ACK', { id: ackOf(0), receipt: 'acked' });
    await settle();
    expect(receiptIds(consumer)).not.toContain('acked');
    await until(() => receiptIds(consumer).includes('acked'), 5_000, 'the ACK’s RECEIPT');
    // The RECEIPT came once the removal was on disk.
    expect(rowsOnDisk()).toEqual([
      { body: 'j2', deliveries: 1 },
      { body: 'j3', deliveries: 1 },
    ]);

    const second = start();
    const again = await connectClient(second.broker);
    again.send('SUBSCRIBE', { id: '1', destination: '/queue/jobs' });
    await settle();
    expect(deliveries(again)).toEqual([
      ['j2', true],
      ['j3', true],
    ]);
  });

  it('counts a NACK’s message as delivered, so it comes back redelivered after a clean restart too', async () => {
    const first = start();
    const producer = await connectClient(first.broker);
    await sendReceipted(producer, '/queue/n', ['n1', 'n2']);
    const consumer = await connectClient(first.broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/n', ack: 'client-individual' });
    await settle();
    consumer.send('NACK', { id: header(consumer.messages()[0]!, 'ack')! });
    consumer.send('ACK', { id: header(consumer.messages()[1]!, 'ack')! });
    consumer.send('DISCONNECT', { receipt: 'bye' });
    await until(() => receiptIds(consumer).includes('bye'), 5_000, 'the DISCONNECT’s RECEIPT');
    await first.store.close();

    const second = start();
    expect(second.broker.restored.messages).toBe(1);
    const again = await connectClient(second.broker);
    again.send('SUBSCRIBE', { id: '1', destination: '/queue/n' });
    await settle();
    expect(deliveries(again)).toEqual([['n1', true]]);
  });

  it('after a crash flags a message whose delivery was not yet written as possibly redelivered', async () => {
    const first = start();
    const producer = await connectClient(first.broker);
    await sendReceipted(producer, '/queue/c', ['c1', 'c2']);
    const consumer = await connectClient(first.broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/c', ack: 'client' });
    await settle();
    expect(consumer.messages()).toHaveLength(2);
    // The deliveries are not written yet (that waits for the end of the turn): the crash comes now.
    expect(rowsOnDisk().map((row) => row.deliveries)).toEqual([0, 0]);

    const second = start();
    const again = await connectClient(second.broker);
    again.send('SUBSCRIBE', { id: '1', destination: '/queue/c' });
    await settle();
    expect(deliveries(again)).toEqual([
      ['c1', true],
      ['c2', true],
    ]);
  });

  it('does not flag messages that were never handed out after a clean stop', async () => {
    const first = start();
    const producer = await connectClient(first.broker);
    await sendReceipted(producer, '/queue/fresh', ['f1']);
    const consumer = await connectClient(first.broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/fresh', ack: 'client' });
    await settle();
    await sendReceipted(producer, '/queue/other', ['o1']);
    await first.store.close();

    const second = start();
    const again = await connectClient(second.broker);
    again.send('SUBSCRIBE', { id: '1', destination: '/queue/other' });
    await settle();
    expect(deliveries(again)).toEqual([['o1', false]]);
  });

  it('writes a COMMIT’s queue SENDs together, and its RECEIPT after them; an ABORT writes none', async () => {
    const { broker } = start();
    const producer = await connectClient(broker);
    producer.send('BEGIN', { transaction: 't1' });
    for (const body of ['t1-a', 't1-b', 't1-c'])
      producer.send('SEND', { destination: '/queue/tx', transaction: 't1' }, body);
    producer.send('BEGIN', { transaction: 't2' });
    producer.send('SEND', { destination: '/queue/tx', transaction: 't2' }, 't2-a');
    producer.send('ABORT', { transaction: 't2', receipt: 'aborted' });
    await until(() => receiptIds(producer).includes('aborted'), 5_000, 'the ABORT’s RECEIPT');
    expect(rowsOnDisk()).toEqual([]);

    producer.send('COMMIT', { transaction: 't1', receipt: 'committed' });
    await settle();
    expect(receiptIds(producer)).not.toContain('committed');
    await until(() => receiptIds(producer).includes('committed'), 5_000, 'the COMMIT’s RECEIPT');
    expect(rowsOnDisk().map((row) => row.body)).toEqual(['t1-a', 't1-b', 't1-c']);
  });

  it('keeps the queue’s bounds after a restart: a full queue stays full', async () => {
    const limits = { maxQueueDepth: 2 };
    const first = start({ limits });
    const producer = await connectClient(first.broker);
    await sendReceipted(producer, '/queue/bounded', ['1', '2']);

    const second = start({ limits });
    const again = await connectClient(second.broker);
    again.send('SEND', { destination: '/queue/bounded', receipt: 'third' }, '3');
    await settle();
    expect(again.error()).toMatchObject({ code: BrokerErrorCode.LIMIT, receiptId: 'third' });
    expect(second.broker.stats().queueDepths).toEqual({ '/queue/bounded': 2 });
  });

  it('forgets queues left empty at a restart, and keeps a name used again after it', async () => {
    const first = start();
    const producer = await connectClient(first.broker);
    await sendReceipted(producer, '/queue/emptied', ['e1']);
    await sendReceipted(producer, '/queue/kept', ['k1']);
    const consumer = await connectClient(first.broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/emptied', receipt: 'taken' });
    await until(() => receiptIds(consumer).includes('taken'), 5_000, 'the SUBSCRIBE’s RECEIPT');
    await first.store.close();

    const second = start();
    expect(second.broker.restored).toEqual({ messages: 1, queues: 1 });
    const again = await connectClient(second.broker);
    await sendReceipted(again, '/queue/emptied', ['e2']);
    await sendReceipted(again, '/queue/new', ['n1']);

    const third = start();
    expect(third.broker.restored).toEqual({ messages: 3, queues: 3 });
    expect(third.broker.stats().queueDepths).toEqual({
      '/queue/kept': 1,
      '/queue/emptied': 1,
      '/queue/new': 1,
    });
  });

  it('cannot be combined with a cluster, whose queues are its own', () => {
    const store = new SqliteQueueStore({ dataDir });
    opened.push(store);
    const link = {} as NonNullable<BrokerOptions['link']>;
    expect(() => new Broker({ link, queueStore: store })).toThrow(RangeError);
  });

  it('never writes a message an auto consumer took in the turn it came', async () => {
    const { broker } = start();
    const consumer = await connectClient(broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/live' });
    const producer = await connectClient(broker);
    await sendReceipted(producer, '/queue/live', ['l1', 'l2']);
    expect(consumer.messages()).toHaveLength(2);
    expect(rowsOnDisk()).toEqual([]);
  });
});
