/**
 * Faults the decoder finds while a frame's head is still arriving, over raw WebSocket and raw TCP
 * against the real server: each is answered with an ERROR carrying the `receipt-id` of the frame
 * whenever its `receipt` line came before the fault (STOMP 1.2, "ERROR"), then the close. A NUL in
 * a header is refused, never forwarded, and a login holding one is refused before it logs in.
 * What the decoders hold for frames still arriving is reported in /metrics.
 */

import { BrokerErrorCode, CloseCode } from '@stomping-ground/broker';
import { StompErrorCode } from '@stomping-ground/protocol';
import { describe, expect, it } from 'vitest';
import {
  expectSessionError,
  nextMessage,
  sendWithReceipt,
  subscribe,
  TRANSPORTS,
  text,
  until,
  useServerAndProbes,
} from '../support/raw';

/**
 * Above the decoder's default header line limit (8 KiB), so that a line can break its own limit
 * before the frame's; small enough that a head over it is cheap to write, and fits in one WebSocket
 * message (the server takes up to the frame limit and 1 KiB more).
 */
const MAX_FRAME_BYTES = 16 * 1024;
/** The decoder's defaults, which the server keeps. */
const MAX_HEADERS = 64;
const MAX_HEADER_LINE_BYTES = 8 * 1024;

const { server, pool, unique } = useServerAndProbes({
  maxFrameBytes: MAX_FRAME_BYTES,
  preLoginMaxFrameBytes: MAX_FRAME_BYTES,
});

const utf8 = new TextEncoder();

function joined(...parts: ReadonlyArray<string | readonly number[]>): Uint8Array {
  const encoded = parts.map((part) => (typeof part === 'string' ? utf8.encode(part) : Uint8Array.from(part)));
  const out = new Uint8Array(encoded.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of encoded) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const manyHeaders = Array.from({ length: MAX_HEADERS + 1 }, (_, i) => `x-${i}:${i}\n`).join('');

interface HeadFault {
  readonly title: string;
  /** Sent as the connection's first bytes when false; after logging in as a guest otherwise. */
  readonly loggedIn: boolean;
  readonly fault: string | Uint8Array;
  readonly code: string;
  readonly close: number;
  readonly receiptId: string | undefined;
}

const faults: readonly HeadFault[] = [
  {
    title: 'too many headers after the receipt',
    loggedIn: true,
    fault: `SEND\ndestination:/topic/faults\nreceipt:r-many\n${manyHeaders}\nbody\0`,
    code: StompErrorCode.TOO_MANY_HEADERS,
    close: CloseCode.TOO_BIG,
    receiptId: 'r-many',
  },
  {
    title: 'too many headers after the receipt, before login',
    loggedIn: false,
    fault: `SEND\nreceipt:r-early-many\n${manyHeaders}\n\0`,
    code: StompErrorCode.TOO_MANY_HEADERS,
    close: CloseCode.TOO_BIG,
    receiptId: 'r-early-many',
  },
  {
    title: 'an over-long header line after the receipt',
    loggedIn: true,
    fault: `SEND\nreceipt:r-long\ndestination:/topic/${'a'.repeat(MAX_HEADER_LINE_BYTES)}\n\nbody\0`,
    code: StompErrorCode.HEADER_LINE_TOO_LONG,
    close: CloseCode.TOO_BIG,
    receiptId: 'r-long',
  },
  {
    title: 'a head over the frame limit after the receipt',
    loggedIn: true,
    fault: `SEND\nreceipt:r-head\nx-a:${'a'.repeat(6000)}\nx-b:${'b'.repeat(6000)}\nx-c:${'c'.repeat(4500)}\n\n\0`,
    code: StompErrorCode.FRAME_TOO_LARGE,
    close: CloseCode.TOO_BIG,
    receiptId: 'r-head',
  },
  {
    title: 'invalid UTF-8 in a header after the receipt',
    loggedIn: true,
    fault: joined('SEND\ndestination:/topic/faults\nreceipt:r-utf8\nx:', [0xc3, 0x28], '\n\nbody\0'),
    code: StompErrorCode.INVALID_UTF8,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-utf8',
  },
  {
    title: 'an undefined escape after the receipt, which arrives escaped',
    loggedIn: true,
    fault: 'SEND\ndestination:/topic/faults\nreceipt:r\\cescape\nx:a\\tb\n\nbody\0',
    code: StompErrorCode.INVALID_ESCAPE,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r:escape',
  },
  {
    title: 'a NUL in a SEND header value after the receipt',
    loggedIn: true,
    fault: 'SEND\ndestination:/topic/faults\nreceipt:r-nul\nx-forged:a\0MESSAGE\n\nbody\0',
    code: StompErrorCode.NUL_IN_HEADER,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-nul',
  },
  {
    title: 'too many headers before the receipt, which is then never read',
    loggedIn: true,
    fault: `SEND\ndestination:/topic/faults\n${manyHeaders}receipt:r-late\n\n\0`,
    code: StompErrorCode.TOO_MANY_HEADERS,
    close: CloseCode.TOO_BIG,
    receiptId: undefined,
  },
];

describe.each(TRANSPORTS)('over raw %s', (kind) => {
  it.each(faults)('answers $title with an ERROR carrying the receipt read before it', async (fault) => {
    const probe = fault.loggedIn ? await pool.client(kind) : await pool.probe(kind);
    probe.sendRaw(fault.fault);
    await expectSessionError(probe, kind, {
      code: fault.code,
      close: fault.close,
      receiptId: fault.receiptId,
    });
  });

  it('reports in /metrics what it holds for a body sent one byte at a time before login, within the limit, and nothing once it ends', async () => {
    const metric = async () => {
      const text = await (await fetch(`${server().httpUrl}/metrics`)).text();
      return Number(/^stomp_input_buffered_bytes (\d+)/m.exec(text)?.[1]);
    };
    const probe = await pool.probe(kind);
    probe.sendRaw('SEND\ndestination:/queue/a\n\n');
    for (let i = 0; i < 5000; i++) probe.sendRaw('x');
    await until(async () => (await metric()) >= 5000);
    expect(await metric()).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    probe.sendRaw('\0');
    await expectSessionError(probe, kind, {
      code: BrokerErrorCode.NOT_CONNECTED,
      close: CloseCode.PROTOCOL_ERROR,
    });
    await until(async () => (await metric()) === 0);
  });

  it('refuses a login holding a NUL before logging in', async () => {
    const probe = await pool.probe(kind);
    probe.sendRaw('CONNECT\naccept-version:1.2\nhost:localhost\nlogin:guest\0admin\npasscode:guest\n\n\0');
    await expectSessionError(probe, kind, {
      code: StompErrorCode.NUL_IN_HEADER,
      close: CloseCode.PROTOCOL_ERROR,
    });
    expect(probe.frames.map((frame) => frame.command)).toEqual(['ERROR']);
  });

  it('never forwards a SEND whose header holds a NUL: a subscriber receives the next message and nothing before it', async () => {
    const topic = `/topic/${unique('nul-')}`;
    const reader = await pool.client(kind);
    await subscribe(reader, 'nul', topic);
    const forger = await pool.client(kind);
    forger.sendRaw(`SEND\ndestination:${topic}\nx-forged:a\0MESSAGE\n\nforged\0`);
    await expectSessionError(forger, kind, {
      code: StompErrorCode.NUL_IN_HEADER,
      close: CloseCode.PROTOCOL_ERROR,
    });

    const publisher = await pool.client(kind);
    await sendWithReceipt(publisher, 'SEND', [['destination', topic]], 'honest');
    const message = await nextMessage(reader);
    expect(text(message)).toBe('honest');
    expect(message.headers.some(([name, value]) => name.includes('\0') || value.includes('\0'))).toBe(false);
  });
});
