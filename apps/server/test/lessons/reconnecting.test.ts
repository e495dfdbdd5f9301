/**
 * The claims of docs/reconnecting.md about the broker's side: a connection dropped without
 * DISCONNECT leaves nothing behind, and the new connection's SUBSCRIBE rebuilds the page's state
 * from a snapshot that comes before the RECEIPT.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/app';
import { header, ProbePool, text, until } from '../support/raw';

let server: RunningServer;
const pool = new ProbePool(() => server);

beforeAll(async () => {
  // No simulated trading: whatever arrives after SUBSCRIBE is the snapshot, not a live update.
  server = await startServer({ market: { enabled: true, updatesPerSecond: 0 } });
});

afterEach(() => pool.closeAll());

afterAll(async () => {
  await server.close();
});

describe('reconnecting.md', () => {
  it('rebuilds a quote after a drop: the new SUBSCRIBE gets the current quote before its RECEIPT', async () => {
    const first = await pool.client('ws');
    first.sendRaw('SUBSCRIBE\nid:quotes\ndestination:/topic/market/quotes.ACME\nreceipt:sub\n\n\0');
    const before = await first.nextFrame();
    expect(before.command).toBe('MESSAGE');
    expect((await first.nextFrame()).command).toBe('RECEIPT');

    // Drop: close the socket with no DISCONNECT, as a network failure would.
    const sessions = server.app.broker.stats().sessions;
    first.close();
    await first.closed;
    await until(() => server.app.broker.stats().sessions === sessions - 1, 5_000, 'the broker to forget it');

    const second = await pool.client('ws');
    second.sendRaw('SUBSCRIBE\nid:quotes\ndestination:/topic/market/quotes.ACME\nreceipt:sub\n\n\0');
    const snapshot = await second.nextFrame();
    expect(snapshot.command).toBe('MESSAGE');
    expect(header(snapshot, 'destination')).toBe('/topic/market/quotes.ACME');
    expect(header(snapshot, 'subscription')).toBe('quotes');
    expect(JSON.parse(text(snapshot))).toMatchObject({ symbol: 'ACME' });
    // The same state as before the drop (only the time it was read differs).
    const { time: _then, ...was } = JSON.parse(text(before));
    const { time: _now, ...is } = JSON.parse(text(snapshot));
    expect(is).toEqual(was);
    const receipt = await second.nextFrame();
    expect(receipt.command).toBe('RECEIPT');
    expect(header(receipt, 'receipt-id')).toBe('sub');
  });
});
