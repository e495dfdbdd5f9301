/**
 * A Transport for tests: records what the broker sends, decodes it back into frames with the
 * protocol's own decoder, and lets a test pretend the socket is backed up (`bufferedAmount`).
 */
import {
  encodeFrameToString,
  type Frame,
  FrameDecoder,
  getHeader,
  type StompVersion,
} from '@stomping-ground/protocol';
import type { Broker } from '../../src/core/broker';
import type { Connection, ConnectionInfo, Transport } from '../../src/core/transport';
import { until } from './until';

export interface SentChunk {
  readonly bytes: Uint8Array;
  readonly binary: boolean;
}

export class FakeTransport implements Transport {
  bufferedAmount = 0;
  readonly sent: SentChunk[] = [];
  readonly frames: Frame[] = [];
  heartbeats = 0;
  closedWith: { code: number; reason: string } | undefined;
  connection: Connection | undefined;
  /** Whether the broker has stopped reading this connection (flow control). */
  paused = false;
  /** When false, `close` does not report back (an adapter that never calls `closed()`). */
  reportsClose = true;
  private readonly decoder: FrameDecoder;

  constructor() {
    this.decoder = new FrameDecoder({
      onFrame: (frame) => {
        this.frames.push(frame);
        // Read what follows CONNECTED the way the negotiated version escapes it.
        if (frame.command === 'CONNECTED') {
          this.decoder.version = (getHeader(frame.headers, 'version') ?? '1.0') as StompVersion;
        }
      },
      onHeartbeat: () => {
        this.heartbeats++;
      },
    });
  }

  send(bytes: Uint8Array, binary: boolean): void {
    if (this.closedWith !== undefined) throw new Error('send after close');
    const copy = bytes.slice();
    this.sent.push({ bytes: copy, binary });
    this.decoder.push(copy);
  }

  close(code: number, reason: string): void {
    if (this.closedWith !== undefined) throw new Error('closed twice');
    this.closedWith = { code, reason };
    // A real adapter reports the socket closed a little later.
    if (this.reportsClose) queueMicrotask(() => this.connection?.closed());
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** Frames received, optionally only those of one command. */
  received(command?: string): Frame[] {
    return command === undefined ? this.frames : this.frames.filter((frame) => frame.command === command);
  }
}

/** A client's view of one connection: a fake transport plus the broker's `Connection`. */
export class TestClient {
  readonly transport: FakeTransport;
  readonly connection: Connection;
  version: StompVersion = '1.2';

  constructor(broker: Broker, info: Partial<ConnectionInfo> = {}) {
    this.transport = new FakeTransport();
    this.connection = broker.connect(this.transport, { kind: 'ws', remoteAddress: '127.0.0.1', ...info });
    this.transport.connection = this.connection;
  }

  /** Sends raw text or bytes as they would come off the socket. */
  raw(chunk: string | Uint8Array): void {
    this.connection.receive(chunk);
  }

  /** Encodes and sends one frame, escaped the way this client's version escapes. */
  send(command: Frame['command'], headers: Record<string, string> = {}, body = ''): void {
    this.raw(stomp(command, headers, body, this.version));
  }

  received(command?: string): Frame[] {
    return this.transport.received(command);
  }

  messages(): Frame[] {
    return this.received('MESSAGE');
  }

  /** The bodies of the MESSAGE frames received, as text. */
  bodies(): string[] {
    return this.messages().map((frame) => text(frame.body));
  }

  last(command: string): Frame {
    const frames = this.received(command);
    const frame = frames[frames.length - 1];
    if (frame === undefined)
      throw new Error(`no ${command} received; got ${this.commands().join(', ') || 'nothing'}`);
    return frame;
  }

  commands(): string[] {
    return this.transport.frames.map((frame) => frame.command);
  }

  get closedWith(): { code: number; reason: string } | undefined {
    return this.transport.closedWith;
  }

  /** The ERROR frame's code and receipt-id, and the close code. */
  error(): {
    code: string | undefined;
    message: string | undefined;
    receiptId: string | undefined;
    close: number | undefined;
  } {
    const frame = this.last('ERROR');
    return {
      code: header(frame, 'code'),
      message: header(frame, 'message'),
      receiptId: header(frame, 'receipt-id'),
      close: this.closedWith?.code,
    };
  }
}

export interface ConnectOptions {
  readonly login?: string;
  readonly passcode?: string;
  readonly acceptVersion?: string | undefined;
  readonly heartBeat?: string;
  readonly info?: Partial<ConnectionInfo>;
}

/** Opens a connection, sends CONNECT and waits for the answer. */
export async function connectClient(broker: Broker, options: ConnectOptions = {}): Promise<TestClient> {
  const client = new TestClient(broker, options.info);
  const headers: Record<string, string> = {};
  const acceptVersion = 'acceptVersion' in options ? options.acceptVersion : '1.0,1.1,1.2';
  if (acceptVersion !== undefined) headers['accept-version'] = acceptVersion;
  headers.login = options.login ?? 'guest';
  headers.passcode = options.passcode ?? 'guest';
  headers['heart-beat'] = options.heartBeat ?? '0,0';
  client.send('CONNECT', headers);
  await settle();
  // Claiming or checking a chosen name hashes its passcode off the event loop: wait for the answer.
  const answered = () => client.received('CONNECTED').length + client.received('ERROR').length > 0;
  if (!answered()) await until(answered, 5_000, 'the answer to CONNECT');
  const connected = client.received('CONNECTED')[0];
  if (connected === undefined) throw new Error(`not connected: ${client.commands().join(', ')}`);
  client.version = (header(connected, 'version') ?? '1.0') as StompVersion;
  return client;
}

/** One frame as text. */
export function stomp(
  command: Frame['command'],
  headers: Record<string, string> = {},
  body = '',
  version: StompVersion = '1.2',
): string {
  return encodeFrameToString({ command, headers: Object.entries(headers), body }, { version });
}

/** Lets every pending microtask (authentication, flushes, handler promises) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

export function header(frame: Frame, name: string): string | undefined {
  return getHeader(frame.headers, name);
}

const decoder = new TextDecoder();

export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
