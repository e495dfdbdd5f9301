import { decodeAll, type Frame, getHeader } from '@stomping-ground/protocol';
import { describe, expect, it } from 'vitest';
import { forwardedHeaders, messageHead, OutboundMessage } from '../../src/core/message';

const encoder = new TextEncoder();

function frameOf(head: string, tail: Uint8Array, version: '1.0' | '1.1' | '1.2'): Frame {
  const headBytes = encoder.encode(head);
  const bytes = new Uint8Array(headBytes.length + tail.length);
  bytes.set(headBytes);
  bytes.set(tail, headBytes.length);
  const { items } = decodeAll(bytes, { version });
  const item = items[0];
  if (item?.type !== 'frame') throw new Error('no frame');
  return item.frame;
}

describe('an outbound message', () => {
  it('encodes its shared tail once per version and reuses it', () => {
    const message = new OutboundMessage('/topic/a', 'm-1', [], encoder.encode('hi'));
    expect(message.tail('1.2')).toBe(message.tail('1.2'));
    expect(message.tail('1.1')).not.toBe(message.tail('1.2'));
  });

  it('makes a whole MESSAGE frame from a per-delivery head and the shared tail', () => {
    const message = new OutboundMessage(
      '/queue/q',
      'm-2',
      [['content-type', 'text/plain']],
      encoder.encode('body'),
    );
    const frame = frameOf(messageHead('subscription:s1\n', '17', true), message.tail('1.2'), '1.2');
    expect(frame.command).toBe('MESSAGE');
    expect(frame.headers).toEqual([
      ['subscription', 's1'],
      ['ack', '17'],
      ['redelivered', 'true'],
      ['destination', '/queue/q'],
      ['message-id', 'm-2'],
      ['content-type', 'text/plain'],
      ['content-length', '4'],
    ]);
    expect(new TextDecoder().decode(frame.body)).toBe('body');
  });

  it('carries a body holding NULs intact, by its content-length', () => {
    const message = new OutboundMessage('/topic/a', 'm-3', [], Uint8Array.of(1, 0, 2));
    const frame = frameOf(messageHead('subscription:s\n', undefined, false), message.tail('1.0'), '1.0');
    expect([...frame.body]).toEqual([1, 0, 2]);
    expect(getHeader(frame.headers, 'ack')).toBeUndefined();
  });

  it('knows whether its body must travel as binary', () => {
    expect(new OutboundMessage('/topic/a', 'm', [], encoder.encode('héllo')).binary).toBe(false);
    expect(new OutboundMessage('/topic/a', 'm', [], Uint8Array.of(0xc3)).binary).toBe(true);
  });
});

describe('forwardedHeaders', () => {
  it('keeps the sender’s headers, content-type included, and drops those the broker sets or that describe the SEND', () => {
    expect(
      forwardedHeaders([
        ['destination', '/topic/a'],
        ['content-type', 'application/json'],
        ['receipt', 'r'],
        ['transaction', 't'],
        ['content-length', '9'],
        ['message-id', 'forged'],
        ['subscription', 'forged'],
        ['ack', 'forged'],
        ['redelivered', 'true'],
        ['x-trace', 'abc'],
      ]),
    ).toEqual([
      ['content-type', 'application/json'],
      ['x-trace', 'abc'],
    ]);
  });
});
