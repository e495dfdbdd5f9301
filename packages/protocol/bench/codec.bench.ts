/**
 * The codec against @stomp/stompjs 7 (its `Parser` and `FrameImpl.marshall`), on the same inputs in
 * the same run.
 *
 *   pnpm bench          (node --expose-gc --import tsx bench/codec.bench.ts)
 *
 * Cases:
 *   decodeSmall    one ~150-byte MESSAGE with a JSON body, pushed whole into a long-lived decoder.
 *   decodeLarge    one MESSAGE with a 1 MiB random binary body and content-length, in one chunk.
 *   decodeChunked  1,000 mixed frames and heart-beats, cut into seeded random chunks of 1..4096 bytes.
 *   encodeSmall    the small MESSAGE: ours to bytes, stompjs to its usual string.
 * Rows marked "info" are for reading only and stay out of the JSON line.
 *
 * Harness: per case and side, the iteration count is calibrated so that a round lasts at least
 * ROUND_MS; one untimed round warms up; then ROUNDS timed rounds alternate between the two sides
 * (with a GC before each) and the median is kept. Every round's work is counted (frames, body bytes,
 * output length) and checked against what one iteration must produce, so none of it can be skipped.
 * Before any timing, both sides must decode the same frames from the same bytes.
 *
 * The last line of stdout is a JSON object of speed ratios, ours divided by stompjs's (higher is
 * better), rounded to two decimals.
 */
import { cpus } from 'node:os';
import { FrameImpl, type IRawFrameType, Parser, type StompHeaders } from '@stomp/stompjs';
import {
  encodeFrame,
  encodeFrameToString,
  type Frame,
  FrameDecoder,
  type FrameInit,
  type Header,
} from '../src/index';

const ROUND_MS = 250;
const ROUNDS = 5;
const CALIBRATION_MS = 50;

// ---------------------------------------------------------------------------------------------
// Inputs

/** mulberry32: a small seeded PRNG, so every run (and both sides) see the same data. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomInt(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

function randomBytes(rand: () => number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(rand() * 256);
  return bytes;
}

const TEXT_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.:;-_{}[]"éü€';

function randomText(rand: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += TEXT_ALPHABET[Math.floor(rand() * TEXT_ALPHABET.length)];
  return text;
}

const utf8 = new TextEncoder();

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A frame written by hand (not by either encoder under test), with a chosen EOL. */
function wireFrame(command: string, headers: readonly Header[], body: Uint8Array, eol = '\n'): Uint8Array {
  let head = `${command}${eol}`;
  for (const [name, value] of headers) head += `${name}:${value}${eol}`;
  return concatBytes([utf8.encode(`${head}${eol}`), body, Uint8Array.of(0)]);
}

/** Its own ArrayBuffer holding exactly `bytes`: stompjs's `parseChunk` reads a whole ArrayBuffer. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

const SMALL_HEADERS: readonly Header[] = [
  ['destination', '/topic/fx.EURUSD'],
  ['message-id', '42-1'],
  ['subscription', 'sub-0'],
  ['content-type', 'application/json'],
];
const SMALL_BODY = '{"symbol":"EURUSD","bid":1.0842,"ask":1.0844}';
const SMALL_FRAME = wireFrame('MESSAGE', SMALL_HEADERS, utf8.encode(SMALL_BODY));

const LARGE_BODY_BYTES = 1024 * 1024;
const LARGE_FRAME = wireFrame(
  'MESSAGE',
  [
    ['destination', '/queue/blobs'],
    ['message-id', 'msg-large-1'],
    ['subscription', 'sub-1'],
    ['content-type', 'application/octet-stream'],
    ['content-length', String(LARGE_BODY_BYTES)],
  ],
  randomBytes(prng(0x5eed1), LARGE_BODY_BYTES),
);

interface Stream {
  readonly bytes: Uint8Array;
  readonly frames: number;
  readonly heartbeats: number;
}

/** 1,000 MESSAGE, RECEIPT and ERROR frames, small and medium bodies, some heart-beats between. */
function mixedStream(seed: number, count: number): Stream {
  const rand = prng(seed);
  const parts: Uint8Array[] = [];
  let heartbeats = 0;
  for (let i = 0; i < count; i++) {
    const eol = rand() < 0.1 ? '\r\n' : '\n';
    const kind = rand();
    if (kind < 0.6) {
      const medium = rand() < 0.3;
      const size = medium ? randomInt(rand, 1024, 16 * 1024) : randomInt(rand, 16, 400);
      const headers: Header[] = [
        ['destination', `/topic/stream.${randomInt(rand, 0, 99)}`],
        ['message-id', `msg-${seed}-${i}`],
        ['subscription', `sub-${randomInt(rand, 0, 9)}`],
      ];
      let body: Uint8Array;
      if (rand() < 0.5) {
        // Binary, NULs and all, so it needs its length.
        body = randomBytes(rand, size);
        headers.push(['content-type', 'application/octet-stream'], ['content-length', String(size)]);
      } else {
        body = utf8.encode(randomText(rand, size));
        headers.push(['content-type', 'text/plain;charset=utf-8']);
        if (rand() < 0.3) headers.push(['content-length', String(body.length)]);
      }
      parts.push(wireFrame('MESSAGE', headers, body, eol));
    } else if (kind < 0.85) {
      parts.push(wireFrame('RECEIPT', [['receipt-id', `r-${i}`]], new Uint8Array(0), eol));
    } else {
      const body = utf8.encode(`${randomText(rand, randomInt(rand, 20, 600))}`);
      const headers: Header[] = [
        ['message', 'malformed frame received'],
        ['content-type', 'text/plain'],
      ];
      if (rand() < 0.5) headers.push(['content-length', String(body.length)]);
      parts.push(wireFrame('ERROR', headers, body, eol));
    }
    if (rand() < 0.3) {
      const beats = randomInt(rand, 1, 3);
      for (let b = 0; b < beats; b++) parts.push(utf8.encode(rand() < 0.2 ? '\r\n' : '\n'));
      heartbeats += beats;
    }
  }
  return { bytes: concatBytes(parts), frames: count, heartbeats };
}

function cut(bytes: Uint8Array, seed: number, min: number, max: number): ArrayBuffer[] {
  const rand = prng(seed);
  const chunks: ArrayBuffer[] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const size = Math.min(randomInt(rand, min, max), bytes.length - pos);
    chunks.push(ownBuffer(bytes.subarray(pos, pos + size)));
    pos += size;
  }
  return chunks;
}

const STREAM = mixedStream(0xc0ffee, 1000);
/** The same chunks for both sides: stompjs gets the ArrayBuffers, ours views of the same memory. */
const STREAM_BUFFERS = cut(STREAM.bytes, 0xc4a05, 1, 4096);
const STREAM_CHUNKS = STREAM_BUFFERS.map((buffer) => new Uint8Array(buffer));

const SMALL_BUFFER = ownBuffer(SMALL_FRAME);
const LARGE_BUFFER = ownBuffer(LARGE_FRAME);

const SMALL_INIT: FrameInit = { command: 'MESSAGE', headers: SMALL_HEADERS, body: SMALL_BODY };
const SMALL_STOMPJS_HEADERS: StompHeaders = Object.fromEntries(SMALL_HEADERS);

// ---------------------------------------------------------------------------------------------
// Sanity: both sides must read the same frames from the same bytes before anything is timed.

interface Decoded {
  readonly command: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Uint8Array;
}

function decodeOurs(chunks: readonly (Uint8Array | string)[]): { frames: Decoded[]; heartbeats: number } {
  const frames: Decoded[] = [];
  let heartbeats = 0;
  const decoder = new FrameDecoder({
    onFrame: (frame) => frames.push({ ...frame, body: frame.body.slice() }),
    onHeartbeat: () => heartbeats++,
  });
  for (const chunk of chunks) decoder.push(chunk);
  if (!decoder.isIdle) throw new Error('sanity: our decoder stopped inside a frame');
  return { frames, heartbeats };
}

function decodeStompjs(chunks: readonly (ArrayBuffer | string)[]): { frames: Decoded[]; heartbeats: number } {
  const frames: Decoded[] = [];
  let heartbeats = 0;
  const parser = new Parser(
    (raw) => frames.push({ command: raw.command ?? '', headers: raw.headers, body: raw.binaryBody! }),
    () => heartbeats++,
  );
  for (const chunk of chunks) parser.parseChunk(chunk);
  return { frames, heartbeats };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function assertSameFrames(label: string, ours: Decoded[], theirs: Decoded[], ignore: ReadonlySet<string>) {
  if (ours.length !== theirs.length)
    throw new Error(`sanity ${label}: ours decoded ${ours.length} frames, stompjs ${theirs.length}`);
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i]!;
    const b = theirs[i]!;
    if (a.command !== b.command)
      throw new Error(`sanity ${label}: frame ${i} is ${a.command} for ours, ${b.command} for stompjs`);
    const headersA = JSON.stringify(a.headers.filter(([name]) => !ignore.has(name)));
    const headersB = JSON.stringify(b.headers.filter(([name]) => !ignore.has(name)));
    if (headersA !== headersB)
      throw new Error(`sanity ${label}: frame ${i} headers differ: ${headersA} vs ${headersB}`);
    if (a.body.length !== b.body.length)
      throw new Error(
        `sanity ${label}: frame ${i} body is ${a.body.length} bytes for ours, ${b.body.length} for stompjs`,
      );
    if (!sameBytes(a.body, b.body)) throw new Error(`sanity ${label}: frame ${i} bodies differ`);
  }
}

function sanityChecks(): void {
  const none = new Set<string>();
  const small = [decodeOurs([SMALL_FRAME]), decodeStompjs([SMALL_BUFFER])] as const;
  assertSameFrames('decodeSmall', small[0].frames, small[1].frames, none);
  if (small[0].frames.length !== 1) throw new Error('sanity decodeSmall: expected one frame');

  const large = [decodeOurs([LARGE_FRAME]), decodeStompjs([LARGE_BUFFER])] as const;
  assertSameFrames('decodeLarge', large[0].frames, large[1].frames, none);
  if (large[0].frames[0]?.body.length !== LARGE_BODY_BYTES)
    throw new Error('sanity decodeLarge: body is not 1 MiB');

  const ours = decodeOurs(STREAM_CHUNKS);
  const theirs = decodeStompjs(STREAM_BUFFERS);
  assertSameFrames('decodeChunked', ours.frames, theirs.frames, none);
  if (ours.frames.length !== STREAM.frames)
    throw new Error(`sanity decodeChunked: ${ours.frames.length} frames, expected ${STREAM.frames}`);
  if (ours.heartbeats !== STREAM.heartbeats || theirs.heartbeats !== STREAM.heartbeats)
    throw new Error(
      `sanity decodeChunked: heart-beats ours ${ours.heartbeats}, stompjs ${theirs.heartbeats}, expected ${STREAM.heartbeats}`,
    );

  // Each encoder's output, read back by both decoders, is the small frame. stompjs always adds
  // content-length to a non-empty body; ours writes it for text bodies only when asked.
  const encodedOurs = encodeFrame(SMALL_INIT).bytes;
  const encodedStompjs = stompjsMarshallSmall();
  if (typeof encodedStompjs !== 'string')
    throw new Error('sanity encodeSmall: stompjs did not return a string');
  const expected = decodeOurs([SMALL_FRAME]).frames;
  const cl = new Set(['content-length']);
  assertSameFrames('encodeSmall (ours)', decodeOurs([encodedOurs]).frames, expected, none);
  assertSameFrames('encodeSmall (ours)', decodeStompjs([ownBuffer(encodedOurs)]).frames, expected, none);
  assertSameFrames('encodeSmall (stompjs)', decodeOurs([encodedStompjs]).frames, expected, cl);
  assertSameFrames('encodeSmall (stompjs)', decodeStompjs([encodedStompjs]).frames, expected, cl);
  if (encodeFrameToString(SMALL_INIT, { contentLength: true }) !== encodedStompjs)
    throw new Error('sanity encodeSmall: encodeFrameToString with content-length differs from stompjs');
}

function stompjsMarshallSmall(): string | ArrayBuffer {
  return FrameImpl.marshall({
    command: 'MESSAGE',
    headers: SMALL_STOMPJS_HEADERS,
    body: SMALL_BODY,
    escapeHeaderValues: true,
  });
}

// ---------------------------------------------------------------------------------------------
// The work, one function per case and side: run `n` iterations, return a count of what was done.

type Work = (n: number) => number;

interface Case {
  readonly name: string;
  readonly info?: boolean;
  /** Input bytes per iteration, to report MB/s; undefined reports ops/s. */
  readonly bytesPerOp?: number;
  readonly note: string;
  readonly ours: Work;
  readonly oursPerOp: number;
  readonly stompjs: Work;
  readonly stompjsPerOp: number;
}

/** A decoder fed one frame per iteration, as on a long-lived connection; counts frames and body bytes. */
function oursDecodeOne(input: Uint8Array, copyBody = false): Work {
  let frames = 0;
  let bodyBytes = 0;
  const onFrame = copyBody
    ? (frame: Frame) => {
        frames++;
        bodyBytes += frame.body.slice().length;
      }
    : (frame: Frame) => {
        frames++;
        bodyBytes += frame.body.length;
      };
  const decoder = new FrameDecoder({ onFrame });
  return (n) => {
    frames = 0;
    bodyBytes = 0;
    for (let i = 0; i < n; i++) decoder.push(input);
    if (frames !== n) throw new Error(`ours: ${frames} frames for ${n} pushes`);
    return bodyBytes;
  };
}

function stompjsDecodeOne(input: ArrayBuffer): Work {
  let frames = 0;
  let bodyBytes = 0;
  const parser = new Parser(
    (raw: IRawFrameType) => {
      frames++;
      bodyBytes += raw.binaryBody!.length;
    },
    () => {},
  );
  return (n) => {
    frames = 0;
    bodyBytes = 0;
    for (let i = 0; i < n; i++) parser.parseChunk(input);
    if (frames !== n) throw new Error(`stompjs: ${frames} frames for ${n} chunks`);
    return bodyBytes;
  };
}

/** A fresh decoder per pass over the whole chunked stream; counts body bytes, frames and heart-beats. */
function oursDecodeStream(chunks: readonly Uint8Array[]): Work {
  return (n) => {
    let total = 0;
    for (let i = 0; i < n; i++) {
      let frames = 0;
      let heartbeats = 0;
      const decoder = new FrameDecoder({
        onFrame: (frame) => {
          frames++;
          total += frame.body.length;
        },
        onHeartbeat: () => heartbeats++,
      });
      for (let c = 0; c < chunks.length; c++) decoder.push(chunks[c]!);
      if (frames !== STREAM.frames || heartbeats !== STREAM.heartbeats)
        throw new Error(`ours: ${frames} frames and ${heartbeats} heart-beats in the stream`);
    }
    return total;
  };
}

function stompjsDecodeStream(chunks: readonly ArrayBuffer[]): Work {
  return (n) => {
    let total = 0;
    for (let i = 0; i < n; i++) {
      let frames = 0;
      let heartbeats = 0;
      const parser = new Parser(
        (raw) => {
          frames++;
          total += raw.binaryBody!.length;
        },
        () => heartbeats++,
      );
      for (let c = 0; c < chunks.length; c++) parser.parseChunk(chunks[c]!);
      if (frames !== STREAM.frames || heartbeats !== STREAM.heartbeats)
        throw new Error(`stompjs: ${frames} frames and ${heartbeats} heart-beats in the stream`);
    }
    return total;
  };
}

const oursEncodeSmall: Work = (n) => {
  let total = 0;
  for (let i = 0; i < n; i++) total += encodeFrame(SMALL_INIT).bytes.length;
  return total;
};

const oursEncodeSmallString: Work = (n) => {
  let total = 0;
  for (let i = 0; i < n; i++) total += encodeFrameToString(SMALL_INIT, { contentLength: true }).length;
  return total;
};

const stompjsEncodeSmall: Work = (n) => {
  let total = 0;
  for (let i = 0; i < n; i++) total += (stompjsMarshallSmall() as string).length;
  return total;
};

function streamBodyBytes(): number {
  let total = 0;
  for (const frame of decodeOurs(STREAM_CHUNKS).frames) total += frame.body.length;
  return total;
}

function buildCases(): Case[] {
  const smallBodyBytes = utf8.encode(SMALL_BODY).length;
  const encodedOurs = encodeFrame(SMALL_INIT).bytes.length;
  const encodedStompjs = (stompjsMarshallSmall() as string).length;
  const streamBodies = streamBodyBytes();
  return [
    {
      name: 'decodeSmall',
      note: `${SMALL_FRAME.length} B MESSAGE, JSON body, bytes in`,
      ours: oursDecodeOne(SMALL_FRAME),
      oursPerOp: smallBodyBytes,
      stompjs: stompjsDecodeOne(SMALL_BUFFER),
      stompjsPerOp: smallBodyBytes,
    },
    {
      name: 'decodeLarge',
      bytesPerOp: LARGE_FRAME.length,
      note: '1 MiB binary body, one chunk; ours hands out a view',
      ours: oursDecodeOne(LARGE_FRAME),
      oursPerOp: LARGE_BODY_BYTES,
      stompjs: stompjsDecodeOne(LARGE_BUFFER),
      stompjsPerOp: LARGE_BODY_BYTES,
    },
    {
      name: 'decodeLarge+copy',
      info: true,
      bytesPerOp: LARGE_FRAME.length,
      note: 'as above, ours also copies the body out (slice)',
      ours: oursDecodeOne(LARGE_FRAME, true),
      oursPerOp: LARGE_BODY_BYTES,
      stompjs: stompjsDecodeOne(LARGE_BUFFER),
      stompjsPerOp: LARGE_BODY_BYTES,
    },
    {
      name: 'decodeChunked',
      bytesPerOp: STREAM.bytes.length,
      note: `${STREAM.frames} frames + ${STREAM.heartbeats} heart-beats, ${STREAM_CHUNKS.length} chunks of 1..4096 B`,
      ours: oursDecodeStream(STREAM_CHUNKS),
      oursPerOp: streamBodies,
      stompjs: stompjsDecodeStream(STREAM_BUFFERS),
      stompjsPerOp: streamBodies,
    },
    {
      name: 'encodeSmall',
      note: `ours: ${encodedOurs} B Uint8Array; stompjs: ${encodedStompjs}-char string (adds content-length)`,
      ours: oursEncodeSmall,
      oursPerOp: encodedOurs,
      stompjs: stompjsEncodeSmall,
      stompjsPerOp: encodedStompjs,
    },
    {
      name: 'encodeSmall/string',
      info: true,
      note: 'ours: encodeFrameToString + content-length, output identical to stompjs',
      ours: oursEncodeSmallString,
      oursPerOp: encodedStompjs,
      stompjs: stompjsEncodeSmall,
      stompjsPerOp: encodedStompjs,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Harness

function collectGarbage(): void {
  globalThis.gc?.();
}

interface Runner {
  readonly label: string;
  readonly work: Work;
  readonly perOp: number;
  iterations: number;
  readonly samples: number[];
}

/** Times one round of `runner.iterations`, checks its count, and returns ops/s. */
function round(runner: Runner): number {
  const n = runner.iterations;
  const start = performance.now();
  const done = runner.work(n);
  const elapsed = performance.now() - start;
  if (done !== n * runner.perOp)
    throw new Error(`${runner.label}: counted ${done}, expected ${n} × ${runner.perOp}`);
  return (n * 1000) / elapsed;
}

/** Doubles the iteration count until a batch takes CALIBRATION_MS, then scales it to ROUND_MS. */
function calibrate(runner: Runner): void {
  let n = 1;
  for (;;) {
    const start = performance.now();
    const done = runner.work(n);
    const elapsed = performance.now() - start;
    if (done !== n * runner.perOp)
      throw new Error(`${runner.label}: counted ${done}, expected ${n} × ${runner.perOp}`);
    if (elapsed >= CALIBRATION_MS) {
      runner.iterations = Math.max(1, Math.ceil((n * ROUND_MS * 1.1) / elapsed));
      return;
    }
    n *= elapsed < 1 ? 16 : 2;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Result {
  readonly name: string;
  readonly info: boolean;
  readonly note: string;
  readonly bytesPerOp: number | undefined;
  readonly ours: number;
  readonly stompjs: number;
  readonly spread: readonly [number, number];
}

function measure(testCase: Case): Result {
  const runners: Runner[] = [
    {
      label: `${testCase.name}/ours`,
      work: testCase.ours,
      perOp: testCase.oursPerOp,
      iterations: 1,
      samples: [],
    },
    {
      label: `${testCase.name}/stompjs`,
      work: testCase.stompjs,
      perOp: testCase.stompjsPerOp,
      iterations: 1,
      samples: [],
    },
  ];
  for (const runner of runners) {
    collectGarbage();
    calibrate(runner);
    collectGarbage();
    round(runner); // warm-up at full size, not kept
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const runner of runners) {
      collectGarbage();
      runner.samples.push(round(runner));
    }
  }
  const [ours, stompjs] = runners as [Runner, Runner];
  return {
    name: testCase.name,
    info: testCase.info === true,
    note: testCase.note,
    bytesPerOp: testCase.bytesPerOp,
    ours: median(ours.samples),
    stompjs: median(stompjs.samples),
    spread: [relativeSpread(ours.samples), relativeSpread(stompjs.samples)],
  };
}

/** (max - min) / median of the rounds, as a rough noise figure. */
function relativeSpread(samples: readonly number[]): number {
  return (Math.max(...samples) - Math.min(...samples)) / median(samples);
}

// ---------------------------------------------------------------------------------------------
// Report

function formatRate(opsPerSecond: number, bytesPerOp: number | undefined): string {
  if (bytesPerOp === undefined) return `${Math.round(opsPerSecond).toLocaleString('en-US')} ops/s`;
  const mbPerSecond = (opsPerSecond * bytesPerOp) / 1e6;
  const digits = mbPerSecond >= 100 ? 0 : 1;
  return `${mbPerSecond.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} MB/s`;
}

function printTable(results: readonly Result[]): void {
  const header = ['case', 'ours', 'stompjs', 'ratio', 'spread (ours/stompjs)', 'notes'];
  const rows = results.map((result) => [
    result.info ? `${result.name} (info)` : result.name,
    formatRate(result.ours, result.bytesPerOp),
    formatRate(result.stompjs, result.bytesPerOp),
    `${(result.ours / result.stompjs).toFixed(2)}×`,
    `±${(result.spread[0] * 50).toFixed(1)}% / ±${(result.spread[1] * 50).toFixed(1)}%`,
    result.note,
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 1 || i === 2 || i === 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

function main(): void {
  sanityChecks();
  const cases = buildCases();
  console.log(
    `STOMP codec vs @stomp/stompjs 7.5 · node ${process.version} · ${cpus()[0]?.model ?? 'unknown CPU'}` +
      ` · median of ${ROUNDS} rounds ≥ ${ROUND_MS} ms${globalThis.gc ? ', GC between rounds' : ', no --expose-gc'}`,
  );
  console.log(
    `inputs: small frame ${SMALL_FRAME.length} B, large frame ${LARGE_FRAME.length} B, stream ${STREAM.bytes.length} B (MB = 10^6 bytes)`,
  );
  console.log('');
  const results: Result[] = [];
  for (const testCase of cases) {
    collectGarbage();
    results.push(measure(testCase));
  }
  printTable(results);
  console.log('');
  console.log('ratio = ours / stompjs, higher is better; rows marked (info) are not in the JSON line.');
  console.log('stompjs Parser leaves header escapes and command checks to later layers; ours does both.');
  const ratios: Record<string, number> = {};
  for (const result of results) {
    if (!result.info) ratios[result.name] = Math.round((result.ours / result.stompjs) * 100) / 100;
  }
  console.log(
    JSON.stringify({
      decodeSmall: ratios.decodeSmall,
      decodeLarge: ratios.decodeLarge,
      decodeChunked: ratios.decodeChunked,
      encodeSmall: ratios.encodeSmall,
    }),
  );
}

main();
