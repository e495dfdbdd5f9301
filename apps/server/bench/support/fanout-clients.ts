/**
 * The client side of the fan-out benchmarks: N subscribers on one topic and a publisher sending M
 * messages of S bytes, run in a child process so the clients do not share a server's event loop.
 * The publisher sits beside the subscribers so send and receive times come from one clock.
 *
 * `fanout.bench.ts` points publisher and subscribers at one server; `cluster.bench.ts` puts the
 * publisher on one node of a cluster and spreads the subscribers over others.
 */
import type { ChildProcess } from 'node:child_process';
import { type Frame, FrameDecoder, getHeader } from '@stomping-ground/protocol';
import { WebSocket } from 'ws';

export const TOPIC = '/topic/bench';

/** `stomp`: the broker. `bare`: a plain `ws` broadcast server speaking a one-word handshake. */
export type Mode = 'stomp' | 'bare';

export interface FanoutRequest {
  readonly type: 'fanout';
  readonly mode: Mode;
  /** Where the publisher connects. */
  readonly publisherUrl: string;
  /** Where the subscribers connect: subscriber `i` to `subscriberUrls[i % subscriberUrls.length]`. */
  readonly subscriberUrls: readonly string[];
  readonly subscribers: number;
  readonly messages: number;
  readonly size: number;
  /** Messages per second; 0 sends them as fast as the socket takes them. */
  readonly rate: number;
}

export interface FanoutResult {
  /** Distinct messages received, over all subscribers. */
  readonly deliveries: number;
  /** From the first publish to the last delivery. */
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  /** Deliveries that came after a later message from the same publisher: publish order broken. */
  readonly outOfOrder: number;
  /** Deliveries of a message the subscriber already had. */
  readonly duplicates: number;
  /** ERROR frames and connections the server closed during the run, as text. */
  readonly errors: readonly string[];
}

/** Called just before the first publish and just after the last delivery, outside the timed span. */
export interface FanoutHooks {
  beforePublish?(): Promise<void>;
  afterDelivery?(): Promise<void>;
}

/** After the last publish, a run whose deliveries stop for this long is over: the rest are lost. */
const QUIET_MS = 5_000;
/** The longest a run waits for deliveries after the last publish, whatever still trickles in. */
const MAX_WAIT_MS = 60_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SEMICOLON = 0x3b;

/** A body of exactly `size` bytes that starts with its send time and its sequence number. */
function timedBody(size: number, sequence: number): string {
  return `${performance.now().toFixed(4)};${sequence};`.padEnd(size, 'x');
}

function sentAt(body: Uint8Array): number {
  return Number(decoder.decode(body.subarray(0, body.indexOf(SEMICOLON))));
}

function sequenceOf(body: Uint8Array): number {
  let sequence = 0;
  for (let i = body.indexOf(SEMICOLON) + 1; i < body.length && body[i] !== SEMICOLON; i++) {
    sequence = sequence * 10 + (body[i]! - 0x30);
  }
  return sequence;
}

export async function openSocket(url: string, protocols: string[] = ['v12.stomp']): Promise<WebSocket> {
  const socket = new WebSocket(url, protocols);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

/**
 * A STOMP peer that hands every frame to `onFrame` and resolves `next()` for the handshake steps.
 * It logs in as a guest the server mints; `label` names it in errors.
 */
export async function stompPeer(
  url: string,
  label: string,
  heartBeat: string,
  onFrame: (frame: Frame) => void,
) {
  const socket = await openSocket(url);
  let waiting: ((frame: Frame) => void) | undefined;
  const frames = new FrameDecoder({
    onFrame(frame) {
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve(frame);
      } else onFrame(frame);
    },
  });
  socket.on('message', (data: Buffer) => frames.push(data));
  const next = () => new Promise<Frame>((resolve) => (waiting = resolve));
  const connected = next();
  socket.send(`CONNECT\naccept-version:1.2\nhost:bench\nheart-beat:${heartBeat}\n\n\0`);
  const frame = await connected;
  if (frame.command !== 'CONNECTED')
    throw new Error(`CONNECT of ${label} refused: ${getHeader(frame.headers, 'message')}`);
  return { socket, next };
}

export async function runFanout(request: FanoutRequest, hooks: FanoutHooks = {}): Promise<FanoutResult> {
  const { subscribers, messages, size, subscriberUrls, publisherUrl } = request;
  const expected = subscribers * messages;
  const latencies = new Float64Array(expected);
  // One byte per (subscriber, message): whether it arrived, so duplicates are told from reordering.
  const seen = new Uint8Array(expected);
  const lastSequence = new Int32Array(subscribers).fill(-1);
  let deliveries = 0;
  let outOfOrder = 0;
  let duplicates = 0;
  let lastDeliveryAt = 0;
  let running = true;
  const errors: string[] = [];
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => (finished = resolve));

  const record = (subscriber: number, body: Uint8Array) => {
    const now = performance.now();
    const sequence = sequenceOf(body);
    const slot = subscriber * messages + sequence;
    if (seen[slot] === 1) {
      duplicates++;
      return;
    }
    seen[slot] = 1;
    if (sequence < lastSequence[subscriber]!) outOfOrder++;
    else lastSequence[subscriber] = sequence;
    latencies[deliveries++] = now - sentAt(body);
    lastDeliveryAt = now;
    if (deliveries === expected) finished();
  };
  const watchClose = (socket: WebSocket, who: string) =>
    socket.on('close', (code: number) => {
      if (running) errors.push(`${who}: connection closed by the server (${code})`);
    });
  const onError = (who: string, frame: Frame) =>
    errors.push(`${who}: ERROR ${getHeader(frame.headers, 'message') ?? ''}`);

  const sockets: WebSocket[] = [];
  for (let i = 0; i < subscribers; i++) {
    const url = subscriberUrls[i % subscriberUrls.length]!;
    const who = `subscriber ${i}`;
    if (request.mode === 'stomp') {
      const peer = await stompPeer(url, `sub${i}`, '0,0', (frame) => {
        if (frame.command === 'MESSAGE') record(i, frame.body);
        else if (frame.command === 'ERROR') onError(who, frame);
      });
      // The receipt comes once the subscription is in place, on every node of a cluster.
      const subscribed = peer.next();
      peer.socket.send(`SUBSCRIBE\nid:0\ndestination:${TOPIC}\nreceipt:ready\n\n\0`);
      await subscribed;
      watchClose(peer.socket, who);
      sockets.push(peer.socket);
    } else {
      const socket = await openSocket(url);
      const frames = new FrameDecoder({ onFrame: (frame) => record(i, frame.body) });
      socket.on('message', (data: Buffer) => frames.push(data));
      socket.send('subscribe');
      watchClose(socket, who);
      sockets.push(socket);
    }
  }

  let publish: (body: string) => void;
  if (request.mode === 'stomp') {
    const publisher = await stompPeer(publisherUrl, 'publisher', '0,0', (frame) => {
      if (frame.command === 'ERROR') onError('publisher', frame);
    });
    watchClose(publisher.socket, 'publisher');
    sockets.push(publisher.socket);
    publish = (body) =>
      publisher.socket.send(`SEND\ndestination:${TOPIC}\ncontent-type:text/plain\n\n${body}\0`);
  } else {
    // The bytes the broker would deliver: a whole MESSAGE frame, relayed unchanged to everyone.
    const socket = await openSocket(publisherUrl);
    socket.send('publisher');
    sockets.push(socket);
    publish = (body) =>
      socket.send(
        encoder.encode(
          `MESSAGE\nsubscription:0\nmessage-id:1-1\ndestination:${TOPIC}\ncontent-type:text/plain\n\n${body}\0`,
        ),
      );
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  await hooks.beforePublish?.();

  const startedAt = performance.now();
  if (request.rate > 0) {
    // Paced: every 10 ms, publish what the rate allows by then.
    let sent = 0;
    while (sent < messages) {
      const due = Math.min(messages, Math.floor(((performance.now() - startedAt) / 1000) * request.rate) + 1);
      for (; sent < due; sent++) publish(timedBody(size, sent));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } else {
    for (let i = 0; i < messages; i++) {
      publish(timedBody(size, i));
      // Yield now and then so the publisher's own socket keeps writing rather than buffering it all.
      if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  // Wait for every delivery, or until they stop coming: a lost message must not hang the run.
  const publishedAt = performance.now();
  const watchdog = setInterval(() => {
    const now = performance.now();
    if (now - Math.max(lastDeliveryAt, publishedAt) > QUIET_MS || now - publishedAt > MAX_WAIT_MS) finished();
  }, 100);
  await done;
  clearInterval(watchdog);
  await hooks.afterDelivery?.();
  running = false;
  for (const socket of sockets) socket.terminate();

  const measured = latencies.subarray(0, deliveries).sort();
  return {
    deliveries,
    seconds: (lastDeliveryAt - startedAt) / 1000,
    p50: measured[Math.floor(deliveries * 0.5)] ?? Number.NaN,
    p99: measured[Math.floor(deliveries * 0.99)] ?? Number.NaN,
    outOfOrder,
    duplicates,
    errors,
  };
}

/** Sends `request` to a child process and resolves with its next message. */
export function ask<T>(child: ChildProcess, request: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the client process exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (reply) => {
      child.off('exit', onExit);
      resolve(reply as T);
    });
    child.send(request);
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
