import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ClientCommand,
  type Command,
  type DecoderLimits,
  encodeFrame,
  encodeFrameToString,
  escapesHeaders,
  type Header,
  isCommand,
  ServerCommand,
  StompErrorCode,
  type StompVersion,
} from '../src/index';
import { bodyBytes, bytes, cutAt, type DecodeRun, decodeChunks } from './fixtures';

const COMMANDS: readonly Command[] = [...Object.values(ClientCommand), ...Object.values(ServerCommand)];
const CODES: ReadonlySet<string> = new Set(Object.values(StompErrorCode));
const NUM_RUNS = 200;

/** Any code point but a lone surrogate, or one of the characters escaping is about. */
function headerUnit(exclude: readonly string[]): fc.Arbitrary<string> {
  const special = ['\r', '\n', ':', '\\', ' ', '\0', 'c', 'n', 'r'].filter((c) => !exclude.includes(c));
  return fc.oneof(
    fc.constantFrom(...special),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !exclude.includes(c)),
  );
}

/**
 * Headers the encoder can write for `version` and `command`: 1.1 has no escape for CR; 1.0 and
 * CONNECT/CONNECTED are not escaped, so they carry no CR or LF, and no colon in a name. Names are
 * not empty (the grammar wants one octet at least) and never content-length, which is the encoder's.
 */
function headersFor(version: StompVersion, command: Command): fc.Arbitrary<Header[]> {
  const raw = !escapesHeaders(version, command);
  // NUL never travels in a header: the encoder refuses it and the decoder stops at it.
  const nameExclude = raw ? ['\0', '\r', '\n', ':'] : version === '1.1' ? ['\0', '\r'] : ['\0'];
  const valueExclude = raw ? ['\0', '\r', '\n'] : version === '1.1' ? ['\0', '\r'] : ['\0'];
  const name = fc
    .string({ unit: headerUnit(nameExclude), minLength: 1, maxLength: 10 })
    .filter((text) => text !== 'content-length');
  const value = fc.string({ unit: headerUnit(valueExclude), maxLength: 12 });
  return fc.array(fc.tuple(name, value), { maxLength: 6 });
}

const body = fc.oneof(
  fc.uint8Array({ maxLength: 48 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: headerUnit([]), maxLength: 24 }),
);

interface RandomFrame {
  readonly version: StompVersion;
  readonly command: Command;
  readonly headers: Header[];
  readonly body: string | Uint8Array;
}

function frameFor(versions: readonly StompVersion[]): fc.Arbitrary<RandomFrame> {
  return fc
    .record({ version: fc.constantFrom(...versions), command: fc.constantFrom(...COMMANDS) })
    .chain(({ version, command }) =>
      fc.record({
        version: fc.constant(version),
        command: fc.constant(command),
        headers: headersFor(version, command),
        body,
      }),
    );
}

const cuts = fc.array(fc.nat({ max: 400 }), { maxLength: 8 });

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

describe('random frames', () => {
  it('decode to themselves after encoding, in 1.1 and 1.2, whole and in random chunks', () => {
    fc.assert(
      fc.property(frameFor(['1.1', '1.2']), cuts, (frame, offsets) => {
        const { bytes: encoded } = encodeFrame(frame, { version: frame.version });
        expectSameFrame(decodeChunks([encoded], { version: frame.version }), frame);
        expectSameFrame(decodeChunks(cutAt(encoded, offsets), { version: frame.version }), frame);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('decode to themselves after encoding, in 1.0, whole and in random chunks', () => {
    fc.assert(
      fc.property(frameFor(['1.0']), cuts, (frame, offsets) => {
        const { bytes: encoded } = encodeFrame(frame, { version: frame.version });
        expectSameFrame(decodeChunks([encoded], { version: frame.version }), frame);
        expectSameFrame(decodeChunks(cutAt(encoded, offsets), { version: frame.version }), frame);
      }),
      { numRuns: NUM_RUNS },
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
      { numRuns: NUM_RUNS },
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
      { numRuns: 50 },
    );
  });
});

/** Byte soup drawn towards the grammar's tokens, so it reaches deep into the decoder. */
const TOKENS = [
  'SEND',
  'MESSAGE',
  'CONNECT',
  'CONNECTED',
  '\n',
  '\r',
  '\r\n',
  '\n\n',
  '\0',
  ':',
  '\\',
  '\\n',
  '\\c',
  '\\r',
  '\\t',
  'content-length:',
  'receipt:',
  '0',
  '3',
  '12',
  ' ',
  'é',
];
const soup = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc
    .array(fc.oneof(fc.constantFrom(...TOKENS), fc.uint8Array({ minLength: 1, maxLength: 3 })), {
      maxLength: 40,
    })
    .map((parts) => bytes(...parts.map((part) => (typeof part === 'string' ? part : Array.from(part))))),
);

const version = fc.constantFrom<StompVersion>('1.0', '1.1', '1.2');

const smallLimits: fc.Arbitrary<Partial<DecoderLimits>> = fc.record(
  {
    maxFrameBytes: fc.nat(80),
    maxHeaders: fc.nat(4),
    maxHeaderLineBytes: fc.nat(24),
    maxBodyBytes: fc.nat(40),
  },
  { requiredKeys: [] },
);

/** A valid encoded frame with random bytes replaced, inserted and deleted. */
const mutated = fc
  .tuple(
    frameFor(['1.2']),
    fc.array(
      fc.record({ at: fc.nat(), kind: fc.constantFrom('replace', 'insert', 'delete'), byte: fc.nat(255) }),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([frame, edits]) => {
    const out = Array.from(encodeFrame(frame).bytes);
    for (const { at, kind, byte } of edits) {
      const index = at % (out.length + 1);
      if (kind === 'insert') out.splice(index, 0, byte);
      else if (index < out.length) {
        if (kind === 'replace') out[index] = byte;
        else out.splice(index, 1);
      }
    }
    return Uint8Array.from(out);
  });

describe('arbitrary input', () => {
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
          expect(other.complete).toBe(whole.complete);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('yields frames, heart-beats or a StompError and nothing else under small limits', () => {
    fc.assert(
      fc.property(fc.oneof(soup, mutated), version, smallLimits, cuts, (input, v, limits, offsets) => {
        expectOnlyProtocolOutcomes(decodeChunks([input], { version: v, limits }));
        expectOnlyProtocolOutcomes(decodeChunks(cutAt(input, offsets), { version: v, limits }));
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
