import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeFrame,
  encodeFrameToString,
  escapesHeaders,
  type Header,
  isCommand,
  StompErrorCode,
} from '../src/index';
import {
  COMMANDS,
  cuts,
  frameFor,
  mutated,
  mutatedFixture,
  type RandomFrame,
  smallLimits,
  soup,
  version,
} from './arbitraries';
import { bodyBytes, cutAt, type DecodeRun, decodeChunks } from './fixtures';

const CODES: ReadonlySet<string> = new Set(Object.values(StompErrorCode));
/** A few thousand cases per property: enough to reach the corners, cheap enough for `pnpm test` (`pnpm fuzz` runs far more). */
const NUM_RUNS = 2000;
/** The round trips build and compare whole frames, so they run fewer. */
const ROUND_TRIP_RUNS = 1000;
/** Thousands of cases take seconds, more on a busy machine: a limit for a hung run, not a speed check. */
const PROPERTY_TIMEOUT_MS = 60_000;

/** The decoded frame is the random one, plus a content-length last where the encoder needed one. */
function expectSameFrame(run: DecodeRun, frame: RandomFrame): void {
  expect(run.error).toBeUndefined();
  expect(run.complete).toBe(true);
  expect(run.items).toHaveLength(1);
  const item = run.items[0]!;
  if (item.type !== 'frame') throw new Error('expected a frame');
  const data = bodyBytes(frame.body);
  expect(item.command).toBe(frame.command);
  expect(item.body).toEqual(Array.from(data));
  expect(item.headers.slice(0, frame.headers.length)).toEqual(frame.headers.map(([n, v]) => [n, v]));
  const extra = item.headers.slice(frame.headers.length);
  const needsLength = data.includes(0) || (typeof frame.body !== 'string' && !isUtf8(data));
  expect(extra).toEqual(needsLength ? [['content-length', String(data.length)]] : []);
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isUtf8(data: Uint8Array): boolean {
  try {
    fatalDecoder.decode(data);
    return true;
  } catch {
    return false;
  }
}

/** Cuts a string at the given offsets (wrapped into range), never between the halves of a surrogate pair. */
function cutText(text: string, offsets: readonly number[]): string[] {
  const points = [...new Set(offsets.map((offset) => offset % (text.length + 1)))]
    .filter((point) => !/[\udc00-\udfff]/.test(text.charAt(point)))
    .sort((a, b) => a - b);
  const chunks: string[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(text.slice(start, point));
    start = point;
  }
  chunks.push(text.slice(start));
  return chunks;
}

/** Only frames, heart-beats and a StompError with a known code: decodeChunks rethrows anything else. */
function expectOnlyProtocolOutcomes(run: DecodeRun): void {
  for (const item of run.items) {
    if (item.type === 'frame') expect(isCommand(item.command)).toBe(true);
  }
  if (run.error) expect(CODES.has(run.error.code)).toBe(true);
}

describe('random frames', { timeout: PROPERTY_TIMEOUT_MS }, () => {
  it('decode to themselves after encoding, in 1.1 and 1.2, whole and in random chunks', () => {
    fc.assert(
      fc.property(frameFor(['1.1', '1.2']), cuts, (frame, offsets) => {
        const { bytes: encoded } = encodeFrame(frame, { version: frame.version });
        expectSameFrame(decodeChunks([encoded], { version: frame.version }), frame);
        expectSameFrame(decodeChunks(cutAt(encoded, offsets), { version: frame.version }), frame);
      }),
      { numRuns: ROUND_TRIP_RUNS },
    );
  });

  it('decode to themselves after encoding, in 1.0, whole and in random chunks', () => {
    fc.assert(
      fc.property(frameFor(['1.0']), cuts, (frame, offsets) => {
        const { bytes: encoded } = encodeFrame(frame, { version: frame.version });
        expectSameFrame(decodeChunks([encoded], { version: frame.version }), frame);
        expectSameFrame(decodeChunks(cutAt(encoded, offsets), { version: frame.version }), frame);
      }),
      { numRuns: ROUND_TRIP_RUNS },
    );
  });

  it('decode to themselves from the string encodeFrameToString writes, whole and in random chunks', () => {
    fc.assert(
      fc.property(frameFor(['1.0', '1.1', '1.2']), cuts, (frame, offsets) => {
        const text = typeof frame.body === 'string' ? frame.body : new TextDecoder().decode(frame.body);
        const asText: RandomFrame = { ...frame, body: text };
        const encoded = encodeFrameToString(asText, { version: frame.version });
        expectSameFrame(decodeChunks([encoded], { version: frame.version }), asText);
        expectSameFrame(decodeChunks(cutText(encoded, offsets), { version: frame.version }), asText);
      }),
      { numRuns: ROUND_TRIP_RUNS },
    );
  });

  it('with a CR in an escaped header are refused in 1.1', () => {
    const withCr = fc
      .tuple(fc.constantFrom(...COMMANDS.filter((c) => escapesHeaders('1.1', c))), fc.string(), fc.string())
      .map(([command, before, after]) => ({ command, headers: [['x', `${before}\r${after}`]] as Header[] }));
    fc.assert(
      fc.property(withCr, (frame) => {
        let code: string | undefined;
        try {
          encodeFrame(frame, { version: '1.1' });
        } catch (error) {
          code = (error as { code?: string }).code;
        }
        expect(code).toBe(StompErrorCode.UNENCODABLE_FRAME);
      }),
      { numRuns: 500 },
    );
  });
});

describe('arbitrary input', { timeout: PROPERTY_TIMEOUT_MS }, () => {
  it('yields frames, heart-beats or a StompError and nothing else, whatever the chunking', () => {
    fc.assert(
      fc.property(soup, version, cuts, (input, v, offsets) => {
        expectOnlyProtocolOutcomes(decodeChunks([input], { version: v }));
        expectOnlyProtocolOutcomes(decodeChunks(cutAt(input, offsets), { version: v }));
      }),
      { numRuns: NUM_RUNS * 2 },
    );
  });

  it('yields the same frames and the same error whole, in random chunks and byte by byte', () => {
    fc.assert(
      fc.property(fc.oneof(soup, mutated), version, cuts, (input, v, offsets) => {
        const whole = decodeChunks([input], { version: v });
        const chunked = decodeChunks(cutAt(input, offsets), { version: v });
        const bytewise = decodeChunks(cutAt(input, [...input.keys()]), { version: v });
        for (const other of [chunked, bytewise]) {
          expect(other.items).toEqual(whole.items);
          expect(other.error?.code).toBe(whole.error?.code);
          expect(other.error?.receiptId).toBe(whole.error?.receiptId);
          expect(other.complete).toBe(whole.complete);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  // Under small limits several may break in one chunk: the code is the one a byte-by-byte reader
  // meets first, whatever the chunking.
  it('yields frames, heart-beats or a StompError and nothing else under small limits, the same however chunked', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          soup,
          mutated,
          mutatedFixture.map(({ input }) => input),
        ),
        version,
        smallLimits,
        cuts,
        (input, v, limits, offsets) => {
          const whole = decodeChunks([input], { version: v, limits });
          expectOnlyProtocolOutcomes(whole);
          for (const chunks of [cutAt(input, offsets), cutAt(input, [...input.keys()])]) {
            const other = decodeChunks(chunks, { version: v, limits });
            expect(other.items).toEqual(whole.items);
            expect(other.error?.code).toBe(whole.error?.code);
            expect(other.error?.receiptId).toBe(whole.error?.receiptId);
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('yields the same frames, error and receipt whole and in random chunks for damaged fixtures', () => {
    fc.assert(
      fc.property(mutatedFixture, cuts, ({ input, version: v }, offsets) => {
        const whole = decodeChunks([input], { version: v });
        const chunked = decodeChunks(cutAt(input, offsets), { version: v });
        expectOnlyProtocolOutcomes(whole);
        expect(chunked.items).toEqual(whole.items);
        expect(chunked.error?.code).toBe(whole.error?.code);
        expect(chunked.error?.receiptId).toBe(whole.error?.receiptId);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('yields frames, heart-beats or a StompError and nothing else for mutated valid frames', () => {
    fc.assert(
      fc.property(mutated, version, cuts, (input, v, offsets) => {
        expectOnlyProtocolOutcomes(decodeChunks([input], { version: v }));
        expectOnlyProtocolOutcomes(decodeChunks(cutAt(input, offsets), { version: v }));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
