/**
 * Named wire fixtures shared by the codec tests, and the few functions that feed them to a decoder.
 *
 * A decode fixture is the wire (text, or bytes where it must hold what text cannot), the version
 * the decoder speaks, and every frame and heart-beat it must yield, in order. `roundTrip` says the
 * encoder writes those frames back byte for byte: true only where the wire is the canonical
 * encoding (LF line ends, `content-length` last and only where the encoder would write it, 1.2
 * escapes for every CR, LF, colon and backslash).
 *
 * An error fixture is a wire that must stop the decoder with one code, after the frames before it.
 *
 * The rules quoted are from the STOMP 1.2 specification (https://stomp.github.io/stomp-specification-1.2.html).
 */
import {
  type Command,
  type DecoderLimits,
  type DecoderOptions,
  FrameDecoder,
  type Header,
  StompError,
  StompErrorCode,
  type StompVersion,
} from '../src/index';

export type Wire = string | Uint8Array;

export interface ExpectedFrame {
  readonly command: Command;
  readonly headers: readonly Header[];
  /** A string stands for its UTF-8 bytes. */
  readonly body: string | Uint8Array;
}

/** A heart-beat, or one of the optional EOLs after a frame: the decoder reports both the same way. */
export const HEART_BEAT = 'heart-beat';
export type ExpectedItem = ExpectedFrame | typeof HEART_BEAT;

/** How `@stomp/stompjs` (Parser, then FrameImpl.fromRawFrame) reads a fixture differently from the spec. */
export const StompjsDeviation = {
  /** It trims header names and values: "Header values are never trimmed" is not followed. */
  TRIMS: 'trims header names and values',
  /** It unescapes with a chain of `replace` calls, so `\\n` on the wire becomes a backslash and a LF. */
  CHAINED_UNESCAPE: 'unescapes in several passes',
  /** It unescapes header values only, so an escaped header name keeps its escapes. */
  NAMES_NOT_UNESCAPED: 'does not unescape header names',
} as const;
export type StompjsDeviation = (typeof StompjsDeviation)[keyof typeof StompjsDeviation];

export interface DecodeFixture {
  /** A noun phrase: "the spec's CONNECT frame". */
  readonly title: string;
  readonly wire: Wire;
  readonly version: StompVersion;
  readonly expected: readonly ExpectedItem[];
  readonly roundTrip: boolean;
  /** Set where stompjs's full pipeline reads the frame differently; its raw Parser always agrees. */
  readonly stompjs?: StompjsDeviation;
}

export interface ErrorFixture {
  /** A sentence: "rejects an unknown command". */
  readonly title: string;
  readonly wire: Wire;
  readonly version: StompVersion;
  readonly code: StompErrorCode;
  readonly limits?: Partial<DecoderLimits>;
  /** Frames that are complete before the fault, and so handed over. */
  readonly framesBefore?: number;
  /** The `receipt` of the frame at fault, carried on the error. */
  readonly receiptId?: string;
}

const encoder = new TextEncoder();

/** Joins text (as UTF-8) and raw octets into one byte array. */
export function bytes(...parts: ReadonlyArray<string | readonly number[]>): Uint8Array {
  const encoded = parts.map((part) =>
    typeof part === 'string' ? encoder.encode(part) : Uint8Array.from(part),
  );
  const out = new Uint8Array(encoded.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of encoded) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function toBytes(wire: Wire): Uint8Array {
  return typeof wire === 'string' ? encoder.encode(wire) : wire;
}

export function bodyBytes(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? encoder.encode(body) : body;
}

/** A decoded item in a shape that compares and prints well. */
export type PlainItem =
  | {
      readonly type: 'frame';
      readonly command: string;
      readonly headers: string[][];
      readonly body: number[];
    }
  | { readonly type: typeof HEART_BEAT };

export function plainExpected(items: readonly ExpectedItem[]): PlainItem[] {
  return items.map((item) =>
    item === HEART_BEAT
      ? { type: HEART_BEAT }
      : {
          type: 'frame',
          command: item.command,
          headers: item.headers.map(([name, value]) => [name, value]),
          body: Array.from(bodyBytes(item.body)),
        },
  );
}

export interface DecodeRun {
  readonly items: PlainItem[];
  readonly error: StompError | undefined;
  /** The decoder was between frames when the input ended. */
  readonly complete: boolean;
}

/** Feeds `chunks` to a fresh decoder, collecting what it yields and the protocol error it stops at. */
export function decodeChunks(chunks: Iterable<Wire>, options: DecoderOptions = {}): DecodeRun {
  const items: PlainItem[] = [];
  const decoder = new FrameDecoder(
    {
      onFrame: (frame) =>
        items.push({
          type: 'frame',
          command: frame.command,
          headers: frame.headers.map(([name, value]) => [name, value]),
          body: Array.from(frame.body),
        }),
      onHeartbeat: () => items.push({ type: HEART_BEAT }),
    },
    options,
  );
  try {
    for (const chunk of chunks) decoder.push(chunk);
  } catch (error) {
    if (error instanceof StompError) return { items, error, complete: false };
    throw error;
  }
  return { items, error: undefined, complete: decoder.isIdle };
}

/** Every byte as its own chunk. */
export function byteByByte(wire: Wire): Uint8Array[] {
  const all = toBytes(wire);
  return Array.from(all, (_, i) => all.subarray(i, i + 1));
}

/** Every way to cut the bytes in two (including an empty first or second chunk). */
export function* bytePairs(wire: Wire): Generator<[number, Uint8Array[]]> {
  const all = toBytes(wire);
  for (let at = 0; at <= all.length; at++) yield [at, [all.subarray(0, at), all.subarray(at)]];
}

/** Every way to cut a string in two between code points (a lone surrogate would not survive UTF-8). */
export function* textPairs(text: string): Generator<[number, string[]]> {
  for (let at = 0; at <= text.length; at++) {
    const before = text.charCodeAt(at - 1);
    if (before >= 0xd800 && before <= 0xdbff) continue;
    yield [at, [text.slice(0, at), text.slice(at)]];
  }
}

/** Cuts the bytes at the given offsets (any order; each wrapped into range). */
export function cutAt(all: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((offset) => offset % (all.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(all.subarray(start, point));
    start = point;
  }
  chunks.push(all.subarray(start));
  return chunks;
}

const SPEC_ERROR_BODY =
  'The message:\n-----\nMESSAGE\ndestined:/queue/a\nreceipt:message-12345\n\nHello queue a!\n-----\n' +
  'Did not contain a destination header, which is REQUIRED\nfor message propagation.\n';

/** Valid input: the spec's examples first, then the corners of the grammar. */
export const decodeFixtures: readonly DecodeFixture[] = [
  // --- The specification's own examples ---------------------------------------------------
  {
    title: "the spec's CONNECT frame",
    wire: 'CONNECT\naccept-version:1.2\nhost:stomp.github.org\n\n\0',
    version: '1.2',
    expected: [
      {
        command: 'CONNECT',
        headers: [
          ['accept-version', '1.2'],
          ['host', 'stomp.github.org'],
        ],
        body: '',
      },
    ],
    roundTrip: true,
  },
  {
    title: "the spec's STOMP frame (CONNECT's 1.2 name)",
    wire: 'STOMP\naccept-version:1.2\nhost:stomp.github.org\n\n\0',
    version: '1.2',
    expected: [
      {
        command: 'STOMP',
        headers: [
          ['accept-version', '1.2'],
          ['host', 'stomp.github.org'],
        ],
        body: '',
      },
    ],
    roundTrip: true,
  },
  {
    title: "the spec's CONNECTED frame",
    wire: 'CONNECTED\nversion:1.2\n\n\0',
    version: '1.2',
    expected: [{ command: 'CONNECTED', headers: [['version', '1.2']], body: '' }],
    roundTrip: true,
  },
  {
    title: "the spec's SEND frame with a content-type",
    wire: 'SEND\ndestination:/queue/a\ncontent-type:text/plain\n\nhello queue a\n\0',
    version: '1.2',
    expected: [
      {
        command: 'SEND',
        headers: [
          ['destination', '/queue/a'],
          ['content-type', 'text/plain'],
        ],
        body: 'hello queue a\n',
      },
    ],
    roundTrip: true,
  },
  {
    title: "the spec's SEND frame asking for a receipt",
    wire: 'SEND\ndestination:/queue/a\nreceipt:message-12345\n\nhello queue a\0',
    version: '1.2',
    expected: [
      {
        command: 'SEND',
        headers: [
          ['destination', '/queue/a'],
          ['receipt', 'message-12345'],
        ],
        body: 'hello queue a',
      },
    ],
    roundTrip: true,
  },
  {
    title: "the spec's SUBSCRIBE frame",
    wire: 'SUBSCRIBE\nid:0\ndestination:/queue/foo\nack:client\n\n\0',
    version: '1.2',
    expected: [
      {
        command: 'SUBSCRIBE',
        headers: [
          ['id', '0'],
          ['destination', '/queue/foo'],
          ['ack', 'client'],
        ],
        body: '',
      },
    ],
    roundTrip: true,
  },
  {
    title: "the spec's UNSUBSCRIBE frame",
    wire: 'UNSUBSCRIBE\nid:0\n\n\0',
    version: '1.2',
    expected: [{ command: 'UNSUBSCRIBE', headers: [['id', '0']], body: '' }],
    roundTrip: true,
  },
  {
    title: "the spec's ACK frame",
    wire: 'ACK\nid:12345\ntransaction:tx1\n\n\0',
    version: '1.2',
    expected: [
      {
        command: 'ACK',
        headers: [
          ['id', '12345'],
          ['transaction', 'tx1'],
        ],
        body: '',
      },
    ],
    roundTrip: true,
  },
  {
    title: "the spec's NACK frame",
    wire: 'NACK\nid:12345\ntransaction:tx1\n\n\0',
    version: '1.2',
    expected: [
      {
        command: 'NACK',
        headers: [
          ['id', '12345'],
          ['transaction', 'tx1'],
        ],
        body: '',
      },
    ],
    roundTrip: true,
  },
  {
    title: "the spec's BEGIN, COMMIT and ABORT frames in one chunk",
    wire: 'BEGIN\ntransaction:tx1\n\n\0COMMIT\ntransaction:tx1\n\n\0ABORT\ntransaction:tx1\n\n\0',
    version: '1.2',
    expected: [
      { command: 'BEGIN', headers: [['transaction', 'tx1']], body: '' },
      { command: 'COMMIT', headers: [['transaction', 'tx1']], body: '' },
      { command: 'ABORT', headers: [['transaction', 'tx1']], body: '' },
    ],
    roundTrip: true,
  },
  {
    title: "the spec's DISCONNECT frame with a receipt",
    wire: 'DISCONNECT\nreceipt:77\n\n\0',
    version: '1.2',
    expected: [{ command: 'DISCONNECT', headers: [['receipt', '77']], body: '' }],
    roundTrip: true,
  },
  {
    title: "the spec's RECEIPT frame",
    wire: 'RECEIPT\nreceipt-id:77\n\n\0',
    version: '1.2',
    expected: [{ command: 'RECEIPT', headers: [['receipt-id', '77']], body: '' }],
    roundTrip: true,
  },
  {
    title: "the spec's MESSAGE frame",
    wire: 'MESSAGE\nsubscription:0\nmessage-id:007\ndestination:/queue/a\ncontent-type:text/plain\n\nhello queue a\0',
    version: '1.2',
    expected: [
      {
        command: 'MESSAGE',
        headers: [
          ['subscription', '0'],
          ['message-id', '007'],
          ['destination', '/queue/a'],
          ['content-type', 'text/plain'],
        ],
        body: 'hello queue a',
      },
    ],
    roundTrip: true,
  },
  {
    // content-length comes before `message` here, and the encoder writes it last.
    title: "the spec's ERROR frame, whose 170-octet body holds blank lines and colons",
    wire: `ERROR\nreceipt-id:message-12345\ncontent-type:text/plain\ncontent-length:170\nmessage:malformed frame received\n\n${SPEC_ERROR_BODY}\0`,
    version: '1.2',
    expected: [
      {
        command: 'ERROR',
        headers: [
          ['receipt-id', 'message-12345'],
          ['content-type', 'text/plain'],
          ['content-length', '170'],
          ['message', 'malformed frame received'],
        ],
        body: SPEC_ERROR_BODY,
      },
    ],
    roundTrip: false,
  },
  {
    // "Repeated Header Entries": foo:World then foo:Hello, and World is the value.
    title: "the spec's repeated header, every entry kept in order",
    wire: 'MESSAGE\nsubscription:0\nmessage-id:007\ndestination:/queue/a\nfoo:World\nfoo:Hello\n\n\0',
    version: '1.2',
    expected: [
      {
        command: 'MESSAGE',
        headers: [
          ['subscription', '0'],
          ['message-id', '007'],
          ['destination', '/queue/a'],
          ['foo', 'World'],
          ['foo', 'Hello'],
        ],
        body: '',
      },
    ],
    roundTrip: true,
  },

  // --- Line endings and heart-beats ------------------------------------------------------
  {
    title: 'a frame whose every line ends in CRLF',
    wire: 'SEND\r\ndestination:/queue/a\r\ncontent-type:text/plain\r\n\r\nhello\r\n\0',
    version: '1.2',
    expected: [
      {
        command: 'SEND',
        headers: [
          ['destination', '/queue/a'],
          ['content-type', 'text/plain'],
        ],
        body: 'hello\r\n',
      },
    ],
    roundTrip: false,
  },
  {
    title: 'a frame mixing LF and CRLF line ends, with an empty header value',
    wire: 'MESSAGE\ndestination:/queue/a\r\nx-empty:\r\nmessage-id:1\n\r\nbody\0',
    version: '1.2',
    expected: [
      {
        command: 'MESSAGE',
        headers: [
          ['destination', '/queue/a'],
          ['x-empty', ''],
          ['message-id', '1'],
        ],
        body: 'body',
      },
    ],
    roundTrip: false,
  },
  {
    title: 'a lone heart-beat (LF)',
    wire: '\n',
    version: '1.2',
    expected: [HEART_BEAT],
    roundTrip: true,
  },
  {
    title: 'a lone heart-beat (CRLF)',
    wire: '\r\n',
    version: '1.2',
    expected: [HEART_BEAT],
    roundTrip: false,
  },
  {
    title: 'heart-beats (LF) before, between and after frames',
    wire: '\nSEND\ndestination:/a\n\nx\0\n\nSEND\ndestination:/b\n\ny\0\n',
    version: '1.2',
    expected: [
      HEART_BEAT,
      { command: 'SEND', headers: [['destination', '/a']], body: 'x' },
      HEART_BEAT,
      HEART_BEAT,
      { command: 'SEND', headers: [['destination', '/b']], body: 'y' },
      HEART_BEAT,
    ],
    roundTrip: true,
  },
  {
    title: 'heart-beats (CRLF) before, between and after frames',
    wire: '\r\nMESSAGE\ndestination:/a\n\nx\0\r\n\r\nMESSAGE\ndestination:/b\n\ny\0\r\n',
    version: '1.2',
    expected: [
      HEART_BEAT,
      { command: 'MESSAGE', headers: [['destination', '/a']], body: 'x' },
      HEART_BEAT,
      HEART_BEAT,
      { command: 'MESSAGE', headers: [['destination', '/b']], body: 'y' },
      HEART_BEAT,
    ],
    roundTrip: false,
  },
  {
    // "Frames and Headers": frame = command EOL *( header EOL ) EOL *OCTET NULL *( EOL )
    title: 'the optional EOLs after a NUL, LF and CRLF mixed',
    wire: 'RECEIPT\nreceipt-id:1\n\n\0\n\r\n\nRECEIPT\nreceipt-id:2\n\n\0',
    version: '1.2',
    expected: [
      { command: 'RECEIPT', headers: [['receipt-id', '1']], body: '' },
      HEART_BEAT,
      HEART_BEAT,
      HEART_BEAT,
      { command: 'RECEIPT', headers: [['receipt-id', '2']], body: '' },
    ],
    roundTrip: false,
  },
  {
    title: 'several frames of different kinds in one chunk',
    wire: 'MESSAGE\ndestination:/topic/t\nmessage-id:1\nsubscription:s\n\none\0RECEIPT\nreceipt-id:r\n\n\0ERROR\nmessage:bad\n\n\0',
    version: '1.2',
    expected: [
      {
        command: 'MESSAGE',
        headers: [
          ['destination', '/topic/t'],
          ['message-id', '1'],
          ['subscription', 's'],
        ],
        body: 'one',
      },
      { command: 'RECEIPT', headers: [['receipt-id', 'r']], body: '' },
      { command: 'ERROR', headers: [['message', 'bad']], body: '' },
    ],
    roundTrip: true,
  },

  // --- Bodies -------------------------------------------------------------------------------
  {
    title: 'a frame with no headers and an empty body',
    wire: 'SEND\n\n\0',
    version: '1.2',
    expected: [{ command: 'SEND', headers: [], body: '' }],
    roundTrip: true,
  },
  {
    title: 'an empty body announced by content-length 0',
    wire: 'SEND\ndestination:/queue/a\ncontent-length:0\n\n\0',
    version: '1.2',
    expected: [
      {
        command: 'SEND',
        headers: [
          ['destination', '/queue/a'],
          ['content-length', '0'],
        ],
        body: '',
      },
    ],
    roundTrip: true,
  },
  {
    // "Header content-length": the body is read for that many octets, NULs included.
    title: 'a content-length body holding NULs',
    wire: 'SEND\ndestination:/queue/a\ncontent-length:5\n\na\0b\0c\0',
    version: '1.2',
    expected: [
      {
        command: 'SEND',
        headers: [
          ['destination', '/queue/a'],
          ['content-length', '5'],
        ],
        body: 'a\0b\0c',
      },
    ],
    roundTrip: true,
  },
  {
    title: 'a content-length body that looks like a frame end and another frame',
    wire: 'MESSAGE\ndestination:/queue/a\ncontent-length:9\n\n\0\n\nSEND\n\0\0\n',
    version: '1.2',
    expected: [
      {
        command: 'MESSAGE',
        headers: [
          ['destination', '/queue/a'],
          ['content-length', '9'],
        ],
        body: '\0\n\nSEND\n\0',
      },
      HEART_BEAT,
    ],
    roundTrip: true,
  },
  {
    title: 'a binary body that is not UTF-8',
    wire: bytes(
      'MESSAGE\ndestination:/topic/bin\ncontent-length:6\n\n',
      [0x00, 0xff, 0xfe, 0x80, 0x0a, 0x00],
      [0x00],
    ),
    version: '1.2',
    expected: [
      {
        command: 'MESSAGE',
        headers: [
          ['destination', '/topic/bin'],
          ['content-length', '6'],
        ],
        body: Uint8Array.of(0x00, 0xff, 0xfe, 0x80, 0x0a, 0x00),
      },
    ],
    roundTrip: true,
  },
  {
    title: 'a NUL-terminated body that is not UTF-8 (the body is octets, only the head must be UTF-8)',
    wire: bytes('MESSAGE\ndestination:/topic/bin\n\n', [0xc0, 0xaf, 0xff], [0x00]),
    version: '1.2',
    expected: [
      {
        command: 'MESSAGE',
        headers: [['destination', '/topic/bin']],
        body: Uint8Array.of(0xc0, 0xaf, 0xff),
      },
    ],
    roundTrip: false,
  },
  {
    title: 'a content-length with leading zeros',
    wire: 'SEND\ncontent-length:003\n\nabc\0',
    version: '1.2',
    expected: [{ command: 'SEND', headers: [['content-length', '003']], body: 'abc' }],
    roundTrip: false,
  },
  {
    title: 'two content-length headers, of which the first counts',
    wire: 'SEND\ndestination:/queue/a\ncontent-length:3\ncontent-length:5\n\nabc\0',
    version: '1.2',
    expected: [
      {
        command: 'SEND',
        headers: [
          ['destination', '/queue/a'],
          ['content-length', '3'],
          ['content-length', '5'],
        ],
        body: 'abc',
      },
    ],
    roundTrip: false,
  },
  {
    title: 'a content-length that counts octets, not characters',
    wire: 'SEND\ndestination:/queue/a\ncontent-length:11\n\nhéllo 🎉\0',
    version: '1.2',
    expected: [
      {
        command: 'SEND',
        headers: [
          ['destination', '/queue/a'],
          ['content-length', '11'],
        ],
        body: 'héllo 🎉',
      },
    ],
    roundTrip: true,
  },

  // --- Header values ------------------------------------------------------------------------
  {
    // "Header values are never trimmed": spaces around names and values are theirs.
    title: 'header names and values with leading and trailing spaces, kept as sent',
    wire: 'SEND\ndestination: /queue/a \n x-pad :  both  \nx-empty:\n\n\0',
    version: '1.2',
    expected: [
      {
        command: 'SEND',
        headers: [
          ['destination', ' /queue/a '],
          [' x-pad ', '  both  '],
          ['x-empty', ''],
        ],
        body: '',
      },
    ],
    roundTrip: true,
    stompjs: StompjsDeviation.TRIMS,
  },
  {
    title: 'a 1.0 header value holding colons (the first colon ends the name)',
    wire: 'SEND\ndestination:/queue/a\nurl:http://host:80/x\n\n\0',
    version: '1.0',
    expected: [
      {
        command: 'SEND',
        headers: [
          ['destination', '/queue/a'],
          ['url', 'http://host:80/x'],
        ],
        body: '',
      },
    ],
    roundTrip: true,
  },
  {
    // The 1.2 grammar wants a colon in a value escaped; a raw one is read as part of the value.
    title: 'a 1.2 header value holding an unescaped colon',
    wire: 'SEND\ndestination:/queue/a\nurl:http://host:80/x\n\n\0',
    version: '1.2',
    expected: [
      {
        command: 'SEND',
        headers: [
          ['destination', '/queue/a'],
          ['url', 'http://host:80/x'],
        ],
        body: '',
      },
    ],
    roundTrip: false,
  },
  {
    title: 'a CONNECT passcode holding colons',
    wire: 'CONNECT\naccept-version:1.2\nhost:h\nlogin:guest\npasscode:a:b::c\n\n\0',
    version: '1.2',
    expected: [
      {
        command: 'CONNECT',
        headers: [
          ['accept-version', '1.2'],
          ['host', 'h'],
          ['login', 'guest'],
          ['passcode', 'a:b::c'],
        ],
        body: '',
      },
    ],
    roundTrip: true,
  },
  {
    title: 'unicode in header names, header values and the body',
    wire: 'SEND\ndestination:/queue/café\nx-grüße:日本語 🎉\nключ:значение\n\nhéllo wörld 🎉 ✓\0',
    version: '1.2',
    expected: [
      {
        command: 'SEND',
        headers: [
          ['destination', '/queue/café'],
          ['x-grüße', '日本語 🎉'],
          ['ключ', 'значение'],
        ],
        body: 'héllo wörld 🎉 ✓',
      },
    ],
    roundTrip: true,
  },

  // --- Escaping ("Value Encoding") ------------------------------------------------------------
  {
    title: 'the four 1.2 escapes \\r \\n \\c \\\\ in a header value',
    wire: 'MESSAGE\ndestination:/queue/a\nx-esc:a\\nb\\rc\\cd\\\\e\n\n\0',
    version: '1.2',
    expected: [
      {
        command: 'MESSAGE',
        headers: [
          ['destination', '/queue/a'],
          ['x-esc', 'a\nb\rc:d\\e'],
        ],
        body: '',
      },
    ],
    roundTrip: true,
  },
  {
    title: 'escapes in a 1.2 header name',
    wire: 'SEND\ndestination:/queue/a\nk\\ce\\ny\\\\:v\n\n\0',
    version: '1.2',
    expected: [
      {
        command: 'SEND',
        headers: [
          ['destination', '/queue/a'],
          ['k:e\ny\\', 'v'],
        ],
        body: '',
      },
    ],
    roundTrip: true,
    stompjs: StompjsDeviation.NAMES_NOT_UNESCAPED,
  },
  {
    title: 'the three 1.1 escapes \\n \\c \\\\ in a header value',
    wire: 'MESSAGE\ndestination:/queue/a\nx-esc:a\\nb\\cd\\\\e\n\n\0',
    version: '1.1',
    expected: [
      {
        command: 'MESSAGE',
        headers: [
          ['destination', '/queue/a'],
          ['x-esc', 'a\nb:d\\e'],
        ],
        body: '',
      },
    ],
    roundTrip: true,
  },
  {
    title: 'backslashes in a 1.0 header, which has no escapes',
    wire: 'MESSAGE\ndestination:/queue/a\nx-raw:a\\nb\\tc\\r\\\n\n\0',
    version: '1.0',
    expected: [
      {
        command: 'MESSAGE',
        headers: [
          ['destination', '/queue/a'],
          ['x-raw', 'a\\nb\\tc\\r\\'],
        ],
        body: '',
      },
    ],
    roundTrip: true,
  },
  {
    // "Value Encoding": CONNECT and CONNECTED frames do not escape, for 1.0 peers.
    title: 'a 1.2 CONNECT whose backslashes are not escapes',
    wire: 'CONNECT\naccept-version:1.0,1.1,1.2\nhost:h\nlogin:a\\nb\npasscode:p\\tq\\\n\n\0',
    version: '1.2',
    expected: [
      {
        command: 'CONNECT',
        headers: [
          ['accept-version', '1.0,1.1,1.2'],
          ['host', 'h'],
          ['login', 'a\\nb'],
          ['passcode', 'p\\tq\\'],
        ],
        body: '',
      },
    ],
    roundTrip: true,
  },
  {
    title: 'a 1.2 CONNECTED whose backslashes are not escapes',
    wire: 'CONNECTED\nversion:1.2\nserver:x\\cy\\\\z\\t\n\n\0',
    version: '1.2',
    expected: [
      {
        command: 'CONNECTED',
        headers: [
          ['version', '1.2'],
          ['server', 'x\\cy\\\\z\\t'],
        ],
        body: '',
      },
    ],
    roundTrip: true,
  },
  {
    // Read left to right in one pass: "\\" is a backslash, and the "n" after it is just an "n".
    title: 'an escaped backslash followed by n or c, read in one pass',
    wire: 'MESSAGE\ndestination:/queue/a\nx-bn:\\\\n\nx-bc:\\\\c\nx-bbn:\\\\\\n\n\n\0',
    version: '1.2',
    expected: [
      {
        command: 'MESSAGE',
        headers: [
          ['destination', '/queue/a'],
          ['x-bn', '\\n'],
          ['x-bc', '\\c'],
          ['x-bbn', '\\\n'],
        ],
        body: '',
      },
    ],
    roundTrip: true,
    stompjs: StompjsDeviation.CHAINED_UNESCAPE,
  },
];

/** Input the decoder must refuse, each with its code. */
export const errorFixtures: readonly ErrorFixture[] = [
  // --- Commands -----------------------------------------------------------------------------
  {
    title: 'rejects an unknown command',
    wire: 'PUBLISH\ndestination:/queue/a\n\n\0',
    version: '1.2',
    code: StompErrorCode.UNKNOWN_COMMAND,
  },
  {
    title: 'rejects a lowercase command',
    wire: 'send\ndestination:/queue/a\n\n\0',
    version: '1.2',
    code: StompErrorCode.UNKNOWN_COMMAND,
  },
  {
    title: 'rejects a command with a trailing space',
    wire: 'SEND \ndestination:/queue/a\n\n\0',
    version: '1.2',
    code: StompErrorCode.UNKNOWN_COMMAND,
  },
  {
    title: 'rejects a command with a leading space',
    wire: ' SEND\ndestination:/queue/a\n\n\0',
    version: '1.2',
    code: StompErrorCode.UNKNOWN_COMMAND,
  },
  {
    title: 'rejects an unknown command after handing over the frame before it',
    wire: 'SEND\n\nok\0\nFOO\n\n\0',
    version: '1.2',
    code: StompErrorCode.UNKNOWN_COMMAND,
    framesBefore: 1,
  },

  // --- Header lines -------------------------------------------------------------------------
  {
    title: 'rejects a header line without a colon',
    wire: 'SEND\ndestination\n\n\0',
    version: '1.2',
    code: StompErrorCode.MALFORMED_HEADER,
  },
  {
    title: 'rejects a header with an empty name',
    wire: 'SEND\n:/queue/a\n\n\0',
    version: '1.2',
    code: StompErrorCode.MALFORMED_HEADER,
  },
  {
    title: 'rejects a header with an empty name in 1.0 too',
    wire: 'SEND\n:/queue/a\n\n\0',
    version: '1.0',
    code: StompErrorCode.MALFORMED_HEADER,
  },
  {
    title: 'rejects a CR inside a header line',
    wire: 'SEND\nx:a\rb\n\n\0',
    version: '1.2',
    code: StompErrorCode.INVALID_EOL,
  },

  // --- Escapes ------------------------------------------------------------------------------
  {
    title: 'rejects an undefined escape (\\t) in 1.2',
    wire: 'SEND\ndestination:/queue/a\nx:a\\tb\n\n\0',
    version: '1.2',
    code: StompErrorCode.INVALID_ESCAPE,
  },
  {
    title: 'rejects an undefined escape in a 1.2 header name',
    wire: 'SEND\nx\\ty:1\n\n\0',
    version: '1.2',
    code: StompErrorCode.INVALID_ESCAPE,
  },
  {
    title: 'rejects the \\r escape in 1.1, which does not define it',
    wire: 'SEND\ndestination:/queue/a\nx:a\\rb\n\n\0',
    version: '1.1',
    code: StompErrorCode.INVALID_ESCAPE,
  },
  {
    title: 'rejects an undefined escape (\\t) in 1.1',
    wire: 'SEND\nx:a\\tb\n\n\0',
    version: '1.1',
    code: StompErrorCode.INVALID_ESCAPE,
  },
  {
    title: 'rejects a trailing backslash in a header value',
    wire: 'SEND\ndestination:/queue/a\nx:ab\\\n\n\0',
    version: '1.2',
    code: StompErrorCode.INVALID_ESCAPE,
  },
  {
    title: 'rejects an undefined escape and names the receipt of the frame at fault',
    wire: 'SEND\nx:\\t\nreceipt:77\n\n\0',
    version: '1.2',
    code: StompErrorCode.INVALID_ESCAPE,
    receiptId: '77',
  },

  // --- content-length and the frame end -------------------------------------------------------
  {
    title: 'rejects a content-length that is not a number',
    wire: 'SEND\ncontent-length:abc\n\nabc\0',
    version: '1.2',
    code: StompErrorCode.INVALID_CONTENT_LENGTH,
  },
  {
    title: 'rejects a negative content-length',
    wire: 'SEND\ncontent-length:-1\n\n\0',
    version: '1.2',
    code: StompErrorCode.INVALID_CONTENT_LENGTH,
  },
  {
    title: 'rejects a content-length with a leading space',
    wire: 'SEND\ncontent-length: 3\n\nabc\0',
    version: '1.2',
    code: StompErrorCode.INVALID_CONTENT_LENGTH,
  },
  {
    title: 'rejects a content-length with a trailing space',
    wire: 'SEND\ncontent-length:3 \n\nabc\0',
    version: '1.2',
    code: StompErrorCode.INVALID_CONTENT_LENGTH,
  },
  {
    title: 'rejects an empty content-length',
    wire: 'SEND\ncontent-length:\n\n\0',
    version: '1.2',
    code: StompErrorCode.INVALID_CONTENT_LENGTH,
  },
  {
    title: 'rejects a content-length written as a fraction',
    wire: 'SEND\ncontent-length:3.0\n\nabc\0',
    version: '1.2',
    code: StompErrorCode.INVALID_CONTENT_LENGTH,
  },
  {
    title: 'rejects a content-length written in hexadecimal',
    wire: 'SEND\ncontent-length:0x3\n\nabc\0',
    version: '1.2',
    code: StompErrorCode.INVALID_CONTENT_LENGTH,
  },
  {
    title: 'rejects bytes after a content-length body that are not the NUL',
    wire: 'SEND\ncontent-length:2\n\nabc\0',
    version: '1.2',
    code: StompErrorCode.MISSING_NUL,
  },
  {
    title: 'rejects a missing NUL and names the receipt of the frame at fault',
    wire: 'SEND\nreceipt:77\ncontent-length:1\n\nab\0',
    version: '1.2',
    code: StompErrorCode.MISSING_NUL,
    receiptId: '77',
  },

  // --- Between frames -------------------------------------------------------------------------
  {
    title: 'rejects a CR not followed by LF between frames',
    wire: '\rSEND\n\n\0',
    version: '1.2',
    code: StompErrorCode.INVALID_EOL,
  },
  {
    title: 'rejects a CR not followed by LF after a frame',
    wire: 'SEND\n\n\0\r\r\n',
    version: '1.2',
    code: StompErrorCode.INVALID_EOL,
    framesBefore: 1,
  },

  // --- Text ---------------------------------------------------------------------------------------
  {
    title: 'rejects a header value that is not UTF-8',
    wire: bytes('SEND\nx:', [0xff], '\n\n\0'),
    version: '1.2',
    code: StompErrorCode.INVALID_UTF8,
  },
  {
    title: 'rejects an overlong UTF-8 sequence in a header name',
    wire: bytes('SEND\n', [0xc0, 0xaf], ':v\n\n\0'),
    version: '1.2',
    code: StompErrorCode.INVALID_UTF8,
  },
  {
    title: 'rejects a UTF-8-encoded surrogate in a header value',
    wire: bytes('SEND\nx:', [0xed, 0xa0, 0x80], '\n\n\0'),
    version: '1.0',
    code: StompErrorCode.INVALID_UTF8,
  },
  {
    title: 'rejects a command that is not UTF-8',
    wire: bytes([0x53, 0x45, 0x4e, 0xc4], '\n\n\0'),
    version: '1.2',
    code: StompErrorCode.INVALID_UTF8,
  },

  // --- NUL in the head: the octet that ends a frame, so never part of a header -----------------------
  {
    title: 'rejects a NUL octet in a header value, with the receipt read before it',
    wire: 'SEND\nreceipt:r-nul\nx-nul:a\0b\n\nbody\0',
    version: '1.2',
    code: StompErrorCode.NUL_IN_HEADER,
    receiptId: 'r-nul',
  },
  {
    title: 'rejects a NUL octet in a header name',
    wire: 'SEND\nx\0y:v\n\n\0',
    version: '1.2',
    code: StompErrorCode.NUL_IN_HEADER,
  },
  {
    title: 'rejects a NUL octet in a header value in STOMP 1.0, which has no escaping',
    wire: 'SEND\ndestination:/queue/a\0MESSAGE\n\n\0',
    version: '1.0',
    code: StompErrorCode.NUL_IN_HEADER,
  },
  {
    title: 'rejects a NUL octet in the login of a CONNECT, whose headers are never escaped',
    wire: 'CONNECT\naccept-version:1.2\nhost:h\nlogin:alice\0\npasscode:x\n\n\0',
    version: '1.2',
    code: StompErrorCode.NUL_IN_HEADER,
  },
  {
    title: 'rejects a NUL octet in a CONNECTED header in STOMP 1.1',
    wire: 'CONNECTED\nversion:1.1\nserver:a\0b\n\n\0',
    version: '1.1',
    code: StompErrorCode.NUL_IN_HEADER,
  },
  {
    title: 'rejects a NUL octet in a header after a complete frame, which is handed over first',
    wire: 'SEND\ndestination:/a\n\nok\0SEND\nreceipt:7\nx:\0\n\n\0',
    version: '1.2',
    code: StompErrorCode.NUL_IN_HEADER,
    framesBefore: 1,
    receiptId: '7',
  },

  // --- Faults found while the head is read still carry the receipt read before them --------------
  {
    title: 'rejects more headers than maxHeaders with the receipt read before the excess',
    wire: 'SEND\nreceipt:r-many\nb:2\nc:3\n\n\0',
    version: '1.2',
    limits: { maxHeaders: 2 },
    code: StompErrorCode.TOO_MANY_HEADERS,
    receiptId: 'r-many',
  },
  {
    title: 'rejects more headers than maxHeaders with no receipt when the receipt comes after the excess',
    wire: 'SEND\na:1\nb:2\nc:3\nreceipt:late\n\n\0',
    version: '1.2',
    limits: { maxHeaders: 2 },
    code: StompErrorCode.TOO_MANY_HEADERS,
  },
  {
    title: 'rejects an over-long header line with the receipt read before it, unescaped',
    wire: 'SEND\nreceipt:r\\c1\ndestination:/queue/abcdefgh\n\n\0',
    version: '1.2',
    limits: { maxHeaderLineBytes: 16 },
    code: StompErrorCode.HEADER_LINE_TOO_LONG,
    receiptId: 'r:1',
  },
  {
    title: 'rejects an over-long header line with the receipt read before it as is in STOMP 1.0',
    wire: 'SEND\nreceipt:r\\c1\ndestination:/queue/abcdefgh\n\n\0',
    version: '1.0',
    limits: { maxHeaderLineBytes: 16 },
    code: StompErrorCode.HEADER_LINE_TOO_LONG,
    receiptId: 'r\\c1',
  },
  {
    title: 'rejects an over-long header line in a CONNECT with its receipt as is, never unescaped',
    wire: 'CONNECT\nreceipt:c\\c1\nlogin:abcdefghijklmnopq\n\n\0',
    version: '1.2',
    limits: { maxHeaderLineBytes: 16 },
    code: StompErrorCode.HEADER_LINE_TOO_LONG,
    receiptId: 'c\\c1',
  },
  {
    title: 'rejects a head past maxFrameBytes with the receipt read before it',
    wire: `SEND\nreceipt:r-big\nx:${'a'.repeat(40)}\n\n\0`,
    version: '1.2',
    limits: { maxFrameBytes: 32 },
    code: StompErrorCode.FRAME_TOO_LARGE,
    receiptId: 'r-big',
  },
  {
    title: 'rejects a header value that is not UTF-8 with the receipt of the frame',
    wire: bytes('SEND\nreceipt:r-utf\nx:', [0xff], '\n\n\0'),
    version: '1.2',
    code: StompErrorCode.INVALID_UTF8,
    receiptId: 'r-utf',
  },
  {
    title: 'rejects an unknown command with the receipt of the frame',
    wire: 'FLY\nreceipt:r-fly\n\n\0',
    version: '1.2',
    code: StompErrorCode.UNKNOWN_COMMAND,
    receiptId: 'r-fly',
  },
  {
    title: 'rejects a limit breach with no receipt when the receipt itself holds an undefined escape',
    wire: 'SEND\nreceipt:r\\t\nx:abcdefghijklmnopqrstuvwxyz\n\n\0',
    version: '1.2',
    limits: { maxHeaderLineBytes: 16 },
    code: StompErrorCode.HEADER_LINE_TOO_LONG,
  },

  // --- Limits (whole frames; the tests in decoder.test.ts show each is caught early) --------------
  {
    title: 'rejects a frame larger than maxFrameBytes',
    wire: 'SEND\ndestination:/queue/a\n\n0123456789\0',
    version: '1.2',
    limits: { maxFrameBytes: 32 },
    code: StompErrorCode.FRAME_TOO_LARGE,
  },
  {
    title: 'rejects a frame whose content-length would take it past maxFrameBytes',
    wire: 'SEND\ncontent-length:40\nreceipt:r-1\n\n0123456789012345678901234567890123456789\0',
    version: '1.2',
    limits: { maxFrameBytes: 64 },
    code: StompErrorCode.FRAME_TOO_LARGE,
    receiptId: 'r-1',
  },
  {
    title: 'rejects more headers than maxHeaders',
    wire: 'SEND\na:1\nb:2\nc:3\n\n\0',
    version: '1.2',
    limits: { maxHeaders: 2 },
    code: StompErrorCode.TOO_MANY_HEADERS,
  },
  {
    title: 'rejects repeated headers past maxHeaders, as each repeat counts',
    wire: 'SEND\na:1\na:1\na:1\n\n\0',
    version: '1.2',
    limits: { maxHeaders: 2 },
    code: StompErrorCode.TOO_MANY_HEADERS,
  },
  {
    title: 'rejects a header line longer than maxHeaderLineBytes',
    wire: 'SEND\ndestination:/queue/abcdefgh\n\n\0',
    version: '1.2',
    limits: { maxHeaderLineBytes: 16 },
    code: StompErrorCode.HEADER_LINE_TOO_LONG,
  },
  {
    title: 'rejects a command line longer than maxHeaderLineBytes',
    wire: 'SUBSCRIBE\nid:0\n\n\0',
    version: '1.2',
    limits: { maxHeaderLineBytes: 8 },
    code: StompErrorCode.HEADER_LINE_TOO_LONG,
  },
  {
    title: 'rejects a header line whose octets, not characters, pass maxHeaderLineBytes',
    wire: 'SEND\nx:éééééé\n\n\0',
    version: '1.2',
    limits: { maxHeaderLineBytes: 10 },
    code: StompErrorCode.HEADER_LINE_TOO_LONG,
  },
  {
    title: 'rejects a NUL-terminated body longer than maxBodyBytes',
    wire: 'SEND\nreceipt:9\n\n0123456789\0',
    version: '1.2',
    limits: { maxBodyBytes: 8 },
    code: StompErrorCode.BODY_TOO_LARGE,
    receiptId: '9',
  },
  {
    title: 'rejects a content-length above maxBodyBytes',
    wire: 'SEND\nreceipt:9\ncontent-length:10\n\n0123456789\0',
    version: '1.2',
    limits: { maxBodyBytes: 8 },
    code: StompErrorCode.BODY_TOO_LARGE,
    receiptId: '9',
  },
];
