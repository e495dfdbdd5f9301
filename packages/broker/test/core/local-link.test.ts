/**
 * The link of a broker on its own: the queues' messages reach its `QueueStore` (and only through
 * it), RECEIPTs wait for the store, and what the store kept comes back when a broker attaches it.
 * The SQLite store itself is tested in `test/store/`.
 */
import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker';
import { BrokerError, BrokerErrorCode } from '../../src/core/errors';
import { LocalLink } from '../../src/core/local-link';
import { OutboundMessage } from '../../src/core/message';
import type { QueueStore, RestoredQueueMessage } from '../../src/core/queue-store';
import { connectClient, header, settle, text } from '../support/fake-transport';

/** A store that remembers what it was told, keeps `kept` for `restore`, and flushes when told to. */
class RecordingStore implements QueueStore {
  readonly calls: string[] = [];
  kept: Array<[string, OutboundMessage, boolean]> = [];
  flush: Promise<void> | undefined;

  restore(keep: RestoredQueueMessage): void {
    for (const [queue, message, redelivered] of this.kept) keep(queue, message, redelivered);
  }
  add(queue: string, message: OutboundMessage): void {
    this.calls.push(`add ${queue} ${text(message.body)}`);
  }
  delivered(message: OutboundMessage): void {
    this.calls.push(`delivered ${text(message.body)}`);
  }
  consumed(messages: readonly OutboundMessage[]): void {
    this.calls.push(`consumed ${messages.map((message) => text(message.body)).join(' ')}`);
  }
  flushed(): Promise<void> | undefined {
    return this.flush;
  }
}

function kept(queue: string, body: string): OutboundMessage {
  return new OutboundMessage(queue, `kept-${body}`, [], new TextEncoder().encode(body));
}

describe('the local link', () => {
  it('records in its store what a queue accepted, handed out and saw consumed', async () => {
    const store = new RecordingStore();
    const broker = new Broker({ link: new LocalLink(store) });
    const consumer = await connectClient(broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/jobs', ack: 'client-individual' });
    consumer.send('SEND', { destination: '/queue/jobs' }, 'a');
    await settle();
    consumer.send('ACK', { id: header(consumer.messages()[0]!, 'ack')! });
    consumer.send('SUBSCRIBE', { id: '2', destination: '/queue/auto' });
    consumer.send('SEND', { destination: '/queue/auto' }, 'b');
    await settle();
    expect(store.calls).toEqual([
      'add /queue/jobs a',
      'delivered a',
      'consumed a',
      'add /queue/auto b',
      'consumed b',
    ]);
  });

  it("holds a queue SEND's RECEIPT until the store has written it, and fails the SEND when it cannot", async () => {
    const store = new RecordingStore();
    let written!: () => void;
    store.flush = new Promise((resolve) => (written = resolve));
    const broker = new Broker({ link: new LocalLink(store) });
    const producer = await connectClient(broker);
    producer.send('SEND', { destination: '/queue/jobs', receipt: 'r1' }, 'job');
    await settle();
    expect(producer.received('RECEIPT')).toEqual([]);
    written();
    await settle();
    expect(header(producer.last('RECEIPT'), 'receipt-id')).toBe('r1');

    store.flush = Promise.reject(new BrokerError(BrokerErrorCode.UNAVAILABLE, 'the disk is full'));
    producer.send('SEND', { destination: '/queue/jobs', receipt: 'r2' }, 'lost');
    await settle();
    expect(producer.error()).toMatchObject({ code: 'STOMP_ERR_UNAVAILABLE', receiptId: 'r2' });
  });

  it('gives a broker that attaches it the queues its store kept, redeliveries flagged', async () => {
    const store = new RecordingStore();
    store.kept = [
      ['/queue/jobs', kept('/queue/jobs', 'sent before'), true],
      ['/queue/jobs', kept('/queue/jobs', 'never sent'), false],
      ['/queue/other', kept('/queue/other', 'elsewhere'), false],
    ];
    const broker = new Broker({ link: new LocalLink(store) });
    expect(broker.restored).toEqual({ messages: 3, queues: 2 });
    const consumer = await connectClient(broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/jobs' });
    await settle();
    expect(consumer.bodies()).toEqual(['sent before', 'never sent']);
    expect(consumer.messages().map((frame) => header(frame, 'redelivered'))).toEqual(['true', undefined]);
  });

  it('serves one broker', () => {
    const link = new LocalLink();
    new Broker({ link });
    expect(() => new Broker({ link })).toThrow('a LocalLink serves one broker');
  });
});
