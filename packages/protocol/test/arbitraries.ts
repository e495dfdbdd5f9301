/**
 * fast-check arbitraries shared by the property tests (`pnpm test`) and the fuzz run (`pnpm fuzz`):
 * random frames the encoder can write, byte soup drawn towards the grammar's tokens, small limits,
 * and valid frames or fixtures with bytes flipped, inserted, deleted, truncated, spliced or given
 * huge lengths.
 */
import fc from 'fast-check';
import {
  ClientCommand,
  type Command,
  type DecoderLimits,
  encodeFrame,
  escapesHeaders,
  type Header,
  ServerCommand,
  type StompVersion,
} from '../src/index';
import { bytes, decodeFixtures, errorFixtures, toBytes } from './fixtures';

export const COMMANDS: readonly Command[] = [
  ...Object.values(ClientCommand),
  ...Object.values(ServerCommand),
];

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
export function headersFor(version: StompVersion, command: Command): fc.Arbitrary<Header[]> {
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

export const body = fc.oneof(
  fc.uint8Array({ maxLength: 48 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: headerUnit([]), maxLength: 24 }),
);

export interface RandomFrame {
  readonly version: StompVersion;
  readonly command: Command;
  readonly headers: Header[];
  readonly body: string | Uint8Array;
}

export function frameFor(versions: readonly StompVersion[]): fc.Arbitrary<RandomFrame> {
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
export const soup = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc
    .array(fc.oneof(fc.constantFrom(...TOKENS), fc.uint8Array({ minLength: 1, maxLength: 3 })), {
      maxLength: 40,
    })
    .map((parts) => bytes(...parts.map((part) => (typeof part === 'string' ? part : Array.from(part))))),
);

export const version = fc.constantFrom<StompVersion>('1.0', '1.1', '1.2');

export const smallLimits: fc.Arbitrary<Partial<DecoderLimits>> = fc.record(
  {
    maxFrameBytes: fc.nat(80),
    maxHeaders: fc.nat(4),
    maxHeaderLineBytes: fc.nat(24),
    maxBodyBytes: fc.nat(40),
  },
  { requiredKeys: [] },
);

/** A valid encoded frame with random bytes replaced, inserted and deleted. */
export const mutated = fc
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

export const cuts = fc.array(fc.nat({ max: 400 }), { maxLength: 8 });

/** Every fixture's wire, valid and faulty, as bytes with the version it is read in. */
const SEEDS: ReadonlyArray<{ readonly wire: Uint8Array; readonly version: StompVersion }> = [
  ...decodeFixtures,
  ...errorFixtures,
].map((fixture) => ({ wire: toBytes(fixture.wire), version: fixture.version }));

const HUGE_LENGTHS = [
  '4294967296',
  '9007199254740993',
  '99999999999999999999',
  '16777217',
  '-1',
  '1e3',
  ' 5',
  '0x10',
  '',
];

/** One edit of a byte array: the kinds of damage a fuzzer does. */
type Edit =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'replace'; readonly at: number; readonly byte: number }
  | { readonly kind: 'insert'; readonly at: number; readonly piece: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'duplicate'; readonly at: number; readonly length: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'length'; readonly at: number; readonly value: string }
  | { readonly kind: 'flood'; readonly at: number; readonly byte: number; readonly length: number };

const tokenBytes = fc
  .constantFrom(...TOKENS, 'receipt:r-1\n', 'content-length:', '\0\0', '\r\r\n')
  .map((token) => bytes(token));

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('flip'), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant('replace'), at: fc.nat(), byte: fc.nat(255) }),
  fc.record({
    kind: fc.constant('insert'),
    at: fc.nat(),
    piece: fc.oneof(tokenBytes, fc.uint8Array({ minLength: 1, maxLength: 4 })),
  }),
  fc.record({ kind: fc.constant('delete'), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('duplicate'), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('truncate'), at: fc.nat() }),
  fc.record({ kind: fc.constant('length'), at: fc.nat(), value: fc.constantFrom(...HUGE_LENGTHS) }),
  fc.record({
    kind: fc.constant('flood'),
    at: fc.nat(),
    byte: fc.constantFrom(0x61, 0x0a, 0x3a, 0x5c, 0x00, 0xff),
    length: fc.integer({ min: 1, max: 70_000 }),
  }),
);

function applyEdit(input: Uint8Array, change: Edit): Uint8Array {
  const at = change.at % (input.length + 1);
  const join = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  };
  switch (change.kind) {
    case 'flip': {
      if (at === input.length) return input;
      const out = input.slice();
      out[at]! ^= 1 << change.bit;
      return out;
    }
    case 'replace': {
      if (at === input.length) return input;
      const out = input.slice();
      out[at] = change.byte;
      return out;
    }
    case 'insert':
      return join(input.subarray(0, at), change.piece, input.subarray(at));
    case 'delete':
      return join(input.subarray(0, at), input.subarray(at + change.length));
    case 'duplicate':
      return join(input.subarray(0, at + change.length), input.subarray(at));
    case 'truncate':
      return input.subarray(0, at);
    case 'length':
      return join(input.subarray(0, at), bytes(`content-length:${change.value}\n`), input.subarray(at));
    case 'flood':
      return join(input.subarray(0, at), new Uint8Array(change.length).fill(change.byte), input.subarray(at));
  }
}

/**
 * A fixture (valid or faulty), possibly followed by another, damaged by a few edits; with the
 * version the first fixture is read in.
 */
export const mutatedFixture: fc.Arbitrary<{ readonly input: Uint8Array; readonly version: StompVersion }> = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.option(fc.constantFrom(...SEEDS), { freq: 3 }),
    fc.array(edit, { minLength: 1, maxLength: 5 }),
  )
  .map(([first, second, edits]) => {
    let input = second === null ? first.wire : bytes(Array.from(first.wire), Array.from(second.wire));
    for (const change of edits) input = applyEdit(input, change);
    return { input, version: first.version };
  });
