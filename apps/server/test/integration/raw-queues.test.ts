/**
 * Queues and transactions over real sockets. Consumers are spread over both transports (one on
 * WebSocket, one on TCP) so every test crosses them.
 *
 * "Nothing arrives" is never shown by waiting: a marker sent afterwards must be the next thing the
 * reader sees, which it could not be if the message it must not get had been delivered.
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
  within,
} from '../support/raw';

const { server, pool, unique } = useServerAndProbes();

/** A queue name no other test uses. */
function queue(name: string): string {
  return unique(`/queue/raw.${name}.`);
}

function send(probe: StompProbe, destination: string, body: string, extra: Array<[string, string]> = []) {
  probe.send({ command: 'SEND', headers: [['destination', destination], ...extra], body });
}

/** Sends each body in order; the last with a receipt, so all of them are in the broker on return. */
async function sendAll(probe: StompProbe, destination: string, bodies: readonly string[]): Promise<void> {
  for (const body of bodies.slice(0, -1)) send(probe, destination, body);
  await sendWithReceipt(probe, 'SEND', [['destination', destination]], bodies.at(-1)!);
}

function bodies(frames: readonly Frame[]): string[] {
  return frames.filter((frame) => frame.command === 'MESSAGE').map(text);
}

function ack(probe: StompProbe, message: Frame, command: 'ACK' | 'NACK' = 'ACK', transaction?: string) {
  const headers: Array<[string, string]> = [['id', header(message, 'ack')!]];
  if (transaction !== undefined) headers.push(['transaction', transaction]);
  return sendWithReceipt(probe, command, headers);
}

async function disconnect(probe: StompProbe): Promise<void> {
  await sendWithReceipt(probe, 'DISCONNECT', []);
  await within(probe.closed, 5_000, 'the connection to close after DISCONNECT');
}

describe('queues', () => {
  it('hands messages round robin to two subscribers', async () => {
    const destination = queue('round-robin');
    const a = await pool.client('ws');
    const b = await pool.client('tcp');
    await subscribe(a, 'a', destination);
    await subscribe(b, 'b', destination);
    const producer = await pool.client('tcp');
    const sent = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
    await sendAll(producer, destination, sent);

    await until(() => bodies(a.frames).length + bodies(b.frames).length === 6, 5_000, 'six deliveries');
    const odd = ['m1', 'm3', 'm5'];
    const even = ['m2', 'm4', 'm6'];
    // Strict alternation; which subscriber starts is up to the broker.
    expect([bodies(a.frames), bodies(b.frames)]).toContainEqual(odd);
    expect([bodies(a.frames), bodies(b.frames)]).toContainEqual(even);
  });

  it('keeps messages while nobody subscribes and delivers them in order to the first subscriber', async () => {
    const destination = queue('retained');
    const producer = await pool.client('ws');
    await sendAll(producer, destination, ['first', 'second', 'third']);
    producer.close();

    const consumer = await pool.client('tcp');
    await subscribe(consumer, 'late', destination);
    const received = [await nextMessage(consumer), await nextMessage(consumer), await nextMessage(consumer)];
    expect(received.map(text)).toEqual(['first', 'second', 'third']);
    expect(received.map((frame) => header(frame, 'redelivered'))).toEqual([undefined, undefined, undefined]);
  });

  it('in client-individual mode settles exactly the message acknowledged', async () => {
    const destination = queue('individual');
    const first = await pool.client('ws');
    await subscribe(first, 'sub', destination, 'client-individual');
    const producer = await pool.client('tcp');
    await sendAll(producer, destination, ['m1', 'm2', 'm3']);
    const received = [await nextMessage(first), await nextMessage(first), await nextMessage(first)];
    expect(received.map(text)).toEqual(['m1', 'm2', 'm3']);
    expect(new Set(received.map((frame) => header(frame, 'ack'))).size).toBe(3);

    await ack(first, received[1]!);
    await disconnect(first);

    // m1 and m3 were never acknowledged: they come back, flagged; m2 does not.
    const second = await pool.client('tcp');
    await subscribe(second, 'sub', destination, 'client-individual');
    send(producer, destination, 'marker');
    const again = [await nextMessage(second), await nextMessage(second), await nextMessage(second)];
    expect(again.map(text)).toEqual(['m1', 'm3', 'marker']);
    expect(again.map((frame) => header(frame, 'redelivered'))).toEqual(['true', 'true', undefined]);
  });

  it('in client mode an ACK also settles every earlier message of the subscription', async () => {
    const destination = queue('cumulative');
    const first = await pool.client('tcp');
    await subscribe(first, 'sub', destination, 'client');
    const producer = await pool.client('ws');
    await sendAll(producer, destination, ['m1', 'm2', 'm3']);
    const received = [await nextMessage(first), await nextMessage(first), await nextMessage(first)];

    await ack(first, received[1]!); // covers m1 and m2
    await disconnect(first);

    const second = await pool.client('ws');
    await subscribe(second, 'sub', destination, 'client');
    send(producer, destination, 'marker');
    const again = [await nextMessage(second), await nextMessage(second)];
    expect(again.map(text)).toEqual(['m3', 'marker']);
    expect(header(again[0]!, 'redelivered')).toBe('true');
  });

  it('redelivers a NACKed message to the other subscriber, flagged redelivered', async () => {
    const destination = queue('nack');
    const a = await pool.client('ws');
    const b = await pool.client('tcp');
    await subscribe(a, 'a', destination, 'client-individual');
    await subscribe(b, 'b', destination, 'client-individual');
    const producer = await pool.client('tcp');
    await sendAll(producer, destination, ['retry me']);

    await until(() => bodies(a.frames).length + bodies(b.frames).length === 1, 5_000, 'the delivery');
    const [holder, other] = bodies(a.frames).length === 1 ? [a, b] : [b, a];
    const original = await nextMessage(holder);
    expect(header(original, 'redelivered')).toBeUndefined();

    await ack(holder, original, 'NACK');
    const redelivered = await nextMessage(other);
    expect(text(redelivered)).toBe('retry me');
    expect(header(redelivered, 'redelivered')).toBe('true');
    expect(header(redelivered, 'message-id')).toBe(header(original, 'message-id'));
    expect(bodies(holder.frames)).toEqual(['retry me']);
  });

  it.each([
    ['closes its socket', (probe: StompProbe) => Promise.resolve(probe.close())],
    ['sends DISCONNECT', disconnect],
  ])('redelivers unacknowledged messages to the other subscriber when one %s', async (_, leave) => {
    const destination = queue('leaver');
    const a = await pool.client('tcp');
    const b = await pool.client('ws');
    await subscribe(a, 'a', destination, 'client-individual');
    await subscribe(b, 'b', destination, 'client-individual');
    const producer = await pool.client('ws');
    await sendAll(producer, destination, ['one', 'two']);

    await until(() => bodies(a.frames).length + bodies(b.frames).length === 2, 5_000, 'both deliveries');
    // Round robin gave each subscriber one; A leaves without acknowledging its own.
    expect(bodies(a.frames)).toHaveLength(1);
    const left = bodies(a.frames)[0]!;
    await leave(a);

    const own = await nextMessage(b);
    expect(header(own, 'redelivered')).toBeUndefined();
    const handedOver = await nextMessage(b);
    expect(text(handedOver)).toBe(left);
    expect(header(handedOver, 'redelivered')).toBe('true');
  });
});

describe('transactions', () => {
  it('holds SENDs until COMMIT, then delivers them in order', async () => {
    const destination = queue('tx.commit');
    const consumer = await pool.client('ws');
    await subscribe(consumer, 'sub', destination);
    const producer = await pool.client('tcp');

    await sendWithReceipt(producer, 'BEGIN', [['transaction', 'tx-1']]);
    send(producer, destination, 'one', [['transaction', 'tx-1']]);
    send(producer, destination, 'two', [['transaction', 'tx-1']]);
    await sendWithReceipt(producer, 'SEND', [['destination', destination]], 'outside');
    // Sent after them, yet first: the transaction's SENDs were held.
    expect(text(await nextMessage(consumer))).toBe('outside');

    await sendWithReceipt(producer, 'COMMIT', [['transaction', 'tx-1']]);
    expect(text(await nextMessage(consumer))).toBe('one');
    expect(text(await nextMessage(consumer))).toBe('two');
  });

  it('discards SENDs and ACKs of an aborted transaction', async () => {
    const destination = queue('tx.abort');
    const consumer = await pool.client('tcp');
    await subscribe(consumer, 'sub', destination, 'client-individual');
    const producer = await pool.client('ws');
    await sendAll(producer, destination, ['kept']);
    const kept = await nextMessage(consumer);

    await sendWithReceipt(producer, 'BEGIN', [['transaction', 'tx-2']]);
    send(producer, destination, 'never', [['transaction', 'tx-2']]);
    await sendWithReceipt(producer, 'ABORT', [['transaction', 'tx-2']]);
    await sendWithReceipt(consumer, 'BEGIN', [['transaction', 'tx-3']]);
    await ack(consumer, kept, 'ACK', 'tx-3');
    await sendWithReceipt(consumer, 'ABORT', [['transaction', 'tx-3']]);
    await disconnect(consumer);

    // The ACK was discarded, so "kept" comes back; "never" was never sent.
    const next = await pool.client('ws');
    await subscribe(next, 'sub', destination, 'client-individual');
    send(producer, destination, 'marker');
    const received = [await nextMessage(next), await nextMessage(next)];
    expect(received.map(text)).toEqual(['kept', 'marker']);
    expect(header(received[0]!, 'redelivered')).toBe('true');
  });

  it('applies an ACK made in a transaction at COMMIT', async () => {
    const destination = queue('tx.ack');
    const consumer = await pool.client('ws');
    await subscribe(consumer, 'sub', destination, 'client-individual');
    const producer = await pool.client('tcp');
    await sendAll(producer, destination, ['acked at commit']);
    const message = await nextMessage(consumer);

    await sendWithReceipt(consumer, 'BEGIN', [['transaction', 'tx-4']]);
    await ack(consumer, message, 'ACK', 'tx-4');
    const unacked = () =>
      server()
        .app.broker.stats()
        .queues.find((q) => q.destination === destination)?.unacked;
    expect(unacked()).toBe(1);
    await sendWithReceipt(consumer, 'COMMIT', [['transaction', 'tx-4']]);
    expect(unacked()).toBe(0);
    await disconnect(consumer);

    const next = await pool.client('tcp');
    await subscribe(next, 'sub', destination, 'client-individual');
    send(producer, destination, 'marker');
    expect(text(await nextMessage(next))).toBe('marker');
  });

  it('applies a NACK made in a transaction at COMMIT, not before', async () => {
    const destination = queue('tx.nack');
    const a = await pool.client('tcp');
    const b = await pool.client('ws');
    await subscribe(a, 'a', destination, 'client-individual');
    await subscribe(b, 'b', destination, 'client-individual');
    const producer = await pool.client('tcp');
    await sendAll(producer, destination, ['nacked at commit']);
    await until(() => bodies(a.frames).length + bodies(b.frames).length === 1, 5_000, 'the delivery');
    const [holder, other] = bodies(a.frames).length === 1 ? [a, b] : [b, a];
    const message = await nextMessage(holder);

    await sendWithReceipt(holder, 'BEGIN', [['transaction', 'tx-5']]);
    await ack(holder, message, 'NACK', 'tx-5');
    // Round robin sends the marker to the other subscriber; had the NACK taken effect, the
    // redelivery would have reached it first.
    send(producer, destination, 'marker');
    expect(text(await nextMessage(other))).toBe('marker');

    await sendWithReceipt(holder, 'COMMIT', [['transaction', 'tx-5']]);
    const redelivered = await nextMessage(other);
    expect(text(redelivered)).toBe('nacked at commit');
    expect(header(redelivered, 'redelivered')).toBe('true');
  });

  it.each([
    ['closes its socket', (probe: StompProbe) => Promise.resolve(probe.close())],
    ['sends DISCONNECT', disconnect],
  ])('aborts the open transactions of a client that %s', async (_, leave) => {
    const destination = queue('tx.dropped');
    const watched = queue('tx.watch');
    const producer = await pool.client('tcp');
    // A subscription whose end shows that the server has released the producer's session.
    await subscribe(producer, 'watch', watched);
    await sendWithReceipt(producer, 'BEGIN', [['transaction', 'tx-6']]);
    send(producer, destination, 'never', [['transaction', 'tx-6']]);
    await sendWithReceipt(
      producer,
      'SEND',
      [
        ['destination', destination],
        ['transaction', 'tx-6'],
      ],
      'nor this',
    );
    await leave(producer);
    await until(
      () =>
        !server()
          .app.broker.stats()
          .queues.some((q) => q.destination === watched),
      5_000,
      'the session to be released',
    );

    const consumer = await pool.client('ws');
    await subscribe(consumer, 'sub', destination);
    const other = await pool.client('ws');
    send(other, destination, 'marker');
    expect(text(await nextMessage(consumer))).toBe('marker');
  });
});
