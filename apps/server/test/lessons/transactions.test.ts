/**
 * The frame sequences docs/transactions.md shows, over a real server and raw STOMP. "Nothing
 * arrives" is shown with a marker: a SEND made afterwards, outside the transaction, must be the
 * reader's next message. The bounds and the all-or-nothing room check are in
 * test/core/transactions.test.ts; the market's basket in test/market/service.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { StompProbe } from '../support/probe';
import { nextMessage, sendWithReceipt, subscribe, text, useServerAndProbes, within } from '../support/raw';

const { pool, unique } = useServerAndProbes();

async function setUp(): Promise<{ destination: string; reader: StompProbe; writer: StompProbe }> {
  const destination = unique('/topic/lessons.tx.');
  const reader = await pool.client('ws');
  await subscribe(reader, '0', destination);
  const writer = await pool.client('tcp');
  return { destination, reader, writer };
}

function send(writer: StompProbe, destination: string, body: string, transaction?: string): Promise<void> {
  const headers: Array<[string, string]> = [['destination', destination]];
  if (transaction !== undefined) headers.push(['transaction', transaction]);
  return sendWithReceipt(writer, 'SEND', headers, body);
}

describe('the transactions lesson', () => {
  it('delivers nothing of a transaction before COMMIT, then all of it together, in order', async () => {
    const { destination, reader, writer } = await setUp();
    await sendWithReceipt(writer, 'BEGIN', [['transaction', 'tx1']]);
    await send(writer, destination, 'order 1', 'tx1');
    await send(writer, destination, 'order 2', 'tx1');
    // Each transactional SEND got its RECEIPT, yet nothing reached the reader: the marker comes first.
    await send(writer, destination, 'marker');
    expect(text(await nextMessage(reader))).toBe('marker');

    await sendWithReceipt(writer, 'COMMIT', [['transaction', 'tx1']]);
    expect(text(await nextMessage(reader))).toBe('order 1');
    expect(text(await nextMessage(reader))).toBe('order 2');
  });

  it('discards everything an aborted transaction held', async () => {
    const { destination, reader, writer } = await setUp();
    await sendWithReceipt(writer, 'BEGIN', [['transaction', 'tx1']]);
    await send(writer, destination, 'order 1', 'tx1');
    await sendWithReceipt(writer, 'ABORT', [['transaction', 'tx1']]);
    await send(writer, destination, 'after abort');
    expect(text(await nextMessage(reader))).toBe('after abort');
  });

  it('discards an open transaction when its connection closes', async () => {
    const { destination, reader, writer } = await setUp();
    await sendWithReceipt(writer, 'BEGIN', [['transaction', 'tx1']]);
    await send(writer, destination, 'order 1', 'tx1');
    writer.close();
    await within(writer.closed, 5_000, 'the writer to close');

    const other = await pool.client('tcp');
    await send(other, destination, 'after the drop');
    expect(text(await nextMessage(reader))).toBe('after the drop');
  });
});
