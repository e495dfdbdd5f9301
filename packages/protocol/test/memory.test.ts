/**
 * What the decoder holds for a frame in progress stays within the limits that apply, however the
 * bytes are chunked: `bufferedBytes` is read after every push, for frames that fit and for frames
 * that break a limit, fed whole, in pieces of a few sizes, and one byte at a time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DecoderLimits, FrameDecoder, StompError, StompErrorCode } from '../src/index';
import { bytes, cutAt, toBytes, type Wire } from './fixtures';

/** What may be held past the frame limit: the one byte of a head that shows it breaks a limit. */
const SLACK = 1;

const LIMITS: Partial<DecoderLimits> = {
  maxFrameBytes: 4096,
  maxBodyBytes: 4096,
  maxHeaders: 8,
  maxHeaderLineBytes: 512,
};

/** Chunkings of a wire: whole, in pieces of 1, 2, 7 and 1000 bytes. */
const PIECE_SIZES = [1, 2, 7, 1000, Number.POSITIVE_INFINITY];

function inPieces(wire: Wire, size: number): Uint8Array[] {
  const all = toBytes(wire);
  if (!Number.isFinite(size)) return [all];
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < all.length; at += size) pieces.push(all.subarray(at, at + size));
  return pieces;
}

interface Fed {
  readonly frames: number;
  /** The most `bufferedBytes` read after any push. */
  readonly peak: number;
  /** `bufferedBytes` after the last push (or the fault). */
  readonly last: number;
  readonly code: StompErrorCode | undefined;
}

function feed(chunks: readonly Uint8Array[], limits: Partial<DecoderLimits> = LIMITS): Fed {
  let frames = 0;
  const decoder = new FrameDecoder({ onFrame: () => frames++ }, { limits });
  let peak = 0;
  for (const chunk of chunks) {
    try {
      decoder.push(chunk);
    } catch (error) {
      if (!(error instanceof StompError)) throw error;
      return { frames, peak, last: decoder.bufferedBytes, code: error.code };
    }
    peak = Math.max(peak, decoder.bufferedBytes);
  }
  return { frames, peak, last: decoder.bufferedBytes, code: undefined };
}

const body = (length: number) => 'x'.repeat(length);
const headers = (count: number, valueLength: number) =>
  Array.from({ length: count }, (_, i) => `h${i}:${'v'.repeat(valueLength)}\n`).join('');

const fits = [
  { title: 'a NUL-terminated body just under the frame limit', wire: `SEND\n\n${body(4088)}\0` },
  {
    title: 'a content-length body just under the frame limit',
    wire: `SEND\ncontent-length:4060\n\n${body(4060)}\0`,
  },
  {
    title: 'a head of every header the limits allow, each as long as allowed',
    wire: `SEND\n${headers(7, 500)}\n\0`,
  },
  { title: 'many small frames', wire: `SEND\nx:1\n\nab\0\n`.repeat(40) },
];

const breaks = [
  {
    title: 'a NUL-terminated body that never ends',
    wire: `SEND\n\n${body(6000)}`,
    codes: [StompErrorCode.BODY_TOO_LARGE, StompErrorCode.FRAME_TOO_LARGE],
  },
  {
    title: 'a header line that never ends',
    wire: `SEND\nx:${'v'.repeat(6000)}`,
    codes: [StompErrorCode.HEADER_LINE_TOO_LONG],
  },
  {
    title: 'header lines that never end the head',
    wire: `SEND\n${headers(40, 10)}`,
    codes: [StompErrorCode.TOO_MANY_HEADERS],
  },
  {
    title: 'a content-length over the limit',
    wire: `SEND\ncontent-length:999999\n\n${body(100)}`,
    codes: [StompErrorCode.BODY_TOO_LARGE],
  },
];

describe('bufferedBytes', () => {
  describe.each(fits)('for $title', ({ wire }) => {
    it.each(PIECE_SIZES)(
      'stays within the frame limit in pieces of %d bytes, and is 0 once it is read',
      (size) => {
        const fed = feed(inPieces(wire, size));
        expect(fed.code).toBeUndefined();
        expect(fed.frames).toBeGreaterThan(0);
        expect(fed.peak).toBeLessThanOrEqual(LIMITS.maxFrameBytes! + SLACK);
        expect(fed.last).toBe(0);
      },
    );
  });

  describe.each(breaks)('for $title', ({ wire, codes }) => {
    it.each(PIECE_SIZES)(
      'stays within the frame limit until the fault in pieces of %d bytes, then holds nothing',
      (size) => {
        const fed = feed(inPieces(wire, size));
        expect(codes).toContain(fed.code);
        expect(fed.peak).toBeLessThanOrEqual(LIMITS.maxFrameBytes! + SLACK);
        expect(fed.last).toBe(0);
      },
    );
  });

  it('stays within a small pre-login frame limit for a body sent one byte at a time', () => {
    const limits = { maxFrameBytes: 1024, maxBodyBytes: 1024 };
    const fed = feed(inPieces(`SEND\n\n${body(5000)}`, 1), limits);
    expect(fed.code).toBe(StompErrorCode.FRAME_TOO_LARGE);
    expect(fed.peak).toBeLessThanOrEqual(1024);
  });

  it('holds a content-length body at its exact size, allocated once', () => {
    const decoder = new FrameDecoder({ onFrame: () => {} });
    decoder.push('SEND\ncontent-length:3000\n\nab');
    expect(decoder.bufferedBytes).toBe(3000);
    decoder.push(body(1000));
    expect(decoder.bufferedBytes).toBe(3000);
  });

  it('grows a NUL-terminated body buffer geometrically, so many pieces cost few copies', () => {
    const decoder = new FrameDecoder({ onFrame: () => {} });
    decoder.push('SEND\n\n');
    const sizes = new Set<number>();
    for (let i = 0; i < 100_000; i++) {
      decoder.push('x');
      sizes.add(decoder.bufferedBytes);
    }
    // 256, 512, … 131072: one buffer per doubling, not one object per piece.
    expect(sizes.size).toBeLessThanOrEqual(10);
    expect(decoder.bufferedBytes).toBeLessThan(2 * 100_000);
  });

  it('is within the limits for random frames and any chunking', () => {
    const wire = fc
      .tuple(
        fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.nat(600)), { maxLength: 10 }),
        fc.nat(5000),
        fc.boolean(),
      )
      .map(([pairs, bodyLength, withLength]) => {
        const head = pairs
          .map(([name, length]) => `${name.replace(/[\0\r\n:\\]/g, 'n')}:${'v'.repeat(length)}\n`)
          .join('');
        const length = withLength ? `content-length:${bodyLength}\n` : '';
        return bytes(`SEND\n${head}${length}\n${body(bodyLength)}\0`);
      });
    fc.assert(
      fc.property(wire, fc.array(fc.nat(), { maxLength: 40 }), (all, offsets) => {
        const fed = feed(cutAt(all, offsets));
        expect(fed.peak).toBeLessThanOrEqual(LIMITS.maxFrameBytes! + SLACK);
        expect(fed.last).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('a head that spans chunks', () => {
  it('is copied without the body that follows it in the same chunk, which is handed over as a view', () => {
    const frames: Uint8Array[] = [];
    const decoder = new FrameDecoder({ onFrame: (frame) => frames.push(frame.body) });
    decoder.push('SEND\ndestin');
    const chunk = bytes(`ation:/a\n\n${body(100_000)}\0`);
    decoder.push(chunk);
    expect(frames[0]!.buffer).toBe(chunk.buffer);
    expect(frames[0]!.length).toBe(100_000);
  });

  it('ends at the blank line whose CR and LF arrive in separate chunks', () => {
    const frames: Uint8Array[] = [];
    const decoder = new FrameDecoder({ onFrame: (frame) => frames.push(frame.body) });
    decoder.push('SEND\r\nx:1\r\n\r');
    const chunk = bytes('\nbody\0');
    decoder.push(chunk);
    expect(frames[0]!.buffer).toBe(chunk.buffer);
    expect(new TextDecoder().decode(frames[0])).toBe('body');
  });
});
