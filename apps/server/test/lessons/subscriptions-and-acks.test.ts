/**
 * The frame sequences docs/subscriptions-and-acks.md shows, over a real server and raw STOMP.
 * Other claims of the lesson are checked where the lesson links: test/integration/raw-queues.test.ts
 * (round robin, retention while nobody listens), test/core/queues.test.ts (the prefetch bound),
 * test/core/snapshots.test.ts and test/market/service.test.ts (snapshot on subscribe),
 * test/integration/raw-errors.test.ts (who may SEND and SUBSCRIBE where).
 */
import type { Frame } from '@stomping-ground/protocol';
import { describe, expect, it } from 'vitest';
import type { StompProbe } from '../support/probe';
import {
  header,
  nextMessage,
  sendWithReceipt,
  subscribe,
  text,
  until,
  useServerAndProbes,
} from '../support/raw';

const { pool, unique } = useServerAndProbes();

async function sendJobs(producer: StompProbe, destination: string, bodies: readonly string[]): Promise<void> {
  for (const body of bodies) {
    await sendWithReceipt(producer, 'SEND', [['destination', destination]], body);
  }
}

function messages(probe: StompProbe): Frame[] {
  return probe.frames.filter((frame) => frame.command === 'MESSAGE');
}

describe('the subscriptions-and-acks lesson', () => {
  it('tells two subscriptions of one session apart by the subscription header, which echoes the SUBSCRIBE id', async () => {
    const destination = unique('/topic/lessons.');
    const reader = await pool.client('tcp');
    await subscribe(reader, 'first', destination);
    await subscribe(reader, 'second', destination);
    const writer = await pool.client('ws');
    await sendWithReceipt(writer, 'SEND', [['destination', destination]], 'hello');

    const one = await nextMessage(reader);
    const two = await nextMessage(reader);
    expect([header(one, 'subscription'), header(two, 'subscription')].sort()).toEqual(['first', 'second']);
    expect(text(one)).toBe('hello');
    expect(text(two)).toBe('hello');
    // auto mode: nothing to acknowledge, so no ack header.
    expect(header(one, 'ack')).toBeUndefined();
  });

  it('in client mode, one ACK of job 2 acknowledges jobs 1 and 2 (cumulative): only job 3 comes back, redelivered:true', async () => {
    const destination = unique('/queue/lessons.');
    const worker = await pool.client('tcp');
    await subscribe(worker, '0', destination, 'client');
    const producer = await pool.client('tcp');
    await sendJobs(producer, destination, ['job 1', 'job 2', 'job 3']);

    const received = [await nextMessage(worker), await nextMessage(worker), await nextMessage(worker)];
    expect(received.map(text)).toEqual(['job 1', 'job 2', 'job 3']);
    for (const frame of received) {
      expect(header(frame, 'subscription')).toBe('0');
      expect(header(frame, 'destination')).toBe(destination);
      expect(header(frame, 'ack')).toBeTruthy();
      expect(header(frame, 'message-id')).toBeTruthy();
      expect(header(frame, 'redelivered')).toBeUndefined();
    }

    await sendWithReceipt(worker, 'ACK', [['id', header(received[1]!, 'ack')!]]);
    // The worker leaves without acknowledging job 3.
    await sendWithReceipt(worker, 'UNSUBSCRIBE', [['id', '0']]);

    const next = await pool.client('ws');
    await subscribe(next, '0', destination, 'client');
    const again = await nextMessage(next);
    expect(text(again)).toBe('job 3');
    expect(header(again, 'redelivered')).toBe('true');
    expect(header(again, 'message-id')).toBe(header(received[2]!, 'message-id'));
    // Jobs 1 and 2 were settled: a marker sent now is the very next message.
    await sendJobs(producer, destination, ['marker']);
    expect(text(await nextMessage(next))).toBe('marker');
  });

  it('in client-individual mode, a NACKed message goes to the other consumer with redelivered:true', async () => {
    const destination = unique('/queue/lessons.');
    const a = await pool.client('tcp');
    const b = await pool.client('ws');
    await subscribe(a, 'a', destination, 'client-individual');
    await subscribe(b, 'b', destination, 'client-individual');
    const producer = await pool.client('tcp');
    await sendJobs(producer, destination, ['job 1']);

    await until(() => messages(a).length + messages(b).length === 1, 5_000, 'the first delivery');
    const [holder, other] = messages(a).length === 1 ? [a, b] : [b, a];
    const original = await nextMessage(holder);
    await sendWithReceipt(holder, 'NACK', [['id', header(original, 'ack')!]]);

    const redelivered = await nextMessage(other);
    expect(text(redelivered)).toBe('job 1');
    expect(header(redelivered, 'redelivered')).toBe('true');
    expect(header(redelivered, 'message-id')).toBe(header(original, 'message-id'));
    expect(messages(holder)).toHaveLength(1);
  });

  it('gives a subscriber to a quote topic the current quote at once, flagged snapshot:true', async () => {
    const reader = await pool.client('tcp');
    await subscribe(reader, 'q', '/topic/market/quotes.ACME');
    const first = await nextMessage(reader);
    expect(header(first, 'snapshot')).toBe('true');
    expect(header(first, 'content-type')).toBe('application/json');
    expect(JSON.parse(text(first))).toMatchObject({ symbol: 'ACME' });
  });
});
