/**
 * A raw STOMP peer for tests: sends exact bytes over WebSocket or TCP and decodes what comes back
 * with the protocol package's decoder, so tests see the wire as it is.
 */
import { type Socket, connect as tcpConnect } from 'node:net';
import {
  encodeFrame,
  type Frame,
  FrameDecoder,
  type FrameInit,
  getHeader,
  type StompVersion,
} from '@stomping-ground/protocol';
import { WebSocket } from 'ws';

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/** Stops and restarts reading from the socket, so that the peer's writes back up (a slow reader). */
interface Flow {
  pause(): void;
  resume(): void;
}

export interface ReceivedMessage {
  readonly data: Uint8Array;
  readonly binary: boolean;
}

export class StompProbe {
  readonly frames: Frame[] = [];
  readonly messages: ReceivedMessage[] = [];
  heartbeats = 0;
  readonly closed: Promise<Closed>;
  private readonly decoder: FrameDecoder;
  private waiters: Array<() => void> = [];
  private isClosed = false;
  private taken = 0;

  private constructor(
    private readonly write: (data: Uint8Array | string) => void,
    private readonly end: () => void,
    private readonly flow: Flow,
    closed: Promise<Closed>,
    /** The subprotocol the server chose ('' over TCP or when none was agreed). */
    readonly protocol: string,
  ) {
    this.decoder = new FrameDecoder(
      {
        onFrame: (frame) => {
          this.frames.push({ ...frame, body: frame.body.slice() });
          this.wake();
        },
        onHeartbeat: () => {
          this.heartbeats++;
          this.wake();
        },
      },
      { version: '1.0' },
    );
    this.closed = closed.then((value) => {
      this.isClosed = true;
      this.wake();
      return value;
    });
  }

  static async ws(url: string, options: { protocols?: string[]; origin?: string } = {}): Promise<StompProbe> {
    const socket = new WebSocket(url, options.protocols ?? ['v12.stomp'], {
      ...(options.origin ? { origin: options.origin } : {}),
    });
    const closed = new Promise<Closed>((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    // A message can arrive in the same chunk as the handshake's answer, before `open` is awaited.
    let probe: StompProbe | undefined;
    const early: Array<{ data: Buffer; binary: boolean }> = [];
    const take = (target: StompProbe, data: Buffer, binary: boolean) => {
      target.messages.push({ data: new Uint8Array(data), binary });
      target.receive(data);
    };
    socket.on('message', (data: Buffer, binary) => {
      if (probe === undefined) early.push({ data, binary });
      else take(probe, data, binary);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const opened = new StompProbe(
      (data) => socket.send(data),
      () => socket.close(),
      socket,
      closed,
      socket.protocol,
    );
    probe = opened;
    for (const { data, binary } of early) take(opened, data, binary);
    return opened;
  }

  static async tcp(port: number): Promise<StompProbe> {
    const socket: Socket = tcpConnect(port, '127.0.0.1');
    // Each write leaves at once, so a test that writes in pieces is read in pieces.
    socket.setNoDelay(true);
    const closed = new Promise<Closed>((resolve) =>
      socket.on('close', () => resolve({ code: 0, reason: '' })),
    );
    socket.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const probe = new StompProbe(
      (data) => socket.write(data),
      () => socket.end(),
      socket,
      closed,
      '',
    );
    socket.on('data', (chunk) => probe.receive(chunk));
    return probe;
  }

  /** Reads frames with this version's escaping (set it once CONNECTED says which). */
  set version(version: StompVersion) {
    this.decoder.version = version;
  }

  sendRaw(data: Uint8Array | string): void {
    this.write(data);
  }

  send(frame: FrameInit, version: StompVersion = '1.2'): void {
    this.write(encodeFrame(frame, { version }).bytes);
  }

  async connect(headers: Array<[string, string]> = [], acceptVersion = '1.2'): Promise<Frame> {
    this.send({
      command: 'CONNECT',
      headers: [['accept-version', acceptVersion], ['host', 'localhost'], ...headers],
    });
    const frame = await this.nextFrame();
    const version = getHeader(frame.headers, 'version');
    if (version === '1.0' || version === '1.1' || version === '1.2') this.version = version;
    return frame;
  }

  /** The next frame not yet taken, waiting up to `timeoutMs`. */
  async nextFrame(timeoutMs = 5_000): Promise<Frame> {
    await this.waitFor(() => this.taken < this.frames.length, timeoutMs, 'a frame');
    return this.frames[this.taken++]!;
  }

  /** Waits until `predicate` holds, re-checking whenever something arrives. */
  async waitFor(predicate: () => boolean, timeoutMs = 5_000, what = 'a condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (this.isClosed && !predicate()) throw new Error(`connection closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.end();
  }

  /** Stops reading: what the server sends piles up in the kernel's buffers, then in the server's. */
  pause(): void {
    this.flow.pause();
  }

  resume(): void {
    this.flow.resume();
  }

  private receive(chunk: Uint8Array): void {
    this.decoder.push(chunk);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
