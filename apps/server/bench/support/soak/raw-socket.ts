/**
 * The attacker's sockets: STOMP over raw TCP, and STOMP over a WebSocket whose frames are written
 * by hand on a plain TCP socket.
 *
 * A polite client (`ws`) cannot be made to misbehave the ways an attacker does: it always answers a
 * close frame, costs microseconds of JavaScript per message (so a client sending one byte per
 * message would measure itself, not the server) and ends its side when the server ends its own.
 * Here every socket is opened with `allowHalfOpen`, so it keeps its side open after the server's
 * FIN, and a WebSocket message is a few bytes we lay out ourselves (RFC 6455, section 5.2), many of
 * them in one write.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { type Frame, FrameDecoder } from '@stomping-ground/protocol';

export type TransportKind = 'ws' | 'tcp';

export interface Endpoint {
  readonly host: string;
  readonly wsPort: number;
  readonly tcpPort: number;
}

const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const OPCODE_CLOSE = 0x8;

/** Frame limits far above the server's: the attacker reads what the server sends, whatever its size. */
const READ_LIMITS = {
  maxFrameBytes: 64 * 1024 * 1024,
  maxBodyBytes: 64 * 1024 * 1024,
  maxHeaderLineBytes: 1024 * 1024,
};

/**
 * One client-to-server WebSocket frame: FIN set, masked as RFC 6455 (section 5.3) requires of a
 * client, with the all-zero key so the payload goes out as it is (the server cannot tell).
 */
export function webSocketFrame(payload: Uint8Array, opcode: number = OPCODE_BINARY): Buffer {
  return Buffer.concat([webSocketFrameHeader(payload.length, opcode), payload]);
}

/** The header of a frame announcing `length` payload bytes, which may then come in any pieces. */
export function webSocketFrameHeader(length: number, opcode: number = OPCODE_BINARY): Buffer {
  const fin = 0x80 | opcode;
  if (length < 126) return Buffer.from([fin, 0x80 | length, 0, 0, 0, 0]);
  if (length < 0x10000) {
    const header = Buffer.alloc(8);
    header[0] = fin;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.alloc(14);
  header[0] = fin;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}

/** `count` WebSocket messages of one byte each (`byte`), back to back: 7 bytes on the wire apiece. */
export function oneByteMessages(count: number, byte: number): Buffer {
  const one = webSocketFrame(Uint8Array.of(byte), OPCODE_TEXT);
  const batch = Buffer.alloc(one.length * count);
  for (let i = 0; i < count; i++) one.copy(batch, i * one.length);
  return batch;
}

/**
 * A connection as the attacker holds it: bytes out (as WebSocket messages or TCP writes), STOMP
 * frames in, and what the server did to it. It never closes its side unless told to.
 */
export class HostileConnection {
  readonly frames: Frame[] = [];
  /** The server sent a WebSocket close frame (its code), or ended its side of the TCP stream. */
  closeCode: number | undefined;
  endedByServer = false;
  /** The socket is gone (destroyed by either side). */
  closed = false;
  private readonly decoder = new FrameDecoder(
    { onFrame: (frame) => this.onFrame(frame) },
    { limits: READ_LIMITS },
  );
  private readonly waiters = new Set<() => void>();
  private inbound: Buffer = Buffer.alloc(0);

  private constructor(
    readonly kind: TransportKind,
    readonly socket: Socket,
  ) {
    socket.on('end', () => {
      this.endedByServer = true;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    // Resets and write errors are what a hostile client gets; they end up as `closed`.
    socket.on('error', () => {});
  }

  /** Opens a TCP connection (and, for `ws`, the WebSocket handshake on it). Rejects when refused. */
  static async open(
    kind: TransportKind,
    endpoint: Endpoint,
    localAddress?: string,
  ): Promise<HostileConnection> {
    const socket = connect({
      host: endpoint.host,
      port: kind === 'ws' ? endpoint.wsPort : endpoint.tcpPort,
      allowHalfOpen: true,
      noDelay: true,
      ...(localAddress === undefined ? {} : { localAddress }),
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    socket.removeAllListeners('error');
    if (kind === 'ws') {
      const rest = await handshake(socket, endpoint);
      const connection = new HostileConnection(kind, socket);
      socket.on('data', (chunk: Buffer) => connection.readWebSocket(chunk));
      if (rest.length > 0) connection.readWebSocket(rest);
      return connection;
    }
    const connection = new HostileConnection(kind, socket);
    socket.on('data', (chunk: Buffer) => connection.readStomp(chunk));
    return connection;
  }

  /** Whether the server has let go of this connection in any way. */
  get refusedOrClosed(): boolean {
    return this.closed || this.endedByServer || this.closeCode !== undefined;
  }

  /** Sends `bytes` as one WebSocket message, or as one TCP write. False: the socket is full (await `drained`). */
  send(bytes: Uint8Array | string): boolean {
    const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    return this.writeRaw(this.kind === 'ws' ? webSocketFrame(data) : data);
  }

  /** Writes bytes as they are (pre-built WebSocket frames, or raw STOMP over TCP). */
  writeRaw(bytes: Uint8Array): boolean {
    if (this.closed || this.socket.destroyed) return true;
    return this.socket.write(bytes);
  }

  /** Resolves once the socket can take more, is gone, or `timeoutMs` has passed. */
  drained(timeoutMs = Number.POSITIVE_INFINITY): Promise<void> {
    if (this.closed || !this.socket.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = Number.isFinite(timeoutMs) ? setTimeout(done, timeoutMs) : undefined;
      const socket = this.socket;
      function done() {
        clearTimeout(timer);
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      }
      socket.once('drain', done);
      socket.once('close', done);
    });
  }

  /** Resolves when `condition` holds, the socket is gone, or `timeoutMs` passes; returns `condition()`. */
  async until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, timeoutMs);
      const check = () => {
        if (condition() || this.closed) finish();
      };
      function finish() {
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      }
      const waiters = this.waiters;
      waiters.add(check);
    });
    return condition();
  }

  /** Sends CONNECT and waits for the answer: the CONNECTED or ERROR frame, or `undefined`. */
  async login(
    headers: ReadonlyArray<readonly [string, string]>,
    timeoutMs = 5_000,
  ): Promise<Frame | undefined> {
    const lines = headers.map(([name, value]) => `${name}:${value}\n`).join('');
    this.send(`CONNECT\naccept-version:1.2\nhost:soak\n${lines}\n\0`);
    await this.until(() => this.answer() !== undefined, timeoutMs);
    return this.answer();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private answer(): Frame | undefined {
    return this.frames.find((frame) => frame.command === 'CONNECTED' || frame.command === 'ERROR');
  }

  private onFrame(frame: Frame): void {
    // Keep what identifies the frame; bodies are not needed and would pin memory.
    this.frames.push({ command: frame.command, headers: frame.headers, body: new Uint8Array(0) });
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private readStomp(chunk: Uint8Array): void {
    try {
      this.decoder.push(chunk);
    } catch {
      // A server frame we cannot read: nothing an attacker needs.
    }
  }

  /** Server-to-client frames are never masked (RFC 6455, section 5.1); ws never fragments them. */
  private readWebSocket(chunk: Buffer): void {
    this.inbound = this.inbound.length === 0 ? chunk : Buffer.concat([this.inbound, chunk]);
    for (;;) {
      const buffer = this.inbound;
      if (buffer.length < 2) return;
      const opcode = buffer[0]! & 0x0f;
      let length = buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffer.length < offset + length) return;
      const payload = buffer.subarray(offset, offset + length);
      this.inbound = buffer.subarray(offset + length);
      if (opcode === OPCODE_CLOSE) {
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.wake();
      } else if (opcode === OPCODE_TEXT || opcode === OPCODE_BINARY || opcode === 0) {
        this.readStomp(payload);
      }
    }
  }
}

/** The opening handshake (RFC 6455, section 4.1), offering STOMP 1.2; no Origin, as a native client. */
async function handshake(socket: Socket, endpoint: Endpoint): Promise<Buffer> {
  socket.write(
    `GET /ws HTTP/1.1\r\nHost: ${endpoint.host}:${endpoint.wsPort}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
      'Sec-WebSocket-Protocol: v12.stomp\r\n\r\n',
  );
  let received = Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      cleanup();
      socket.destroy();
      reject(new Error(reason));
    };
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) {
        if (received.length > 16 * 1024) fail('no end to the handshake response');
        return;
      }
      const status = received.subarray(0, received.indexOf('\r\n')).toString();
      if (!/^HTTP\/1\.1 101 /.test(status)) return fail(`handshake refused: ${status}`);
      cleanup();
      resolve(received.subarray(end + 4));
    };
    const onClose = () => fail('closed during the handshake');
    const onError = (error: Error) => fail(`handshake failed: ${error.message}`);
    const timer = setTimeout(() => fail('no handshake response within 10 s'), 10_000);
    function cleanup() {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
    }
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onError);
  });
}
