/**
 * The claims of docs/stomp-frames.md: each example of the grammar and of escaping decodes (and
 * encodes) as the lesson says, and escaped headers cross the real broker intact.
 */
import {
  decodeAll,
  encodeFrame,
  type Frame,
  getHeader,
  isStompError,
  type StompVersion,
} from '@stomping-ground/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/app';
import { StompProbe } from '../support/probe';

function only(wire: string, version: StompVersion = '1.2'): Frame {
  const { items, complete } = decodeAll(wire, { version });
  expect(complete).toBe(true);
  const frames = items.flatMap((item) => (item.type === 'frame' ? [item.frame] : []));
  expect(frames).toHaveLength(1);
  return frames[0]!;
}

function errorCode(wire: string, version: StompVersion = '1.2'): string | undefined {
  try {
    decodeAll(wire, { version });
  } catch (error) {
    if (isStompError(error)) return error.code;
    throw error;
  }
  return undefined;
}

const text = (frame: Frame) => new TextDecoder().decode(frame.body);

describe('stomp-frames.md: the grammar', () => {
  it('reads command, headers, blank line, body and NUL, and the EOLs after it as heart-beats', () => {
    const { items } = decodeAll('SEND\ndestination:/topic/chat\ncontent-type:text/plain\n\nhello\0\n\n');
    expect(items.map((item) => item.type)).toEqual(['frame', 'heartbeat', 'heartbeat']);
    const frame = (items[0] as { frame: Frame }).frame;
    expect(frame.command).toBe('SEND');
    expect(frame.headers).toEqual([
      ['destination', '/topic/chat'],
      ['content-type', 'text/plain'],
    ]);
    expect(text(frame)).toBe('hello');
  });

  it('reads a body with a NUL in it when content-length counts its octets', () => {
    const frame = only('SEND\ndestination:/queue/bin\ncontent-length:5\n\nab\0cd\0');
    expect(Array.from(frame.body)).toEqual([0x61, 0x62, 0x00, 0x63, 0x64]);
  });

  it('counts content-length in octets, not characters', () => {
    const frame = only('SEND\ndestination:/topic/chat\ncontent-length:6\n\nhéllo\0');
    expect(text(frame)).toBe('héllo');
  });

  it('refuses a NUL in a header in every version, CONNECT included', () => {
    for (const version of ['1.0', '1.1', '1.2'] as const) {
      expect(errorCode('SEND\nx:a\0MESSAGE\n\n\0', version)).toBe('STOMP_ERR_NUL_IN_HEADER');
      expect(errorCode('CONNECT\nlogin:guest\0\n\n\0', version)).toBe('STOMP_ERR_NUL_IN_HEADER');
    }
  });

  it('keeps every repeated header in order, and the first one counts', () => {
    const frame = only('MESSAGE\nfoo:first\nfoo:second\n\n\0');
    expect(frame.headers).toEqual([
      ['foo', 'first'],
      ['foo', 'second'],
    ]);
    expect(getHeader(frame.headers, 'foo')).toBe('first');
  });

  it('never trims header values', () => {
    const frame = only('MESSAGE\nfoo: padded \n\n\0');
    expect(getHeader(frame.headers, 'foo')).toBe(' padded ');
  });
});

describe('stomp-frames.md: escaping', () => {
  it('decodes \\c, \\n and \\\\ in STOMP 1.2', () => {
    const frame = only('MESSAGE\nnote:a\\cb\\nc\\\\d\n\n\0');
    expect(getHeader(frame.headers, 'note')).toBe('a:b\nc\\d');
  });

  it('decodes in one pass, so \\\\n is a backslash and an n', () => {
    const frame = only('MESSAGE\nnote:\\\\n\n\n\0');
    expect(getHeader(frame.headers, 'note')).toBe('\\n');
  });

  it('reads \\r as CR in 1.2 and refuses it in 1.1', () => {
    expect(getHeader(only('MESSAGE\nnote:a\\rb\n\n\0').headers, 'note')).toBe('a\rb');
    expect(errorCode('MESSAGE\nnote:a\\rb\n\n\0', '1.1')).toBe('STOMP_ERR_INVALID_ESCAPE');
  });

  it('refuses an undefined escape such as \\t as a fatal error', () => {
    expect(errorCode('MESSAGE\nnote:a\\tb\n\n\0')).toBe('STOMP_ERR_INVALID_ESCAPE');
  });

  it('does not unescape in STOMP 1.0', () => {
    expect(getHeader(only('MESSAGE\nnote:a\\cb\n\n\0', '1.0').headers, 'note')).toBe('a\\cb');
  });

  it('does not unescape CONNECT, whatever the version', () => {
    expect(getHeader(only('CONNECT\npasscode:a\\cb\n\n\0').headers, 'passcode')).toBe('a\\cb');
  });

  it('escapes a colon, a LF and a backslash when encoding for 1.2', () => {
    const { bytes, binary } = encodeFrame(
      { command: 'SEND', headers: [['note', 'a:b\nc\\d']], body: 'x' },
      { version: '1.2' },
    );
    expect(new TextDecoder().decode(bytes)).toBe('SEND\nnote:a\\cb\\nc\\\\d\n\nx\0');
    expect(binary).toBe(false);
  });

  it('adds content-length and asks for a binary message for a body that is not UTF-8', () => {
    const { bytes, binary } = encodeFrame(
      { command: 'SEND', headers: [['destination', '/queue/bin']], body: Uint8Array.of(0xff, 0x00) },
      { version: '1.2' },
    );
    expect(binary).toBe(true);
    expect(new TextDecoder().decode(bytes.subarray(0, bytes.length - 3))).toBe(
      'SEND\ndestination:/queue/bin\ncontent-length:2\n\n',
    );
    expect(Array.from(bytes.subarray(bytes.length - 3))).toEqual([0xff, 0x00, 0x00]);
  });
});

describe('stomp-frames.md: through the broker', () => {
  let server: RunningServer;
  let client: StompProbe | undefined;

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    client?.close();
    await server.close();
  });

  it('passes an escaped header on to the subscriber, escaped again on the wire', async () => {
    client = await StompProbe.ws(server.wsUrl);
    await client.connect([
      ['login', 'guest'],
      ['passcode', 'guest'],
    ]);
    client.sendRaw('SUBSCRIBE\nid:0\ndestination:/topic/lesson.escapes\nreceipt:r\n\n\0');
    expect((await client.nextFrame()).command).toBe('RECEIPT');
    const seen = client.messages.length;
    client.sendRaw('SEND\ndestination:/topic/lesson.escapes\nnote:10\\c30 \\\\ done\n\nhi\0');
    const message = await client.nextFrame();
    expect(getHeader(message.headers, 'note')).toBe('10:30 \\ done');
    await client.waitFor(() => client!.messages.length > seen);
    const wire = new TextDecoder().decode(client.messages[seen]!.data);
    expect(wire).toContain('\nnote:10\\c30 \\\\ done\n');
  });
});
