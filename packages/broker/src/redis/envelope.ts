/**
 * How a message crosses from one node to another on a Redis channel: one binary-safe buffer.
 *
 *   u8  format (1)
 *   u8  length of the origin node id, then the id (UTF-8)
 *   u32 length of the meta JSON, then `{"d": destination, "m": message-id, "h": [[name, value], …]}`
 *   …   the body, as is (it may be binary)
 *
 * The body is never turned into text, so binary game snapshots cross untouched; the meta is JSON
 * because it is small and read once per node, not per subscriber.
 */
import type { Headers } from '@stomping-ground/protocol';
import { OutboundMessage } from '../core/message';

const FORMAT = 1;

export interface Envelope {
  readonly origin: string;
  readonly message: OutboundMessage;
}

export function encodeEnvelope(origin: string, message: OutboundMessage): Buffer {
  const originBytes = Buffer.from(origin, 'utf8');
  const meta = Buffer.from(
    JSON.stringify({ d: message.destination, m: message.messageId, h: message.headers }),
  );
  const out = Buffer.allocUnsafe(2 + originBytes.length + 4 + meta.length + message.body.length);
  let at = out.writeUInt8(FORMAT, 0);
  at = out.writeUInt8(originBytes.length, at);
  at += originBytes.copy(out, at);
  at = out.writeUInt32BE(meta.length, at);
  at += meta.copy(out, at);
  out.set(message.body, at);
  return out;
}

/** Whether the envelope in `buffer` was sent by `origin`: read without decoding the rest. */
export function isFrom(buffer: Buffer, origin: Buffer): boolean {
  return (
    buffer.length >= 2 + origin.length &&
    buffer[1] === origin.length &&
    buffer.compare(origin, 0, origin.length, 2, 2 + origin.length) === 0
  );
}

/** The envelope in `buffer`, or undefined when it is not one this version reads. */
export function decodeEnvelope(buffer: Buffer): Envelope | undefined {
  try {
    if (buffer.length < 6 || buffer.readUInt8(0) !== FORMAT) return undefined;
    const originLength = buffer.readUInt8(1);
    const origin = buffer.toString('utf8', 2, 2 + originLength);
    let at = 2 + originLength;
    const metaLength = buffer.readUInt32BE(at);
    at += 4;
    if (at + metaLength > buffer.length) return undefined;
    const meta = JSON.parse(buffer.toString('utf8', at, at + metaLength)) as {
      d: unknown;
      m: unknown;
      h: unknown;
    };
    if (typeof meta.d !== 'string' || typeof meta.m !== 'string' || !isHeaders(meta.h)) return undefined;
    // A copy: the message may outlive the buffer ioredis handed over (queues, conflation).
    const body = new Uint8Array(buffer.subarray(at + metaLength));
    return { origin, message: new OutboundMessage(meta.d, meta.m, meta.h, body) };
  } catch {
    return undefined;
  }
}

function isHeaders(value: unknown): value is Headers {
  return (
    Array.isArray(value) &&
    value.every(
      (pair) =>
        Array.isArray(pair) &&
        pair.length === 2 &&
        typeof pair[0] === 'string' &&
        typeof pair[1] === 'string',
    )
  );
}
