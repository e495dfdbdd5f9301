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
 * Harness: before any timing, both sides must decode the same frames from the same bytes. Then each
 * case runs in a fresh child process (see `measureInChild`). There, per side, the iteration count is
 * calibrated so that a round lasts at least ROUND_MS and one untimed round warms up; then ROUNDS
 * timed rounds alternate between the two sides, with a GC before each, and the median is kept. Every
 * round's work is counted (frames, body bytes, output length) and checked against what one
 * iteration must produce, so none of it can be optimised away.
 *
 * One case by hand: node --expose-gc --import tsx bench/codec.bench.ts --case decodeSmall
 *
 * The last line of stdout is a JSON object of speed ratios, ours divided by stompjs's (higher is
 * better), rounded to two decimals.
 */
import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
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
const CHILD_FLAG = '--case';

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
  readonly bodyBytes: number;
}

/** 1,000 MESSAGE, RECEIPT and ERROR frames, small and medium bodies, some heart-beats between. */
function mixedStream(seed: number, count: number): Stream {
  const rand = prng(seed);
  const parts: Uint8Array[] = [];
  let heartbeats = 0;
  let bodyBytes = 0;
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
      bodyBytes += body.length;
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
      bodyBytes += body.length;
    }
    if (rand() < 0.3) {
      const beats = randomInt(rand, 1, 3);
      for (let b = 0; b < beats; b++) parts.push(utf8.encode(rand() < 0.2 ? '\r\n' : '\n'));
      heartbeats += beats;
    }
  }
  return { bytes: concatBytes(parts), frames: count, heartbeats, bodyBytes };
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
// Each frame is reduced to a digest as it arrives, so no decoded object outlives its callback: had
// the checks kept thousands of frames alive, V8 would learn to allocate frames straight into the old
// generation (allocation-site pretenuring), and that would slow both sides in every later case.

interface Digests {
  readonly frames: string[];
  heartbeats: number;
}

function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}

function digest(
  command: string | undefined,
  headers: readonly (readonly [string, string])[],
  body: Uint8Array,
  ignore: ReadonlySet<string>,
): string {
  const kept = headers.filter(([name]) => !ignore.has(name));
  return `${command} ${JSON.stringify(kept)} body ${body.length} B fnv1a ${fnv1a(body).toString(16)}`;
}

const NO_HEADERS = new Set<string>();

function decodeOurs(chunks: readonly (Uint8Array | string)[], ignore = NO_HEADERS): Digests {
  const out: Digests = { frames: [], heartbeats: 0 };
  const decoder = new FrameDecoder({
    onFrame: (frame) => out.frames.push(digest(frame.command, frame.headers, frame.body, ignore)),
    onHeartbeat: () => out.heartbeats++,
  });
  for (const chunk of chunks) decoder.push(chunk);
  if (!decoder.isIdle) throw new Error('sanity: our decoder stopped inside a frame');
  return out;
}

/** stompjs's Parser swallows errors thrown by its frame callback, so failures surface after it returns. */
function decodeStompjs(chunks: readonly (ArrayBuffer | string)[], ignore = NO_HEADERS): Digests {
  const out: Digests = { frames: [], heartbeats: 0 };
  const parser = new Parser(
    (raw) => out.frames.push(digest(raw.command, raw.headers, raw.binaryBody ?? new Uint8Array(0), ignore)),
    () => out.heartbeats++,
  );
  for (const chunk of chunks) parser.parseChunk(chunk);
  return out;
}

function assertSame(label: string, a: Digests, b: Digests, frames: number, heartbeats = 0): void {
  if (a.frames.length !== frames || b.frames.length !== frames)
    throw new Error(`sanity ${label}: ${a.frames.length} and ${b.frames.length} frames, expected ${frames}`);
  if (a.heartbeats !== heartbeats || b.heartbeats !== heartbeats)
    throw new Error(
      `sanity ${label}: ${a.heartbeats} and ${b.heartbeats} heart-beats, expected ${heartbeats}`,
    );
  const i = a.frames.findIndex((frame, index) => frame !== b.frames[index]);
  if (i !== -1)
    throw new Error(
      `sanity ${label}: frame ${i} differs:\n  ${a.frames[i]}\n  ${b.frames[i]}`.slice(0, 2000),
    );
}

function sanityChecks(): void {
  assertSame('decodeSmall', decodeOurs([SMALL_FRAME]), decodeStompjs([SMALL_BUFFER]), 1);
  const large = decodeOurs([LARGE_FRAME]);
  assertSame('decodeLarge', large, decodeStompjs([LARGE_BUFFER]), 1);
  if (!large.frames[0]!.includes(`body ${LARGE_BODY_BYTES} B`))
    throw new Error('sanity decodeLarge: the body is not 1 MiB');
  assertSame(
    'decodeChunked',
    decodeOurs(STREAM_CHUNKS),
    decodeStompjs(STREAM_BUFFERS),
    STREAM.frames,
    STREAM.heartbeats,
  );
  // The stream read whole must give what its chunks gave.
  assertSame(
    'decodeChunked (whole)',
    decodeOurs(STREAM_CHUNKS),
    decodeOurs([STREAM.bytes]),
    STREAM.frames,
    STREAM.heartbeats,
  );

  // Each encoder's output, read back by both decoders, is the small frame. stompjs always adds
  // content-length to a non-empty body; ours writes it for a text body only when asked.
  const encodedOurs = encodeFrame(SMALL_INIT).bytes;
  const encodedStompjs = stompjsMarshallSmall();
  if (typeof encodedStompjs !== 'string')
    throw new Error('sanity encodeSmall: stompjs did not return a string');
  const cl = new Set(['content-length']);
  const expected = decodeOurs([SMALL_FRAME], cl);
  assertSame('encodeSmall (ours, read by ours)', decodeOurs([encodedOurs]), decodeOurs([SMALL_FRAME]), 1);
  assertSame('encodeSmall (ours, read by stompjs)', decodeStompjs([ownBuffer(encodedOurs)]), expected, 1);
  assertSame('encodeSmall (stompjs, read by ours)', decodeOurs([encodedStompjs], cl), expected, 1);
  assertSame('encodeSmall (stompjs, read by stompjs)', decodeStompjs([encodedStompjs], cl), expected, 1);
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

function buildCases(): Case[] {
  const smallBodyBytes = utf8.encode(SMALL_BODY).length;
  const encodedOurs = encodeFrame(SMALL_INIT).bytes.length;
  const encodedStompjs = (stompjsMarshallSmall() as string).length;
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
      oursPerOp: STREAM.bodyBytes,
      stompjs: stompjsDecodeStream(STREAM_BUFFERS),
      stompjsPerOp: STREAM.bodyBytes,
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

/**
 * Each case runs in a fresh process. What one case teaches V8 (type feedback, which allocation
 * sites to pretenure, heap sizing) would otherwise carry into the next and make results depend on
 * the order of cases: decoding the large frame and the stream first was seen to halve both sides'
 * decodeSmall.
 */
function measureInChild(name: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, name], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: Result | undefined;
    child.on('message', (message) => {
      result = message as Result;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`case ${name} failed (exit code ${code})`));
    });
  });
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
  const header = ['case', 'ours', 'stompjs', 'ratio', 'noise (ours/stompjs)', 'notes'];
  const rows = results.map((result) => [
    result.info ? `${result.name} (info)` : result.name,
    formatRate(result.ours, result.bytesPerOp),
    formatRate(result.stompjs, result.bytesPerOp),
    `${(result.ours / result.stompjs).toFixed(2)}x`,
    `±${(result.spread[0] * 50).toFixed(1)}% / ±${(result.spread[1] * 50).toFixed(1)}%`,
    result.note,
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const numeric = new Set([1, 2, 3]);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  sanityChecks();
  console.log(
    `STOMP codec vs @stomp/stompjs 7.5 · node ${process.version} · ${cpus()[0]?.model ?? 'unknown CPU'}` +
      ` · each case in its own process · median of ${ROUNDS} alternating rounds ≥ ${ROUND_MS} ms` +
      (globalThis.gc ? ' · GC before each round' : ' · no --expose-gc'),
  );
  console.log(
    `inputs: small frame ${SMALL_FRAME.length} B, large frame ${LARGE_FRAME.length} B, ` +
      `stream ${STREAM.bytes.length} B in ${STREAM_CHUNKS.length} chunks (MB = 10^6 bytes)`,
  );
  console.log('');
  const results: Result[] = [];
  for (const testCase of buildCases()) results.push(await measureInChild(testCase.name));
  printTable(results);
  console.log('');
  console.log('ratio = ours / stompjs, higher is better; (info) rows are not in the JSON line.');
  console.log('noise = half the spread between the fastest and slowest round, relative to the median.');
  console.log(
    "stompjs's Parser leaves header unescaping and command checks to later layers; ours does both.",
  );
  const ratio = (name: string) => {
    const result = results.find((candidate) => candidate.name === name)!;
    return Math.round((result.ours / result.stompjs) * 100) / 100;
  };
  console.log(
    JSON.stringify({
      decodeSmall: ratio('decodeSmall'),
      decodeLarge: ratio('decodeLarge'),
      decodeChunked: ratio('decodeChunked'),
      encodeSmall: ratio('encodeSmall'),
    }),
  );
}

function child(name: string): void {
  const testCase = buildCases().find((candidate) => candidate.name === name);
  if (!testCase) throw new Error(`no case named ${name}`);
  const result = measure(testCase);
  // Run by hand (`… codec.bench.ts --case decodeSmall`), there is no parent: print the result.
  if (process.send) process.send(result);
  else console.log(JSON.stringify(result));
}

if (process.argv[2] === CHILD_FLAG) child(process.argv[3] ?? '');
else await main();
