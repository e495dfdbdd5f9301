import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DECODER_LIMITS,
  type DecoderLimits,
  decodeAll,
  type Frame,
  FrameDecoder,
  getHeader,
  StompError,
  StompErrorCode,
} from '../src/index';
import {
  byteByByte,
  bytePairs,
  bytes,
  decodeChunks,
  decodeFixtures,
  HEART_BEAT,
  plainExpected,
  textPairs,
  toBytes,
} from './fixtures';

/** The error one push throws, or undefined when it throws none. */
function errorOfPush(decoder: FrameDecoder, chunk: Uint8Array | string): StompError | undefined {
  try {
    decoder.push(chunk);
  } catch (error) {
    if (error instanceof StompError) return error;
    throw error;
  }
  return undefined;
}

function collecting(limits: Partial<DecoderLimits> = {}): { decoder: FrameDecoder; frames: Frame[] } {
  const frames: Frame[] = [];
  const decoder = new FrameDecoder({ onFrame: (frame) => frames.push(frame) }, { limits });
  return { decoder, frames };
}

function frameNamed(title: string) {
  const fixture = decodeFixtures.find((candidate) => candidate.title === title);
  if (!fixture) throw new Error(`no fixture titled ${title}`);
  return fixture;
}

describe('decoding each fixture', () => {
  describe.each(decodeFixtures)('$title', (fixture) => {
    const expected = plainExpected(fixture.expected);
    const options = { version: fixture.version };

    it('yields every frame and heart-beat when the wire arrives whole', () => {
      const run = decodeChunks([fixture.wire], options);
      expect(run.error).toBeUndefined();
      expect(run.items).toEqual(expected);
      expect(run.complete).toBe(true);
    });

    it('yields the same when the wire arrives byte by byte', () => {
      const run = decodeChunks(byteByByte(fixture.wire), options);
      expect(run.error).toBeUndefined();
      expect(run.items).toEqual(expected);
      expect(run.complete).toBe(true);
    });

    it('yields the same when the bytes are cut in two at every point', () => {
      for (const [at, chunks] of bytePairs(fixture.wire)) {
        const run = decodeChunks(chunks, options);
        expect(run.error, `cut at byte ${at}`).toBeUndefined();
        expect(run.items, `cut at byte ${at}`).toEqual(expected);
        expect(run.complete, `cut at byte ${at}`).toBe(true);
      }
    });

    const text = fixture.wire;
    if (typeof text === 'string') {
      it('yields the same when the text is cut in two at every point', () => {
        for (const [at, chunks] of textPairs(text)) {
          const run = decodeChunks(chunks, options);
          expect(run.error, `cut at character ${at}`).toBeUndefined();
          expect(run.items, `cut at character ${at}`).toEqual(expected);
        }
      });

      it('yields the same when a text chunk is followed by a byte chunk', () => {
        for (const [at, [first, second]] of textPairs(text)) {
          const run = decodeChunks([first!, toBytes(second!)], options);
          expect(run.items, `cut at character ${at}`).toEqual(expected);
        }
      });
    }
  });
});

describe('decodeAll', () => {
  it('returns the frames and heart-beats of whole input in order', () => {
    const { items, complete } = decodeAll('\nSEND\ndestination:/a\n\nhi\0\n');
    expect(items.map((item) => item.type)).toEqual(['heartbeat', 'frame', 'heartbeat']);
    const second = items[1];
    expect(second?.type === 'frame' && second.frame.command).toBe('SEND');
    expect(complete).toBe(true);
  });

  it('accepts an iterable of chunks', () => {
    const { items } = decodeAll(['SEN', toBytes('D\n\nhi'), '\0']);
    expect(items).toHaveLength(1);
  });

  it('reports input that ends inside a frame as incomplete', () => {
    expect(decodeAll('SEND\ndestination:/a\n\nhal').complete).toBe(false);
    expect(decodeAll('SEND\ndesti').complete).toBe(false);
    expect(decodeAll('\r').complete).toBe(false);
  });

  it('reads headers with the version it is given', () => {
    const wire = 'SEND\nx:a\\nb\n\n\0';
    const decoded = (version: '1.0' | '1.2') => {
      const item = decodeAll(wire, { version }).items[0];
      return item?.type === 'frame' ? getHeader(item.frame.headers, 'x') : undefined;
    };
    expect(decoded('1.2')).toBe('a\nb');
    expect(decoded('1.0')).toBe('a\\nb');
  });

  it('throws the StompError that stops it', () => {
    expect(() => decodeAll('FOO\n\n\0')).toThrow(StompError);
  });
});

describe('repeated headers', () => {
  it('keeps every entry in order while getHeader returns the first', () => {
    const { decoder, frames } = collecting();
    decoder.push(frameNamed("the spec's repeated header, every entry kept in order").wire);
    const headers = frames[0]!.headers;
    expect(headers.filter(([name]) => name === 'foo')).toEqual([
      ['foo', 'World'],
      ['foo', 'Hello'],
    ]);
    expect(getHeader(headers, 'foo')).toBe('World');
  });

  it('reads the body by the first content-length when there are two', () => {
    const { decoder, frames } = collecting();
    decoder.push(frameNamed('two content-length headers, of which the first counts').wire);
    expect(getHeader(frames[0]!.headers, 'content-length')).toBe('3');
    expect(new TextDecoder().decode(frames[0]!.body)).toBe('abc');
  });

  it('returns undefined from getHeader for a header that is absent', () => {
    expect(getHeader([['a', '1']], 'b')).toBeUndefined();
  });
});

describe('switching version inside onFrame', () => {
  const wire = 'CONNECT\naccept-version:1.0\nhost:h\n\n\0SEND\ndestination:/queue/a\nx:a\\tb\n\n\0';

  it('reads the next frame of the same chunk the new way (1.2 to 1.0)', () => {
    const frames: Frame[] = [];
    const decoder = new FrameDecoder({
      onFrame(frame) {
        frames.push(frame);
        if (frame.command === 'CONNECT') decoder.version = '1.0';
      },
    });
    decoder.push(wire);
    expect(frames.map((frame) => frame.command)).toEqual(['CONNECT', 'SEND']);
    expect(getHeader(frames[1]!.headers, 'x')).toBe('a\\tb');
  });

  it('fails at that frame when the version stays 1.2, after handing over the CONNECT', () => {
    const frames: Frame[] = [];
    const decoder = new FrameDecoder({ onFrame: (frame) => frames.push(frame) });
    expect(errorOfPush(decoder, wire)?.code).toBe(StompErrorCode.INVALID_ESCAPE);
    expect(frames.map((frame) => frame.command)).toEqual(['CONNECT']);
  });

  it('reads the next frame of the same chunk the new way (1.0 to 1.2)', () => {
    const frames: Frame[] = [];
    const decoder = new FrameDecoder(
      {
        onFrame(frame) {
          frames.push(frame);
          if (frame.command === 'CONNECT') decoder.version = '1.2';
        },
      },
      { version: '1.0' },
    );
    expect(errorOfPush(decoder, wire)?.code).toBe(StompErrorCode.INVALID_ESCAPE);
    expect(frames).toHaveLength(1);
  });
});

describe('limits', () => {
  it('defaults to the documented limits', () => {
    expect(collecting().decoder.getLimits()).toEqual(DEFAULT_DECODER_LIMITS);
  });

  // Each prefix crosses its limit with its last byte and never completes a frame, so the error can
  // only come from checking the limit while reading: pushed whole, the push throws; pushed byte by
  // byte, the last byte's push throws and none before it.
  it.each([
    {
      limit: 'maxHeaders (a header line counts once its EOL arrives)',
      limits: { maxHeaders: 2 },
      prefix: 'SEND\na:1\nb:2\nc:3\n',
      code: StompErrorCode.TOO_MANY_HEADERS,
    },
    {
      limit: 'maxFrameBytes in the head',
      limits: { maxFrameBytes: 32, maxHeaderLineBytes: 1024 },
      prefix: `SEND\nx:${'a'.repeat(26)}`,
      code: StompErrorCode.FRAME_TOO_LARGE,
    },
    {
      limit: 'maxFrameBytes in a NUL-terminated body',
      limits: { maxFrameBytes: 32 },
      prefix: `SEND\n\n${'a'.repeat(27)}`,
      code: StompErrorCode.FRAME_TOO_LARGE,
    },
    {
      limit: 'maxFrameBytes by a content-length, before any body',
      limits: { maxFrameBytes: 32 },
      prefix: 'SEND\ncontent-length:100\n\n',
      code: StompErrorCode.FRAME_TOO_LARGE,
    },
    {
      limit: 'maxBodyBytes in a NUL-terminated body',
      limits: { maxBodyBytes: 8 },
      prefix: 'SEND\n\n123456789',
      code: StompErrorCode.BODY_TOO_LARGE,
    },
    {
      limit: 'maxBodyBytes by a content-length, before any body',
      limits: { maxBodyBytes: 8 },
      prefix: 'SEND\ncontent-length:9\n\n',
      code: StompErrorCode.BODY_TOO_LARGE,
    },
  ])('catches $limit on the push that crosses it', ({ limits, prefix, code }) => {
    const whole = collecting(limits);
    expect(errorOfPush(whole.decoder, prefix)?.code).toBe(code);

    const all = toBytes(prefix);
    const bytewise = collecting(limits);
    for (let i = 0; i < all.length - 1; i++) {
      expect(errorOfPush(bytewise.decoder, all.subarray(i, i + 1)), `byte ${i}`).toBeUndefined();
    }
    expect(errorOfPush(bytewise.decoder, all.subarray(all.length - 1))?.code).toBe(code);
    expect(whole.frames).toHaveLength(0);
  });

  it('catches maxHeaderLineBytes on the push of a header line well over it, before its LF', () => {
    const { decoder } = collecting({ maxHeaderLineBytes: 16 });
    decoder.push('SEND\n');
    expect(errorOfPush(decoder, `x:${'a'.repeat(30)}`)?.code).toBe(StompErrorCode.HEADER_LINE_TOO_LONG);
  });

  it('catches maxHeaderLineBytes on the push of a command line well over it, before its LF', () => {
    const { decoder } = collecting({ maxHeaderLineBytes: 8 });
    expect(errorOfPush(decoder, 'SUBSCRIBE-AND-MORE')?.code).toBe(StompErrorCode.HEADER_LINE_TOO_LONG);
  });

  // While a line is incomplete, one byte over the limit is allowed only when it is a CR (the
  // start of a CRLF); any other byte over the limit is refused at once.
  it('catches a header line one byte over maxHeaderLineBytes whose last byte is not a CR, before its EOL', () => {
    const { decoder } = collecting({ maxHeaderLineBytes: 16 });
    expect(errorOfPush(decoder, `SEND\n${'x'.repeat(17)}`)?.code).toBe(StompErrorCode.HEADER_LINE_TOO_LONG);
  });

  it('allows a line of exactly maxHeaderLineBytes whose CR and LF arrive in separate chunks', () => {
    const { decoder, frames } = collecting({ maxHeaderLineBytes: 16 });
    decoder.push(`SEND\r\nx:${'a'.repeat(14)}\r`);
    decoder.push('\n\r\n\0');
    expect(frames).toHaveLength(1);
  });

  it('allows exactly maxHeaders headers', () => {
    const { decoder, frames } = collecting({ maxHeaders: 2 });
    decoder.push('SEND\na:1\nb:2\n\n\0');
    expect(frames).toHaveLength(1);
  });

  it('allows a frame of exactly maxFrameBytes, NUL included, and refuses one more', () => {
    const exact = `SEND\n\n${'a'.repeat(25)}\0`;
    expect(toBytes(exact)).toHaveLength(32);
    const fits = collecting({ maxFrameBytes: 32 });
    fits.decoder.push(exact);
    expect(fits.frames).toHaveLength(1);

    const over = collecting({ maxFrameBytes: 32 });
    expect(errorOfPush(over.decoder, `SEND\n\n${'a'.repeat(26)}\0`)?.code).toBe(
      StompErrorCode.FRAME_TOO_LARGE,
    );
  });

  it('allows a body of exactly maxBodyBytes, with or without content-length', () => {
    const { decoder, frames } = collecting({ maxBodyBytes: 8 });
    decoder.push('SEND\n\n12345678\0SEND\ncontent-length:8\n\n123\x005678\0');
    expect(frames.map((frame) => frame.body.length)).toEqual([8, 8]);
  });

  it('counts the body in octets against maxBodyBytes', () => {
    const { decoder } = collecting({ maxBodyBytes: 8 });
    expect(errorOfPush(decoder, 'SEND\n\néééé\0')?.code).toBeUndefined();
    expect(errorOfPush(decoder, 'SEND\n\néééé1\0')?.code).toBe(StompErrorCode.BODY_TOO_LARGE);
  });

  it('applies setLimits to the bytes pushed after it, in the middle of a frame', () => {
    const { decoder } = collecting();
    decoder.push('SEND\n\n12345');
    decoder.setLimits({ maxBodyBytes: 8 });
    expect(errorOfPush(decoder, '6789')?.code).toBe(StompErrorCode.BODY_TOO_LARGE);
  });

  it('lets later bytes through once setLimits raises a limit', () => {
    const { decoder, frames } = collecting({ maxBodyBytes: 4 });
    decoder.push('SEND\n\n123');
    decoder.setLimits({ maxBodyBytes: 16 });
    decoder.push('456789\0');
    expect(frames).toHaveLength(1);
  });

  it('keeps the limits setLimits was not given', () => {
    const { decoder } = collecting({ maxBodyBytes: 4 });
    decoder.setLimits({ maxHeaders: 3 });
    expect(decoder.getLimits()).toEqual({ ...DEFAULT_DECODER_LIMITS, maxBodyBytes: 4, maxHeaders: 3 });
  });

  it('refuses a limit that is not a whole number of at least 0', () => {
    expect(() => collecting({ maxHeaders: -1 })).toThrow(RangeError);
    expect(() => collecting({ maxBodyBytes: 1.5 })).toThrow(RangeError);
    expect(() => collecting().decoder.setLimits({ maxFrameBytes: Number.NaN })).toThrow(RangeError);
  });
});

describe('a failed decoder', () => {
  it('keeps throwing the same error on every later push', () => {
    const { decoder, frames } = collecting();
    const first = errorOfPush(decoder, 'FOO\n\n\0');
    expect(first?.code).toBe(StompErrorCode.UNKNOWN_COMMAND);
    expect(errorOfPush(decoder, 'SEND\n\n\0')).toBe(first);
    expect(errorOfPush(decoder, '')).toBe(first);
    expect(errorOfPush(decoder, new Uint8Array(0))).toBe(first);
    expect(frames).toHaveLength(0);
    expect(decoder.isIdle).toBe(false);
  });

  it('hands over the frames before the fault in the same chunk, and none after', () => {
    const { decoder, frames } = collecting();
    expect(errorOfPush(decoder, 'SEND\n\na\0SEND\nx:\\t\n\nb\0SEND\n\nc\0')?.code).toBe(
      StompErrorCode.INVALID_ESCAPE,
    );
    expect(frames.map((frame) => new TextDecoder().decode(frame.body))).toEqual(['a']);
  });

  it('stops for good when a handler throws, since the rest of that chunk can no longer be read in order', () => {
    const seen: string[] = [];
    const boom = new Error('handler failed');
    const decoder = new FrameDecoder({
      onFrame(frame) {
        seen.push(frame.command);
        if (frame.command === 'SEND') throw boom;
      },
    });
    expect(() => decoder.push('SEND\n\n\0BEGIN\ntransaction:t\n\n\0')).toThrow(boom);
    expect(() => decoder.push('COMMIT\ntransaction:t\n\n\0')).toThrow(boom);
    expect(seen).toEqual(['SEND']);
  });
});

describe('receipt ids on errors', () => {
  it('carries the receipt of a frame whose body overruns its content-length', () => {
    const wire = 'SEND\nreceipt:77\ncontent-length:2\n\nabc\0';
    for (const chunks of [[wire], byteByByte(wire)]) {
      const error = decodeChunks(chunks).error;
      expect(error?.code).toBe(StompErrorCode.MISSING_NUL);
      expect(error?.receiptId).toBe('77');
    }
  });

  it('carries the receipt of a frame with a bad content-length', () => {
    const error = decodeChunks(['SEND\nreceipt:r-9\ncontent-length:x\n\n\0']).error;
    expect(error?.code).toBe(StompErrorCode.INVALID_CONTENT_LENGTH);
    expect(error?.receiptId).toBe('r-9');
  });

  it('carries the receipt unescaped', () => {
    const error = decodeChunks(['SEND\nreceipt:a\\cb\nx:\\t\n\n\0']).error;
    expect(error?.receiptId).toBe('a:b');
  });

  it("never carries an earlier frame's receipt", () => {
    const error = decodeChunks(['SEND\nreceipt:1\n\n\0SEND\ncontent-length:1\n\nxy\0']).error;
    expect(error?.code).toBe(StompErrorCode.MISSING_NUL);
    expect(error?.receiptId).toBeUndefined();
  });
});

describe('bodies', () => {
  it('hands over a NUL-terminated body that arrived in one chunk as a view of that chunk', () => {
    const chunk = bytes('SEND\n\nhello\0');
    const { decoder, frames } = collecting();
    decoder.push(chunk);
    expect(frames[0]!.body.buffer).toBe(chunk.buffer);
    expect(frames[0]!.body.byteOffset).toBe(6);
    expect(frames[0]!.body.length).toBe(5);
  });

  it('hands over a content-length body that arrived in one chunk as a view of that chunk', () => {
    const chunk = bytes('SEND\ncontent-length:3\n\na\0b\0');
    const { decoder, frames } = collecting();
    decoder.push(chunk);
    expect(frames[0]!.body.buffer).toBe(chunk.buffer);
    expect(Array.from(frames[0]!.body)).toEqual([0x61, 0, 0x62]);
  });

  it('hands over every body of a chunk holding several frames as views of it', () => {
    const chunk = bytes('SEND\n\none\0\nSEND\ncontent-length:3\n\ntwo\0SEND\n\nthree\0');
    const { decoder, frames } = collecting();
    decoder.push(chunk);
    expect(frames).toHaveLength(3);
    for (const frame of frames) expect(frame.body.buffer).toBe(chunk.buffer);
  });

  it('hands over a body that arrived in a later chunk than its head as a view of that chunk', () => {
    const { decoder, frames } = collecting();
    decoder.push('SEND\ndestination:/a\n\n');
    const chunk = bytes('hello\0');
    decoder.push(chunk);
    expect(frames[0]!.body.buffer).toBe(chunk.buffer);
  });

  it('joins a body that spans chunks', () => {
    const { decoder, frames } = collecting();
    decoder.push('SEND\n\nhel');
    decoder.push(bytes('lo', [0xff]));
    decoder.push('!\0');
    expect(Array.from(frames[0]!.body)).toEqual([...toBytes('hello'), 0xff, 0x21]);
  });
});

describe('heart-beats and state', () => {
  it('works without an onHeartbeat handler', () => {
    const frames: Frame[] = [];
    const decoder = new FrameDecoder({ onFrame: (frame) => frames.push(frame) });
    decoder.push('\n\r\nSEND\n\n\0\n\r\n');
    expect(frames).toHaveLength(1);
  });

  it('reports a heart-beat whose CR and LF arrive in separate chunks once the LF arrives', () => {
    let beats = 0;
    const decoder = new FrameDecoder({ onFrame: () => {}, onHeartbeat: () => beats++ });
    decoder.push('\r');
    expect(beats).toBe(0);
    expect(decoder.isIdle).toBe(false);
    decoder.push('\n');
    expect(beats).toBe(1);
    expect(decoder.isIdle).toBe(true);
  });

  it('is idle only between frames', () => {
    const { decoder } = collecting();
    expect(decoder.isIdle).toBe(true);
    decoder.push('SEND\n');
    expect(decoder.isIdle).toBe(false);
    decoder.push('\nbody');
    expect(decoder.isIdle).toBe(false);
    decoder.push('\0');
    expect(decoder.isIdle).toBe(true);
  });

  it('treats the EOLs after a frame like heart-beats', () => {
    const run = decodeChunks(['SEND\n\n\0\n\n']);
    expect(run.items.slice(1)).toEqual([{ type: HEART_BEAT }, { type: HEART_BEAT }]);
  });
});
