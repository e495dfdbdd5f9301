import { describe, expect, it } from 'vitest';
import {
  type Command,
  decodeAll,
  type EncodeOptions,
  encodeFrame,
  encodeFrameToString,
  encodeHead,
  type Frame,
  type FrameInit,
  getHeader,
  HEARTBEAT,
  HEARTBEAT_BYTES,
  type Headers,
  StompError,
  StompErrorCode,
  type StompVersion,
} from '../src/index';
import { bodyBytes, bytes, decodeFixtures, type ExpectedFrame, HEART_BEAT, toBytes } from './fixtures';

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();
const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isUtf8(data: Uint8Array): boolean {
  try {
    fatalDecoder.decode(data);
    return true;
  } catch {
    return false;
  }
}

/** The encoding as text, for exact comparison (every input here is UTF-8). */
function wireText(frame: FrameInit, options?: EncodeOptions): string {
  return textDecoder.decode(encodeFrame(frame, options).bytes);
}

function decodeOne(data: Uint8Array | string, version: StompVersion): Frame {
  const { items, complete } = decodeAll(data, { version });
  expect(complete).toBe(true);
  expect(items).toHaveLength(1);
  const item = items[0]!;
  if (item.type !== 'frame') throw new Error('expected a frame');
  return item.frame;
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof StompError) return error.code;
    throw error;
  }
  return undefined;
}

function toInit(frame: ExpectedFrame): FrameInit {
  return { command: frame.command, headers: frame.headers, body: bodyBytes(frame.body) };
}

const fixtureFrames = decodeFixtures.flatMap((fixture) =>
  fixture.expected.flatMap((item, index) =>
    item === HEART_BEAT
      ? []
      : [{ title: `${fixture.title} (#${index})`, version: fixture.version, frame: item }],
  ),
);

describe('encoding the fixtures', () => {
  it.each(decodeFixtures.filter((fixture) => fixture.roundTrip))(
    'writes $title back byte for byte',
    (fixture) => {
      const parts = fixture.expected.map((item) =>
        item === HEART_BEAT ? HEARTBEAT_BYTES : encodeFrame(toInit(item), { version: fixture.version }).bytes,
      );
      expect(bytes(...parts.map((part) => Array.from(part)))).toEqual(toBytes(fixture.wire));
    },
  );

  it.each(fixtureFrames)('decodes its own encoding of $title to the same frame', ({ frame, version }) => {
    const decoded = decodeOne(encodeFrame(toInit(frame), { version }).bytes, version);
    const body = bodyBytes(frame.body);
    expect(decoded.command).toBe(frame.command);
    expect(Array.from(decoded.body)).toEqual(Array.from(body));
    // content-length is the encoder's to write: it drops the given ones and writes the true one last.
    const withoutLength = (headers: Headers) => headers.filter(([name]) => name !== 'content-length');
    expect(withoutLength(decoded.headers)).toEqual(withoutLength(frame.headers));
    const length = getHeader(decoded.headers, 'content-length');
    if (length !== undefined) {
      expect(length).toBe(String(body.length));
      expect(decoded.headers.at(-1)).toEqual(['content-length', length]);
    }
  });
});

describe('content-length', () => {
  it('is written for a binary body, counting its octets', () => {
    const encoded = encodeFrame({
      command: 'SEND',
      headers: [['destination', '/a']],
      body: Uint8Array.of(0xff, 0x41),
    });
    expect(encoded.bytes).toEqual(bytes('SEND\ndestination:/a\ncontent-length:2\n\n', [0xff, 0x41, 0]));
  });

  it('is written for a text body holding a NUL, counting octets rather than characters', () => {
    expect(wireText({ command: 'SEND', body: 'é\0🎉' })).toBe('SEND\ncontent-length:7\n\né\0🎉\0');
  });

  it('is written for a UTF-8 byte body holding a NUL', () => {
    const encoded = encodeFrame({ command: 'MESSAGE', body: textEncoder.encode('a\0b') });
    expect(textDecoder.decode(encoded.bytes)).toBe('MESSAGE\ncontent-length:3\n\na\0b\0');
    expect(encoded.binary).toBe(false);
  });

  it('is written when asked, even for an empty body', () => {
    expect(wireText({ command: 'SEND', body: 'héllo' }, { contentLength: true })).toBe(
      'SEND\ncontent-length:6\n\nhéllo\0',
    );
    expect(wireText({ command: 'SEND', body: textEncoder.encode('hi') }, { contentLength: true })).toBe(
      'SEND\ncontent-length:2\n\nhi\0',
    );
    expect(wireText({ command: 'SEND' }, { contentLength: true })).toBe('SEND\ncontent-length:0\n\n\0');
  });

  it('is written when the headers hold one, with the true length in place of a wrong one', () => {
    const frame: FrameInit = {
      command: 'SEND',
      headers: [
        ['content-length', '99'],
        ['destination', '/a'],
        ['content-length', '1'],
      ],
      body: 'abc',
    };
    expect(wireText(frame)).toBe('SEND\ndestination:/a\ncontent-length:3\n\nabc\0');
    expect(
      wireText({ command: 'SEND', headers: [['content-length', '0']], body: textEncoder.encode('héllo') }),
    ).toBe('SEND\ncontent-length:6\n\nhéllo\0');
  });

  it('is not written for a plain text body, as a string or as UTF-8 bytes', () => {
    expect(wireText({ command: 'SEND', headers: [['destination', '/a']], body: 'héllo 🎉' })).toBe(
      'SEND\ndestination:/a\n\nhéllo 🎉\0',
    );
    expect(wireText({ command: 'SEND', body: textEncoder.encode('héllo 🎉') })).toBe('SEND\n\nhéllo 🎉\0');
  });

  it('is not written for an empty or absent body', () => {
    expect(wireText({ command: 'DISCONNECT', headers: [['receipt', '77']] })).toBe(
      'DISCONNECT\nreceipt:77\n\n\0',
    );
    expect(wireText({ command: 'SEND', body: '' })).toBe('SEND\n\n\0');
    expect(wireText({ command: 'SEND', body: new Uint8Array(0) })).toBe('SEND\n\n\0');
  });
});

describe('the binary flag', () => {
  it.each([
    { what: 'empty', body: [] },
    { what: 'ASCII', body: [0x68, 0x69] },
    { what: 'a two-byte character', body: [0xc3, 0xa9] },
    { what: 'a four-byte character', body: [0xf0, 0x9f, 0x8e, 0x89] },
    { what: 'a NUL', body: [0x61, 0x00] },
    { what: 'a byte-order mark', body: [0xef, 0xbb, 0xbf] },
    { what: 'a lone 0xff', body: [0x61, 0xff] },
    { what: 'a lone continuation byte', body: [0x80] },
    { what: 'an overlong slash', body: [0xc0, 0xaf] },
    { what: 'an encoded surrogate', body: [0xed, 0xa0, 0x80] },
    { what: 'a code point past U+10FFFF', body: [0xf4, 0x90, 0x80, 0x80] },
    { what: 'a truncated three-byte character', body: [0xe2, 0x82] },
  ])('is true exactly when the body is not UTF-8: $what', ({ body }) => {
    const data = Uint8Array.from(body);
    expect(encodeFrame({ command: 'MESSAGE', body: data }).binary).toBe(!isUtf8(data));
  });

  it('is false for every text body, lone surrogates included (they are written as U+FFFD)', () => {
    expect(encodeFrame({ command: 'SEND', body: 'héllo' }).binary).toBe(false);
    const encoded = encodeFrame({ command: 'SEND', body: 'a\ud800b' });
    expect(encoded.binary).toBe(false);
    expect(isUtf8(encoded.bytes)).toBe(true);
  });
});

describe('encodeFrameToString', () => {
  it('refuses a byte body that is not UTF-8 with STOMP_ERR_UNENCODABLE_FRAME', () => {
    expect(codeOf(() => encodeFrameToString({ command: 'SEND', body: Uint8Array.of(0x61, 0xff) }))).toBe(
      StompErrorCode.UNENCODABLE_FRAME,
    );
  });

  it.each(fixtureFrames.filter(({ frame }) => isUtf8(bodyBytes(frame.body))))(
    "matches encodeFrame's bytes for $title",
    ({ frame, version }) => {
      const init = toInit(frame);
      expect(textEncoder.encode(encodeFrameToString(init, { version }))).toEqual(
        encodeFrame(init, { version }).bytes,
      );
      const asText: FrameInit = { ...init, body: textDecoder.decode(bodyBytes(frame.body)) };
      expect(textEncoder.encode(encodeFrameToString(asText, { version }))).toEqual(
        encodeFrame(init, { version }).bytes,
      );
    },
  );

  it("matches encodeFrame's bytes when content-length is asked for, or the body is empty", () => {
    for (const frame of [
      { command: 'SEND', body: 'héllo\0🎉' },
      { command: 'SEND', body: textEncoder.encode('héllo') },
      { command: 'SEND' },
      { command: 'SEND', body: new Uint8Array(0) },
    ] as const) {
      for (const options of [{}, { contentLength: true }]) {
        expect(textEncoder.encode(encodeFrameToString(frame, options))).toEqual(
          encodeFrame(frame, options).bytes,
        );
      }
    }
  });

  // A TextDecoder made without ignoreBOM would strip a leading EF BB BF from the body.
  it('keeps a byte-order mark at the start of a byte body', () => {
    const body = Uint8Array.of(0xef, 0xbb, 0xbf, 0x68, 0x69);
    expect(textEncoder.encode(encodeFrameToString({ command: 'SEND', body }))).toEqual(
      encodeFrame({ command: 'SEND', body }).bytes,
    );
  });
});

describe('escaping', () => {
  const tricky: Headers = [['a:b\\c', 'x\r\ny:z\\']];

  it('escapes CR, LF, colon and backslash in 1.2 names and values', () => {
    expect(wireText({ command: 'SEND', headers: tricky }, { version: '1.2' })).toBe(
      'SEND\na\\cb\\\\c:x\\r\\ny\\cz\\\\\n\n\0',
    );
  });

  it('is the default version', () => {
    expect(wireText({ command: 'SEND', headers: tricky })).toBe(
      wireText({ command: 'SEND', headers: tricky }, { version: '1.2' }),
    );
  });

  it('escapes LF, colon and backslash in 1.1', () => {
    expect(wireText({ command: 'SEND', headers: [['a:b\\c', 'x\ny:z\\']] }, { version: '1.1' })).toBe(
      'SEND\na\\cb\\\\c:x\\ny\\cz\\\\\n\n\0',
    );
  });

  it('refuses a CR in a 1.1 header, which has no escape for it', () => {
    expect(codeOf(() => encodeFrame({ command: 'SEND', headers: [['x', 'a\rb']] }, { version: '1.1' }))).toBe(
      StompErrorCode.UNENCODABLE_FRAME,
    );
    expect(codeOf(() => encodeFrame({ command: 'SEND', headers: [['x\r', 'a']] }, { version: '1.1' }))).toBe(
      StompErrorCode.UNENCODABLE_FRAME,
    );
  });

  it('writes 1.0 headers as they are, colons and backslashes in values included', () => {
    expect(wireText({ command: 'SEND', headers: [['url', 'http://h:80/a\\n']] }, { version: '1.0' })).toBe(
      'SEND\nurl:http://h:80/a\\n\n\n\0',
    );
  });

  it.each([
    { what: 'a LF in a value', header: ['x', 'a\nb'] },
    { what: 'a CR in a value', header: ['x', 'a\rb'] },
    { what: 'a LF in a name', header: ['x\ny', 'a'] },
    { what: 'a colon in a name', header: ['x:y', 'a'] },
  ] as const)('refuses $what in 1.0, which has no escapes', ({ header }) => {
    expect(codeOf(() => encodeFrame({ command: 'SEND', headers: [header] }, { version: '1.0' }))).toBe(
      StompErrorCode.UNENCODABLE_FRAME,
    );
  });

  it.each(['CONNECT', 'CONNECTED'] as const)('never escapes %s headers', (command) => {
    for (const version of ['1.1', '1.2'] as const) {
      expect(wireText({ command, headers: [['passcode', 'a:b\\c\\n']] }, { version })).toBe(
        `${command}\npasscode:a:b\\c\\n\n\n\0`,
      );
    }
  });

  it.each([
    ['CONNECT', 'a LF', 'a\nb'],
    ['CONNECT', 'a CR', 'a\rb'],
    ['CONNECTED', 'a LF', 'a\nb'],
    ['CONNECTED', 'a CR', 'a\rb'],
  ] as const)('refuses %s with %s in a header value', (command, _what, value) => {
    for (const version of ['1.0', '1.1', '1.2'] as const) {
      expect(codeOf(() => encodeFrame({ command, headers: [['login', value]] }, { version }))).toBe(
        StompErrorCode.UNENCODABLE_FRAME,
      );
    }
  });

  // No escape stands for NUL, and a decoder refuses it in a header (STOMP_ERR_NUL_IN_HEADER).
  it.each([
    { what: 'a header value', command: 'SEND', header: ['x', 'a\0b'] },
    { what: 'a header name', command: 'MESSAGE', header: ['x\0', 'a'] },
    { what: 'a CONNECT header value', command: 'CONNECT', header: ['login', 'alice\0'] },
    { what: 'a CONNECTED header name', command: 'CONNECTED', header: ['\0', 'a'] },
  ] as const)('refuses a NUL in $what in every version', ({ command, header }) => {
    for (const version of ['1.0', '1.1', '1.2'] as const) {
      expect(
        codeOf(() => encodeFrame({ command, headers: [header] }, { version })),
        version,
      ).toBe(StompErrorCode.UNENCODABLE_FRAME);
      expect(
        codeOf(() => encodeFrameToString({ command, headers: [header] }, { version })),
        version,
      ).toBe(StompErrorCode.UNENCODABLE_FRAME);
    }
  });

  it('escapes the STOMP frame, which is not CONNECT', () => {
    expect(wireText({ command: 'STOMP', headers: [['passcode', 'a:b']] })).toBe(
      'STOMP\npasscode:a\\cb\n\n\0',
    );
  });

  // The grammar forbids an empty name (header-name = 1*<any OCTET except CR, LF, ":">), and our
  // own decoder refuses ":value" with STOMP_ERR_MALFORMED_HEADER.
  it('refuses an empty header name, escaped or not', () => {
    for (const version of ['1.0', '1.2'] as const) {
      expect(
        codeOf(() => encodeFrame({ command: 'SEND', headers: [['', 'v']] }, { version })),
        version,
      ).toBe(StompErrorCode.UNENCODABLE_FRAME);
    }
  });
});

describe('encodeHead', () => {
  it('writes the command, the escaped headers, a content-length when given, and the blank line', () => {
    const command: Command = 'MESSAGE';
    expect(encodeHead(command, [['x', 'a:b']], '1.2', 5)).toBe('MESSAGE\nx:a\\cb\ncontent-length:5\n\n');
    expect(encodeHead(command, [['x', 'a:b']], '1.0')).toBe('MESSAGE\nx:a:b\n\n');
  });

  it("is the start of encodeFrame's output", () => {
    const headers: Headers = [['destination', '/a']];
    const head = encodeHead('SEND', headers, '1.2', 3);
    expect(wireText({ command: 'SEND', headers, body: 'a\0b' })).toBe(`${head}a\0b\0`);
  });
});

describe('heart-beats', () => {
  it('are a single LF, as text and as bytes', () => {
    expect(HEARTBEAT).toBe('\n');
    expect(Array.from(HEARTBEAT_BYTES)).toEqual([0x0a]);
    expect(decodeAll(HEARTBEAT_BYTES).items).toEqual([{ type: 'heartbeat' }]);
  });
});
