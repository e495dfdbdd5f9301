import { describe, expect, it } from 'vitest';
import { OutboundMessage } from '../../src/core/message';
import { decodeEnvelope, encodeEnvelope, isFrom } from '../../src/redis/envelope';

const message = new OutboundMessage(
  '/topic/a',
  'abc-m1',
  [
    ['content-type', 'application/octet-stream'],
    ['x-odd', 'a:b\nc'],
  ],
  new Uint8Array([0, 255, 10, 0]),
);

/** An envelope of format 1 from origin '' with `meta` as its meta and no body. */
function withMeta(meta: string): Buffer {
  const bytes = Buffer.from(meta);
  const head = Buffer.alloc(6);
  head.writeUInt8(1, 0);
  head.writeUInt8(0, 1);
  head.writeUInt32BE(bytes.length, 2);
  return Buffer.concat([head, bytes]);
}

describe('the cross-node envelope', () => {
  it('carries destination, message-id, headers and a binary body unchanged', () => {
    const decoded = decodeEnvelope(encodeEnvelope('node-a', message));
    expect(decoded?.origin).toBe('node-a');
    expect(decoded?.message.destination).toBe('/topic/a');
    expect(decoded?.message.messageId).toBe('abc-m1');
    expect(decoded?.message.headers).toEqual(message.headers);
    expect([...decoded!.message.body]).toEqual([0, 255, 10, 0]);
    expect(decoded?.message.binary).toBe(true);
  });

  it('tells its sender without decoding the rest', () => {
    const envelope = encodeEnvelope('node-a', message);
    expect(isFrom(envelope, Buffer.from('node-a'))).toBe(true);
    expect(isFrom(envelope, Buffer.from('node-b'))).toBe(false);
    expect(isFrom(envelope, Buffer.from('node-'))).toBe(false);
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['another format', Buffer.from([2, 0, 0, 0, 0, 2, 123, 125])],
    ['a meta length past the end', Buffer.from([1, 0, 0, 0, 1, 0, 123])],
    ['meta that is not JSON', withMeta('{x}')],
    ['meta without a destination', withMeta('{"m":"x","h":[]}')],
    ['headers that are not pairs of strings', withMeta('{"d":"/topic/a","m":"x","h":[["a",1]]}')],
  ])('refuses %s', (_name, buffer) => {
    expect(decodeEnvelope(buffer)).toBeUndefined();
  });
});
