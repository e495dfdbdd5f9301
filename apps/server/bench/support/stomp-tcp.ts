/**
 * A lean STOMP 1.2 client over TCP for the queue benchmark: the same bytes and the same client code
 * against this broker and against RabbitMQ's STOMP plugin, so the comparison is of the brokers.
 */
import { type Socket, connect as tcpConnect } from 'node:net';
import { encodeFrame, type Frame, FrameDecoder, type FrameInit, getHeader } from '@stomping-ground/protocol';

export class StompTcpClient {
  private readonly socket: Socket;
  private readonly decoder: FrameDecoder;
  private readonly receipts = new Map<string, () => void>();
  private nextReceipt = 0;
  private failure: Error | undefined;
  /** Called for each MESSAGE. */
  onMessage: (frame: Frame) => void = () => {};

  private constructor(socket: Socket) {
    this.socket = socket;
    this.decoder = new FrameDecoder(
      {
        onFrame: (frame) => this.onFrame(frame),
        onHeartbeat: () => {},
      },
      { version: '1.2' },
    );
    socket.on('data', (chunk) => this.decoder.push(chunk));
  }

  /** Connects and logs in; `host` is the virtual host RabbitMQ wants (`/`). */
  static async connect(port: number, login = 'guest', passcode = 'guest'): Promise<StompTcpClient> {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new StompTcpClient(socket);
    const connected = new Promise<void>((resolve, reject) => {
      client.connectedWaiter = { resolve, reject };
    });
    client.send({
      command: 'CONNECT',
      headers: [
        ['accept-version', '1.2'],
        ['host', '/'],
        ['login', login],
        ['passcode', passcode],
        ['heart-beat', '0,0'],
      ],
    });
    await connected;
    return client;
  }

  private connectedWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined;

  send(frame: FrameInit): void {
    if (this.failure !== undefined) throw this.failure;
    this.socket.write(encodeFrame(frame, { version: '1.2' }).bytes);
  }

  /** Sends the frame with a fresh `receipt` header; resolves on its RECEIPT. */
  request(frame: FrameInit): Promise<void> {
    const receipt = `r${++this.nextReceipt}`;
    const done = new Promise<void>((resolve) => this.receipts.set(receipt, resolve));
    this.send({ ...frame, headers: [...(frame.headers ?? []), ['receipt', receipt]] });
    return done;
  }

  close(): void {
    this.socket.destroy();
  }

  private onFrame(frame: Frame): void {
    switch (frame.command) {
      case 'CONNECTED':
        this.connectedWaiter?.resolve();
        return;
      case 'MESSAGE':
        this.onMessage(frame);
        return;
      case 'RECEIPT': {
        const id = getHeader(frame.headers, 'receipt-id') ?? '';
        const resolve = this.receipts.get(id);
        this.receipts.delete(id);
        resolve?.();
        return;
      }
      case 'ERROR': {
        const text = new TextDecoder().decode(frame.body);
        this.failure = new Error(`ERROR ${getHeader(frame.headers, 'message') ?? ''}: ${text}`);
        this.connectedWaiter?.reject(this.failure);
        console.error(this.failure.message);
        return;
      }
      default:
        return;
    }
  }
}
