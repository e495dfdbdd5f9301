/**
 * A long fuzz run of the decoder, apart from `pnpm test` (which runs a few thousand of the same cases):
 *
 *   pnpm fuzz                       (node --expose-gc --import tsx fuzz/decoder.fuzz.ts)
 *   pnpm fuzz --runs 1000000 --seed 42
 *
 * Inputs, drawn with fast-check (so a failure is shrunk to a small counterexample and printed with
 * its seed): every test fixture, valid and faulty, alone or followed by another, damaged by bit
 * flips, byte replacements, insertions of grammar tokens, deletions, duplications, truncations,
 * huge or malformed `content-length` values and floods of up to 70,000 bytes; byte soup drawn
 * towards the grammar's tokens; valid random frames damaged the same way; and valid random frames
 * in every version for the round trip.
 *
 * Every input is decoded whole, cut at random points, and (when under 8 KiB) one byte at a time,
 * under the pre-login limits the broker uses or under random small ones. The run fails unless:
 *   - each outcome is frames and heart-beats, then at most a `StompError` with a known code; any
 *     other exception fails it;
 *   - every chunking gives the same frames, the same code and the same receipt;
 *   - `bufferedBytes` never passes the frame limit plus a small constant, and is 0 after a fault;
 *   - a valid frame decodes to itself after encoding (decode∘encode is the identity);
 *   - the heap and ArrayBuffers after the run, once collected, are within a few MiB of where they started.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  type DecoderLimits,
  encodeFrame,
  type Frame,
  FrameDecoder,
  isCommand,
  StompError,
  StompErrorCode,
  type StompVersion,
} from '../src/index';
import { cuts, frameFor, mutated, mutatedFixture, smallLimits, soup, version } from '../test/arbitraries';
import { bodyBytes, cutAt } from '../test/fixtures';

const CODES: ReadonlySet<string> = new Set(Object.values(StompErrorCode));
/** What may be held past the frame limit: the one byte of a head that shows it breaks a limit. */
const SLACK = 1;
/** The broker's limits before login (apps/server, `STOMP_PRELOGIN_MAX_FRAME_BYTES`). */
const PRELOGIN_LIMITS: Partial<DecoderLimits> = { maxFrameBytes: 64 * 1024, maxBodyBytes: 64 * 1024 };
const BYTEWISE_MAX = 8 * 1024;
const HEAP_GROWTH_ALLOWED = 16 * 1024 * 1024;

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} wants a whole number`);
  return value;
}

const totalRuns = argument('runs', 120_000);
const seed = argument('seed', Date.now() % 2 ** 31);

interface Outcome {
  readonly frames: Array<{ command: string; headers: string[][]; body: number[] }>;
  readonly heartbeats: number;
  readonly code: string | undefined;
  readonly receiptId: string | undefined;
  readonly complete: boolean;
}

let inputs = 0;
let decodes = 0;
let faults = 0;
let framesSeen = 0;
/** The most `bufferedBytes` was seen past the frame limit (negative: it stayed under). */
let peakExcess = Number.NEGATIVE_INFINITY;
const codesSeen = new Map<string, number>();

/** Feeds `chunks` to a fresh decoder and checks what it may hold after every push. */
function decode(chunks: readonly Uint8Array[], v: StompVersion, limits: Partial<DecoderLimits>): Outcome {
  decodes++;
  const frames: Outcome['frames'] = [];
  let heartbeats = 0;
  const decoder = new FrameDecoder(
    {
      onFrame: (frame: Frame) => {
        assert.ok(isCommand(frame.command), `a frame with command ${frame.command}`);
        frames.push({
          command: frame.command,
          headers: frame.headers.map(([name, value]) => [name, value]),
          body: Array.from(frame.body),
        });
      },
      onHeartbeat: () => heartbeats++,
    },
    { version: v, limits },
  );
  const bound = decoder.getLimits().maxFrameBytes + SLACK;
  for (const chunk of chunks) {
    try {
      decoder.push(chunk);
    } catch (error) {
      // Anything but a StompError with a known code fails the run, rethrown as it is.
      if (!(error instanceof StompError) || !CODES.has(error.code)) throw error;
      assert.equal(decoder.bufferedBytes, 0, 'a failed decoder holds nothing');
      return { frames, heartbeats, code: error.code, receiptId: error.receiptId, complete: false };
    }
    const held = decoder.bufferedBytes;
    assert.ok(held <= bound, `bufferedBytes ${held} past the frame limit plus ${SLACK}`);
    peakExcess = Math.max(peakExcess, held - decoder.getLimits().maxFrameBytes);
  }
  return { frames, heartbeats, code: undefined, receiptId: undefined, complete: decoder.isIdle };
}

/** Whole, cut at `offsets` and byte by byte must agree. */
function checkInput(
  input: Uint8Array,
  v: StompVersion,
  limits: Partial<DecoderLimits>,
  offsets: number[],
): void {
  inputs++;
  const whole = decode([input], v, limits);
  const chunkings = [cutAt(input, offsets)];
  if (input.length <= BYTEWISE_MAX) chunkings.push(Array.from(input, (_, i) => input.subarray(i, i + 1)));
  for (const chunks of chunkings) assert.deepEqual(decode(chunks, v, limits), whole);
  framesSeen += whole.frames.length;
  if (whole.code !== undefined) {
    faults++;
    codesSeen.set(whole.code, (codesSeen.get(whole.code) ?? 0) + 1);
  }
}

const limitsArb = fc.oneof(fc.constant(PRELOGIN_LIMITS), smallLimits);
const offsetsArb = fc.array(fc.nat(), { maxLength: 12 });

console.log(
  `decoder fuzz · seed ${seed} · ${totalRuns.toLocaleString('en')} inputs · node ${process.version}`,
);
console.log(heldPerBodyByte());
const heapBefore = collectedHeap();
const started = performance.now();

const share = (fraction: number) => Math.max(1, Math.round(totalRuns * fraction));
const parameters = (numRuns: number) => ({ numRuns, seed, endOnFailure: false });

const phases: Array<[string, () => void]> = [
  [
    'damaged fixtures',
    () =>
      fc.assert(
        fc.property(mutatedFixture, limitsArb, offsetsArb, ({ input, version: v }, limits, offsets) =>
          checkInput(input, v, limits, offsets),
        ),
        parameters(share(0.45)),
      ),
  ],
  [
    'byte soup',
    () =>
      fc.assert(
        fc.property(soup, version, limitsArb, offsetsArb, (input, v, limits, offsets) =>
          checkInput(input, v, limits, offsets),
        ),
        parameters(share(0.15)),
      ),
  ],
  [
    'damaged random frames',
    () =>
      fc.assert(
        fc.property(mutated, version, limitsArb, offsetsArb, (input, v, limits, offsets) =>
          checkInput(input, v, limits, offsets),
        ),
        parameters(share(0.15)),
      ),
  ],
  [
    'round trips',
    () =>
      fc.assert(
        fc.property(frameFor(['1.0', '1.1', '1.2']), cuts, (frame, offsets) => {
          inputs++;
          const encoded = encodeFrame(frame, { version: frame.version }).bytes;
          for (const chunks of [[encoded], cutAt(encoded, offsets)]) {
            const outcome = decode(chunks, frame.version, {});
            assert.equal(outcome.code, undefined);
            assert.equal(outcome.frames.length, 1);
            const decoded = outcome.frames[0]!;
            assert.equal(decoded.command, frame.command);
            assert.deepEqual(decoded.body, Array.from(bodyBytes(frame.body)));
            // The encoder may add a content-length last; every header given comes back in order.
            assert.deepEqual(
              decoded.headers.slice(0, frame.headers.length),
              frame.headers.map(([name, value]) => [name, value]),
            );
          }
          framesSeen++;
        }),
        parameters(share(0.25)),
      ),
  ],
];

for (const [name, run] of phases) {
  const phaseStart = performance.now();
  const before = inputs;
  run();
  console.log(
    `  ${name.padEnd(22)} ${(inputs - before).toLocaleString('en').padStart(9)} inputs  ${((performance.now() - phaseStart) / 1000).toFixed(1)} s`,
  );
}

const seconds = (performance.now() - started) / 1000;
const heapAfter = collectedHeap();
const growth = heapAfter - heapBefore;
console.log(
  `${inputs.toLocaleString('en')} inputs (${decodes.toLocaleString('en')} decodes) in ${seconds.toFixed(1)} s: ` +
    `${framesSeen.toLocaleString('en')} frames, ${faults.toLocaleString('en')} protocol errors, nothing else`,
);
console.log(
  `codes: ${[...codesSeen]
    .sort((a, b) => b[1] - a[1])
    .map(([code, count]) => `${code.replace('STOMP_ERR_', '')} ${count}`)
    .join(', ')}`,
);
console.log(`bufferedBytes at most ${peakExcess} B past the frame limit (bound: ${SLACK} B past it)`);
console.log(
  `heap and ArrayBuffers after collection: ${mib(heapBefore)} before the run, ${mib(heapAfter)} after`,
);
assert.ok(growth < HEAP_GROWTH_ALLOWED, `the heap grew by ${mib(growth)} over the run`);

/** The JavaScript heap and the ArrayBuffers' memory outside it, after a full collection. */
function collectedHeap(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * The heap that decoders hold for bodies sent one byte per push, each just under the pre-login
 * limit: the attack that cost a server 107–127 bytes of heap per body byte when the decoder kept a
 * view per piece. Several decoders, so that what they hold stands well above the heap's noise.
 */
function heldPerBodyByte(): string {
  if (globalThis.gc === undefined) return 'heap per body byte: run with --expose-gc to measure';
  const decoders = 16;
  const bodyLength = 60 * 1024;
  const one = new Uint8Array(1).fill(0x61);
  const start = collectedHeap();
  const held: FrameDecoder[] = [];
  for (let d = 0; d < decoders; d++) {
    const decoder = new FrameDecoder({ onFrame: () => {} }, { limits: PRELOGIN_LIMITS });
    decoder.push('SEND\ndestination:/queue/a\n\n');
    for (let i = 0; i < bodyLength; i++) decoder.push(one.slice());
    held.push(decoder);
  }
  const heap = collectedHeap() - start;
  const buffered = held.reduce((sum, decoder) => sum + decoder.bufferedBytes, 0);
  assert.ok(held.every((decoder) => !decoder.isIdle));
  const perByte = heap / (decoders * bodyLength);
  return (
    `${decoders} decoders, each a ${bodyLength.toLocaleString('en')}-byte body pushed one byte at a time: ` +
    `${mib(heap)} of heap held, ${perByte.toFixed(2)} B per body byte (bufferedBytes ${mib(buffered)})`
  );
}
