/**
 * Frames on the wire as bytes: binary bodies holding NULs, and frames cut or packed in any way the
 * network (or a client) may deliver them, over raw WebSocket and raw TCP.
 */
import { encodeFrame, type Frame } from '@stomping-ground/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/app';
import { header, nextMessage, ProbePool, subscribe, TRANSPORTS } from '../support/raw';

let server: RunningServer;
const pool = new ProbePool(() => server);

beforeAll(async () => {
  server = await startServer();
});

afterEach(() => pool.closeAll());

afterAll(async () => {
  await server.close();
});

/** Every byte value, NULs at both ends and in the middle, and bytes that are not UTF-8. */
function binaryBody(length: number, seed: number): Uint8Array {
  const body = new Uint8Array(length);
  for (let i = 0; i < length; i++) body[i] = (i * 31 + seed) % 256;
  body[0] = 0;
  body[Math.floor(length / 2)] = 0;
  body[length - 1] = 0;
  return body;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const encoder = new TextEncoder();

describe.each(TRANSPORTS)('over raw %s', (kind) => {
  it('delivers a binary body holding NULs byte for byte, to a topic and through a queue', async () => {
    const receiver = await pool.client(kind);
    await subscribe(receiver, 'topic', `/topic/framing.binary.${kind}`);
    await subscribe(receiver, 'queue', `/queue/framing.binary.${kind}`);
    const sender = await pool.client(kind);

    const body = binaryBody(1000, 7);
    const textWithNuls = encoder.encode('a\0b\0\0c');
    // A hand-written frame: the content-length is what lets the NULs through (STOMP 1.2, "Body").
    sender.sendRaw(
      concat([
        encoder.encode(
          `SEND\ndestination:/topic/framing.binary.${kind}\ncontent-type:application/octet-stream\ncontent-length:${body.length}\n\n`,
        ),
        body,
        Uint8Array.of(0),
      ]),
    );
    sender.send({
      command: 'SEND',
      headers: [['destination', `/queue/framing.binary.${kind}`]],
      body: textWithNuls,
    });

    const first = await nextMessage(receiver);
    expect(header(first, 'subscription')).toBe('topic');
    expect(header(first, 'content-type')).toBe('application/octet-stream');
    expect(header(first, 'content-length')).toBe(String(body.length));
    expect(first.body).toEqual(body);

    const second = await nextMessage(receiver);
    expect(header(second, 'subscription')).toBe('queue');
    expect(header(second, 'content-length')).toBe(String(textWithNuls.length));
    expect(second.body).toEqual(textWithNuls);

    if (kind === 'ws') {
      // Not UTF-8, so it must travel as a binary WebSocket message; the other is valid UTF-8 text.
      const received = receiver.messages.slice(-2);
      expect(received.map((message) => message.binary)).toEqual([true, false]);
    }
  });

  it('reads a stream of frames and heart-beats however it is cut, even one byte at a time', async () => {
    const receiver = await pool.client(kind);
    const destination = `/queue/framing.stream.${kind}`;
    await subscribe(receiver, 'stream', destination);
    const sender = await pool.client(kind);

    const sent: Array<Uint8Array> = [];
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 12; i++) {
      const body = i % 3 === 0 ? encoder.encode(`text ${i} é`) : binaryBody(200 + i * 37, i);
      sent.push(body);
      parts.push(
        encodeFrame({
          command: 'SEND',
          headers: [
            ['destination', destination],
            ['seq', String(i)],
          ],
          body,
        }).bytes,
      );
      // Heart-beats between frames, LF and CRLF alike (STOMP 1.2, "Heart-beating").
      if (i % 4 === 1) parts.push(encoder.encode('\n\r\n\n'));
    }
    // A frame with CRLF line ends and no content-length.
    parts.push(encoder.encode(`SEND\r\ndestination:${destination}\r\nseq:12\r\n\r\ncrlf\0`));
    sent.push(encoder.encode('crlf'));
    const stream = concat(parts);

    // Cut into pieces of 1, 2, 3, 5, 8, … bytes, then again, so cuts land everywhere.
    const sizes = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233];
    let offset = 0;
    for (let i = 0; offset < stream.length; i++) {
      const size = i < 600 ? 1 : sizes[i % sizes.length]!;
      sender.sendRaw(stream.subarray(offset, offset + size));
      offset += size;
      // Let the server read this piece before the next is written (client and server share a process).
      await new Promise((resolve) => setImmediate(resolve));
    }

    const received: Frame[] = [];
    for (let i = 0; i < sent.length; i++) received.push(await nextMessage(receiver));
    expect(received.map((frame) => header(frame, 'seq'))).toEqual(sent.map((_, i) => String(i)));
    expect(received.map((frame) => frame.body)).toEqual(sent);

    // Then the same stream again in one single write: every frame still comes out.
    sender.sendRaw(stream.subarray(0, stream.length - parts.at(-1)!.length));
    for (let i = 0; i < sent.length - 1; i++) expect((await nextMessage(receiver)).body).toEqual(sent[i]);
  });
});
