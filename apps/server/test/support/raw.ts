/**
 * Helpers for tests that talk raw STOMP to the real server through `StompProbe`: opening probes on
 * either transport (and closing them afterwards), logging in, subscribing with a receipt, and
 * reading the ERROR that ends a session.
 */
import { until } from '@stomping-ground/broker/testing';
import { type Frame, getHeader } from '@stomping-ground/protocol';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { ServerConfig } from '../../src/config';
import { type RunningServer, startServer } from './app';
import { type Closed, StompProbe } from './probe';

export { until };

export type TransportKind = 'ws' | 'tcp';
export const TRANSPORTS: readonly TransportKind[] = ['ws', 'tcp'];

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function header(frame: Frame, name: string): string | undefined {
  return getHeader(frame.headers, name);
}

export function text(frame: Frame): string {
  return strictUtf8.decode(frame.body);
}

/** Opens probes and closes every one of them at the end of a test (call `closeAll` in `afterEach`). */
export class ProbePool {
  private readonly open: StompProbe[] = [];

  constructor(private readonly server: () => RunningServer) {}

  async probe(kind: TransportKind): Promise<StompProbe> {
    const server = this.server();
    const probe = kind === 'ws' ? await StompProbe.ws(server.wsUrl) : await StompProbe.tcp(server.tcpPort);
    this.open.push(probe);
    return probe;
  }

  /** A probe logged in as `login`, with `passcode` (`null`: none, which the broker refuses for any name). */
  async client(kind: TransportKind, login = 'guest', passcode: string | null = 'guest'): Promise<StompProbe> {
    const probe = await this.probe(kind);
    await connect(probe, login, passcode);
    return probe;
  }

  async closeAll(): Promise<void> {
    const probes = this.open.splice(0);
    for (const probe of probes) probe.close();
    await Promise.all(probes.map((probe) => within(probe.closed, 5_000, 'a probe to close')));
  }
}

/**
 * The usual set-up of a file of raw tests: one real server for the file, a probe pool emptied after
 * each test, and names no other test uses.
 */
export function useServerAndProbes(overrides: Partial<ServerConfig> = {}) {
  let server: RunningServer | undefined;
  let counter = 0;
  const running = (): RunningServer => {
    if (server === undefined) throw new Error('the server starts in beforeAll');
    return server;
  };
  const pool = new ProbePool(running);
  beforeAll(async () => {
    server = await startServer(overrides);
  });
  afterEach(() => pool.closeAll());
  afterAll(async () => {
    await server?.close();
  });
  return {
    server: running,
    pool,
    /** `prefix` followed by a number no other call in this file returns. */
    unique: (prefix: string) => `${prefix}${++counter}`,
  };
}

export async function connect(probe: StompProbe, login: string, passcode: string | null): Promise<Frame> {
  const headers: Array<[string, string]> = [['login', login]];
  if (passcode !== null) headers.push(['passcode', passcode]);
  const connected = await probe.connect(headers);
  expect(connected.command).toBe('CONNECTED');
  return connected;
}

let receipts = 0;
/** RECEIPTs already awaited by `sendWithReceipt`, which `nextFrame` steps over. */
const awaited = new WeakSet<Frame>();

/**
 * Sends `frame` with a fresh `receipt` header and waits for its RECEIPT. Frames that come before it
 * (a queue's messages handed to a new subscriber, say) stay unread, for `nextFrame`.
 */
export async function sendWithReceipt(
  probe: StompProbe,
  command: Frame['command'],
  headers: Array<[string, string]>,
  body?: string | Uint8Array,
): Promise<void> {
  const receipt = `receipt-${++receipts}`;
  probe.send({
    command,
    headers: [...headers, ['receipt', receipt]],
    ...(body === undefined ? {} : { body }),
  });
  let answer: Frame | undefined;
  await probe.waitFor(
    () => {
      answer = probe.frames.find(
        (frame) =>
          frame.command === 'ERROR' ||
          (frame.command === 'RECEIPT' && header(frame, 'receipt-id') === receipt),
      );
      return answer !== undefined;
    },
    5_000,
    `the RECEIPT for ${command} ${JSON.stringify(headers)}`,
  );
  expect(answer?.command, `the answer to ${command}: ${JSON.stringify(answer?.headers)}`).toBe('RECEIPT');
  awaited.add(answer!);
}

/** The probe's next frame, stepping over RECEIPTs `sendWithReceipt` already took. */
export async function nextFrame(probe: StompProbe, timeoutMs?: number): Promise<Frame> {
  for (;;) {
    const frame = await probe.nextFrame(timeoutMs);
    if (!awaited.has(frame)) return frame;
  }
}

export function subscribe(
  probe: StompProbe,
  id: string,
  destination: string,
  ack?: 'auto' | 'client' | 'client-individual',
): Promise<void> {
  const headers: Array<[string, string]> = [
    ['id', id],
    ['destination', destination],
  ];
  if (ack !== undefined) headers.push(['ack', ack]);
  return sendWithReceipt(probe, 'SUBSCRIBE', headers);
}

/** The next frame, which must be a MESSAGE. */
export async function nextMessage(probe: StompProbe, timeoutMs?: number): Promise<Frame> {
  const frame = await nextFrame(probe, timeoutMs);
  expect(frame.command, `expected a MESSAGE, got ${frame.command} ${JSON.stringify(frame.headers)}`).toBe(
    'MESSAGE',
  );
  return frame;
}

export interface ExpectedError {
  readonly code: string;
  /** The WebSocket close code; not checked over TCP, which has none. */
  readonly close: number;
  /** The `receipt-id` the ERROR must carry; absent means it must carry none. */
  readonly receiptId?: string | undefined;
}

/**
 * Reads the next frame, which must be an ERROR ending the session: a `message`, the `code`, the
 * `receipt-id` when expected, a readable body; then the connection closes with nothing after it.
 */
export async function expectSessionError(
  probe: StompProbe,
  kind: TransportKind,
  expected: ExpectedError,
): Promise<Frame> {
  const error = await nextFrame(probe);
  expect(error.command, `expected an ERROR, got ${JSON.stringify(error.headers)}`).toBe('ERROR');
  expect(header(error, 'code')).toBe(expected.code);
  expect(header(error, 'message')?.trim()).toBeTruthy();
  expect(header(error, 'receipt-id')).toBe(expected.receiptId);
  expect(header(error, 'content-type')).toMatch(/^text\/plain/);
  expect(text(error).trim()).not.toBe('');
  const closed: Closed = await within(probe.closed, 5_000, 'the server to close the connection');
  if (kind === 'ws') expect(closed.code).toBe(expected.close);
  expect(probe.frames.at(-1)).toBe(error);
  return error;
}

/** `promise`, or a rejection naming `what` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
