import { encodeFrame, encodeFrameToString } from '@stomping-ground/protocol';
import { describe, expect, it } from 'vitest';
import type { FrameEntry, InspectorEntry } from '../src/entry';
import { FrameLog, MASKED_VALUE } from '../src/frame-log';

const message = encodeFrameToString({
  command: 'MESSAGE',
  headers: [
    ['destination', '/topic/market/quotes.ACME'],
    ['subscription', 'sub-0'],
    ['message-id', '7'],
  ],
  body: '{"symbol":"ACME","bid":10000}',
});

function frames(entries: InspectorEntry[]): FrameEntry[] {
  return entries.filter((entry): entry is FrameEntry => entry.kind === 'frame');
}

describe('FrameLog', () => {
  it('shows a frame split across WebSocket messages once, when its last byte arrives', () => {
    const log = new FrameLog();
    log.record('in', message.slice(0, 20));
    log.record('in', message.slice(20, 41));
    expect(log.size).toBe(0);
    log.record('in', message.slice(41));
    const [entry] = frames(log.kept());
    expect(log.size).toBe(1);
    expect(entry?.command).toBe('MESSAGE');
    expect(entry?.destination).toBe('/topic/market/quotes.ACME');
    expect(new TextDecoder().decode(entry?.body)).toBe('{"symbol":"ACME","bid":10000}');
  });

  it('masks the passcodes that would log someone in, and still counts their bytes', () => {
    const log = new FrameLog();
    const connect = encodeFrameToString(
      {
        command: 'CONNECT',
        headers: [
          ['login', 'guest-0123456789abcdef'],
          ['passcode', 'the-secret'],
        ],
      },
      { version: '1.0' },
    );
    const connected = encodeFrameToString(
      {
        command: 'CONNECTED',
        headers: [
          ['version', '1.2'],
          ['user-name', 'guest-0123456789abcdef'],
          ['guest-passcode', 'the-minted-secret'],
        ],
      },
      { version: '1.0' },
    );
    log.record('out', connect);
    log.record('in', connected);
    const [out, inbound] = frames(log.kept());
    expect(out?.headers).toEqual([
      ['login', 'guest-0123456789abcdef'],
      ['passcode', MASKED_VALUE],
    ]);
    expect(inbound?.headers).toContainEqual(['guest-passcode', MASKED_VALUE]);
    expect(JSON.stringify(log.kept())).not.toContain('secret');
    expect(out?.size).toBe(new TextEncoder().encode(connect).length);
  });

  it('shows every frame of a message that carries several', () => {
    const log = new FrameLog();
    const receipt = encodeFrameToString({ command: 'RECEIPT', headers: [['receipt-id', 'order-1']] });
    log.record('in', message + receipt + message);
    expect(frames(log.kept()).map((entry) => entry.command)).toEqual(['MESSAGE', 'RECEIPT', 'MESSAGE']);
    expect(frames(log.kept())[1]?.summary).toBe('receipt-id:order-1');
  });

  it("names a SEND's transaction beside its destination, so a basket filters as one", () => {
    const log = new FrameLog();
    log.record('out', encodeFrameToString({ command: 'BEGIN', headers: [['transaction', 'basket-1']] }));
    log.record(
      'out',
      encodeFrameToString({
        command: 'SEND',
        headers: [
          ['destination', '/app/market/orders'],
          ['transaction', 'basket-1'],
        ],
        body: '{}',
      }),
    );
    log.record('out', encodeFrameToString({ command: 'COMMIT', headers: [['transaction', 'basket-1']] }));
    expect(frames(log.kept()).map((entry) => entry.summary)).toEqual([
      'transaction:basket-1',
      '/app/market/orders · transaction:basket-1',
      'transaction:basket-1',
    ]);
  });

  it('counts a frame at its exact size on the wire', () => {
    const log = new FrameLog();
    const { bytes } = encodeFrame({
      command: 'SEND',
      headers: [
        ['destination', '/app/market/orders'],
        ['note', 'a:b\nc'],
      ],
      body: 'héllo',
    });
    log.record('out', bytes);
    expect(frames(log.kept())[0]?.size).toBe(bytes.length);
  });

  it('shows each EOL between frames as a heart-beat, in both directions', () => {
    const log = new FrameLog();
    log.record('out', '\n');
    log.record('in', `\n${message}\r\n`);
    const kinds = log.kept().map((entry) => [entry.kind, 'direction' in entry ? entry.direction : '']);
    expect(kinds).toEqual([
      ['heartbeat', 'out'],
      ['heartbeat', 'in'],
      ['frame', 'in'],
      ['heartbeat', 'in'],
    ]);
    expect(log.totals.heartbeats).toBe(3);
  });

  it('reads headers the way the CONNECTED version says', () => {
    const log = new FrameLog();
    log.record('in', 'CONNECTED\nversion:1.0\n\n\0');
    // In 1.0 a backslash is just a backslash: no escape, no error.
    log.record('in', 'MESSAGE\ndestination:/topic/a\\tb\nmessage-id:1\nsubscription:0\n\n\0');
    expect(frames(log.kept())[1]?.destination).toBe('/topic/a\\tb');
    log.restart();
    log.record('in', 'MESSAGE\ndestination:/topic/a\\tb\nmessage-id:1\nsubscription:0\n\n\0');
    expect(log.kept().at(-1)?.kind).toBe('error');
  });

  it('shows a decoding fault as a row and goes on reading the next messages', () => {
    const log = new FrameLog();
    log.record('in', 'NOPE\n\n\0');
    log.record('in', message);
    const [error, frame] = log.kept();
    expect(error).toMatchObject({ kind: 'error', code: 'STOMP_ERR_UNKNOWN_COMMAND', direction: 'in' });
    expect(frame).toMatchObject({ kind: 'frame', command: 'MESSAGE' });
    expect(log.totals.errors).toBe(1);
  });

  it('keeps a copy of at most maxBodyBytes of a body, and its full length', () => {
    const log = new FrameLog({ maxBodyBytes: 4 });
    const chunk = new TextEncoder().encode(message);
    log.record('in', chunk);
    chunk.fill(0);
    const [entry] = frames(log.kept());
    expect(new TextDecoder().decode(entry?.body)).toBe('{"sy');
    expect(entry?.bodyBytes).toBe(29);
  });

  it('keeps only the newest maxEntries entries, with ids that keep counting', () => {
    const log = new FrameLog({ maxEntries: 3 });
    for (let i = 0; i < 10; i++) log.record('out', '\n');
    expect(log.size).toBe(3);
    expect(log.kept().map((entry) => entry.id)).toEqual([8, 9, 10]);
    expect(log.totals.heartbeats).toBe(10);
    expect(log.totals.bytesOut).toBe(10);
  });

  it('keeps topic MESSAGEs apart, so a flood of them never pushes other frames out', () => {
    const log = new FrameLog({ maxEntries: 3 });
    const receipt = encodeFrameToString({ command: 'RECEIPT', headers: [['receipt-id', 'order-1']] });
    const userMessage = encodeFrameToString({
      command: 'MESSAGE',
      headers: [
        ['destination', '/user/queue/orders'],
        ['subscription', '1'],
        ['message-id', '9'],
      ],
      body: '{}',
    });
    log.record('in', receipt + userMessage);
    for (let i = 0; i < 100; i++) log.record('in', message);
    const kept = frames(log.kept());
    expect(kept.map((entry) => entry.destination ?? entry.command)).toEqual([
      'RECEIPT',
      '/user/queue/orders',
      '/topic/market/quotes.ACME',
      '/topic/market/quotes.ACME',
      '/topic/market/quotes.ACME',
    ]);
    expect(kept.map((entry) => entry.id)).toEqual([1, 2, 100, 101, 102]);
    expect(log.evictions).toBe(97);
    expect(log.kept(100).map((entry) => entry.id)).toEqual([101, 102]);
  });

  it('forgets a frame cut short when a new connection starts', () => {
    const log = new FrameLog();
    log.record('in', message.slice(0, 30));
    log.restart();
    log.record('in', message);
    expect(frames(log.kept())).toHaveLength(1);
    expect(log.totals.errors).toBe(0);
  });

  it('marks frames that came in binary WebSocket messages', () => {
    const log = new FrameLog();
    log.record('in', new TextEncoder().encode(message));
    log.record('in', message);
    expect(frames(log.kept()).map((entry) => entry.binaryMessage)).toEqual([true, false]);
  });
});
