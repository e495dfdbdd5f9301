/**
 * The people the attacks must not hurt, in a process of their own: a publisher of a numbered
 * stream on `STREAM_TOPIC`, and one reader of it per transport, each a well-behaved client with
 * heart-beats, reading as fast as it can. A reader the server drops reconnects and reads on; every
 * number it never saw is a gap.
 */
import { randomBytes } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { type Frame, FrameDecoder, getHeader } from '@stomping-ground/protocol';
import { WebSocket } from 'ws';
import type { Endpoint, TransportKind } from './raw-socket';
import { STREAM_TOPIC } from './settings';

const BYSTANDER_ADDRESS = '127.0.0.1';
const HEARTBEAT_MS = 10_000;
const STREAM_BODY_BYTES = 64;
/** Big enough for the legal large messages of the soak, as a real client's would be. */
const READ_LIMITS = { maxFrameBytes: 64 * 1024 * 1024, maxBodyBytes: 64 * 1024 * 1024 };
const BIG_BODY = 1024 * 1024;
const S = 0x73;
const F = 0x66;
const SEMICOLON = 0x3b;

const decoder = new TextDecoder();

/** A polite STOMP client over `ws` or `node:net`: logs in, answers heart-beats, closes when told. */
class PoliteClient {
  onFrame: (frame: Frame) => void = () => {};
  onClose: (reason: string) => void = () => {};
  private lastError: string | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private ended = false;

  private constructor(
    private readonly write: (data: string | Buffer) => void,
    readonly backlog: () => number,
    private readonly end: () => void,
  ) {}

  static async open(
    kind: TransportKind,
    endpoint: Endpoint,
    headers: ReadonlyArray<readonly [string, string]>,
  ): Promise<{ client: PoliteClient; connected: Frame }> {
    let client: PoliteClient;
    let answered: (frame: Frame) => void = () => {};
    const answer = new Promise<Frame>((resolve) => (answered = resolve));
    let loggedIn = false;
    const frames = new FrameDecoder(
      {
        onFrame(frame) {
          if (frame.command === 'ERROR') client.lastError = getHeader(frame.headers, 'message') ?? 'ERROR';
          if (!loggedIn) {
            loggedIn = true;
            answered(frame);
          } else client.onFrame(frame);
        },
      },
      { limits: READ_LIMITS },
    );
    const feed = (bytes: Uint8Array) => {
      try {
        frames.push(bytes);
      } catch (error) {
        client.closed(`unreadable frame: ${(error as Error).message}`);
      }
    };
    if (kind === 'ws') {
      const socket = new WebSocket(`ws://${endpoint.host}:${endpoint.wsPort}/ws`, ['v12.stomp'], {
        localAddress: BYSTANDER_ADDRESS,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      socket.on('error', () => {});
      client = new PoliteClient(
        (data) => socket.send(data),
        () => socket.bufferedAmount,
        () => socket.terminate(),
      );
      socket.on('message', (data: Buffer) => feed(data));
      socket.on('close', (code) => client.closed(`close ${code}`));
    } else {
      const socket: Socket = connectTcp({
        host: endpoint.host,
        port: endpoint.tcpPort,
        localAddress: BYSTANDER_ADDRESS,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('error', reject);
      });
      socket.on('error', () => {});
      socket.setNoDelay(true);
      client = new PoliteClient(
        (data) => socket.write(data),
        () => socket.writableLength,
        () => socket.destroy(),
      );
      socket.on('data', (chunk: Buffer) => feed(chunk));
      socket.on('close', () => client.closed('connection closed'));
    }
    const lines = headers.map(([name, value]) => `${name}:${value}\n`).join('');
    client.write(
      `CONNECT\naccept-version:1.2\nhost:soak\nheart-beat:${HEARTBEAT_MS},${HEARTBEAT_MS}\n${lines}\n\0`,
    );
    const connected = await Promise.race([
      answer,
      new Promise<Frame>((_, reject) =>
        setTimeout(() => reject(new Error('no answer to CONNECT in 10 s')), 10_000),
      ),
    ]).catch((error: unknown) => {
      client.close();
      throw error;
    });
    if (connected.command === 'CONNECTED') {
      // STOMP 1.2, "Heart-beating": send at least as often as the server wants to receive.
      const wants = Number((getHeader(connected.headers, 'heart-beat') ?? '0,0').split(',')[1]);
      if (wants > 0)
        client.heartbeat = setInterval(() => client.write('\n'), Math.max(HEARTBEAT_MS, wants) / 2);
    } else client.close();
    return { client, connected };
  }

  send(data: string | Buffer): void {
    if (!this.ended) this.write(data);
  }

  close(): void {
    this.closed('closed by the client');
    this.end();
  }

  private closed(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    this.onClose(this.lastError === undefined ? reason : `ERROR ${this.lastError} (${reason})`);
  }
}

function sequenceAndTime(body: Uint8Array): { sequence: number; sentAt: number } {
  const second = body.indexOf(SEMICOLON, 2);
  const third = body.indexOf(SEMICOLON, second + 1);
  return {
    sequence: Number(decoder.decode(body.subarray(2, second))),
    sentAt: Number(decoder.decode(body.subarray(second + 1, third))),
  };
}

export interface ReaderFigures {
  readonly transport: TransportKind;
  readonly login: string;
  /** How it logged in: `claimed` (a name with a passcode of its own) or `open` (a name with no passcode). */
  readonly loginKind: string;
  received: number;
  /** Stream numbers never received. */
  gaps: number;
  gapEvents: number;
  /** Stream numbers received twice, or after a later one. */
  outOfOrder: number;
  floodReceived: number;
  bigReceived: number;
  drops: string[];
  reconnects: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** One reader of the stream: subscribes, counts, and comes back when dropped. */
class Reader {
  client: PoliteClient | undefined;
  lastSequence = -1;
  /** Subscribed, and the stream has reached this subscription. */
  flowing = false;
  figures: ReaderFigures;
  private latencies: number[] = [];
  private readonly secret = randomBytes(12).toString('hex');
  private stopped = false;
  private readonly waiting = new Set<() => void>();

  constructor(
    readonly transport: TransportKind,
    private readonly endpoint: Endpoint,
    private login: string,
    private loginKind: string,
  ) {
    this.figures = this.freshFigures();
  }

  async start(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.connectOnce();
        return;
      } catch {
        // The server is restarting, or refusing for now: try again shortly.
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /** Resolves once subscribed and receiving the stream (or after `timeoutMs`). */
  ready(timeoutMs: number): Promise<boolean> {
    if (this.flowing) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiting.add(done);
    });
  }

  /** The figures since the last call. */
  take(): ReaderFigures {
    const figures = this.figures;
    const sorted = this.latencies.sort((a, b) => a - b);
    figures.p50Ms = round(sorted[Math.floor(sorted.length * 0.5)]);
    figures.p99Ms = round(sorted[Math.floor(sorted.length * 0.99)]);
    figures.maxMs = round(sorted.at(-1));
    this.latencies = [];
    this.figures = this.freshFigures();
    return figures;
  }

  stop(): void {
    this.stopped = true;
    this.client?.close();
  }

  private freshFigures(): ReaderFigures {
    return {
      transport: this.transport,
      login: this.login,
      loginKind: this.loginKind,
      received: 0,
      gaps: 0,
      gapEvents: 0,
      outOfOrder: 0,
      floodReceived: 0,
      bigReceived: 0,
      drops: [],
      reconnects: 0,
      p50Ms: 0,
      p99Ms: 0,
      maxMs: 0,
    };
  }

  private async logIn(): Promise<PoliteClient> {
    // Claim the name with a passcode of our own; a server that does not offer claims refuses, and
    // then the name is taken as an open guest name, as the demo authenticator allows today.
    if (this.loginKind !== 'open') {
      const claimed = await PoliteClient.open(this.transport, this.endpoint, [
        ['login', this.login],
        ['passcode', this.secret],
      ]);
      if (claimed.connected.command === 'CONNECTED') {
        this.loginKind = 'claimed';
        return claimed.client;
      }
      if (this.loginKind === 'claimed') throw new Error('the claimed name was refused');
    }
    const open = await PoliteClient.open(this.transport, this.endpoint, [['login', this.login]]);
    if (open.connected.command !== 'CONNECTED') throw new Error('login refused');
    this.loginKind = 'open';
    return open.client;
  }

  private async connectOnce(): Promise<void> {
    const client = await this.logIn();
    this.figures = { ...this.figures, loginKind: this.loginKind };
    this.client = client;
    let answered: (inPlace: boolean) => void = () => {};
    const receipt = new Promise<boolean>((resolve) => (answered = resolve));
    let inPlace = false;
    client.onFrame = (frame) => {
      if (frame.command === 'MESSAGE') this.onMessage(frame.body);
      else if (frame.command === 'RECEIPT') answered(true);
    };
    client.onClose = (reason) => {
      this.flowing = false;
      answered(false);
      // Before the subscription is in place, `start()` tries again; after, a drop is counted.
      if (this.stopped || !inPlace) return;
      this.figures.drops.push(reason);
      this.figures.reconnects++;
      void this.start();
    };
    client.send(`SUBSCRIBE\nid:0\ndestination:${STREAM_TOPIC}\nreceipt:subscribed\n\n\0`);
    if (!(await receipt)) throw new Error('closed before the subscription was in place');
    inPlace = true;
  }

  private onMessage(body: Uint8Array): void {
    if (body.length >= BIG_BODY) this.figures.bigReceived++;
    else if (body[0] === F) this.figures.floodReceived++;
    else if (body[0] === S) {
      if (!this.flowing) {
        this.flowing = true;
        for (const done of this.waiting) done();
        this.waiting.clear();
      }
      const { sequence, sentAt } = sequenceAndTime(body);
      this.figures.received++;
      this.latencies.push(performance.now() - sentAt);
      if (sequence <= this.lastSequence) {
        this.figures.outOfOrder++;
        return;
      }
      if (this.lastSequence >= 0 && sequence > this.lastSequence + 1) {
        this.figures.gaps += sequence - this.lastSequence - 1;
        this.figures.gapEvents++;
      }
      this.lastSequence = sequence;
    }
  }
}

function round(value: number | undefined): number {
  return value === undefined ? 0 : Math.round(value * 10) / 10;
}

export interface PublisherFigures {
  sent: number;
  drops: string[];
  /** The most bytes its socket held unsent: how much it was slowed. */
  maxBacklogBytes: number;
}

/** Publishes the numbered stream at `rate` a second, as an anonymous guest; comes back when dropped. */
class StreamPublisher {
  login = '';
  sequence = 0;
  figures: PublisherFigures = { sent: 0, drops: [], maxBacklogBytes: 0 };
  private client: PoliteClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly rate: number,
  ) {}

  async start(): Promise<void> {
    while (!this.stopped) {
      try {
        const { client, connected } = await PoliteClient.open('ws', this.endpoint, []);
        if (connected.command !== 'CONNECTED') throw new Error('login refused');
        this.login = getHeader(connected.headers, 'user-name') ?? '';
        this.client = client;
        client.onClose = (reason) => {
          this.client = undefined;
          if (this.stopped) return;
          this.figures.drops.push(reason);
          void this.start();
        };
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    if (this.timer === undefined && !this.stopped) this.pace();
  }

  /** Every 10 ms, sends what the rate allows by then; nothing is sent while disconnected. */
  private pace(): void {
    let due = 0;
    let last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      due += ((now - last) / 1000) * this.rate;
      last = now;
      const client = this.client;
      if (client === undefined) {
        due = 0;
        return;
      }
      for (; due >= 1; due--) {
        const body = `s;${this.sequence};${performance.now().toFixed(3)};`.padEnd(STREAM_BODY_BYTES, '.');
        client.send(`SEND\ndestination:${STREAM_TOPIC}\ncontent-type:text/plain\n\n${body}\0`);
        this.sequence++;
        this.figures.sent++;
      }
      this.figures.maxBacklogBytes = Math.max(this.figures.maxBacklogBytes, client.backlog());
    }, 10);
  }

  take(): PublisherFigures {
    const figures = this.figures;
    this.figures = { sent: 0, drops: [], maxBacklogBytes: 0 };
    return figures;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.client?.close();
  }
}

export interface NewcomerFigures {
  /** Logins that ended in the phase, one way or the other. */
  attempts: number;
  /** A login begun and not answered yet when the phase ended (counted in the next one). */
  stillWaiting: boolean;
  loggedIn: number;
  /** Why the others did not: the ERROR's message, a refused handshake, no answer. */
  failures: string[];
  /** From opening the connection to CONNECTED. */
  p50Ms: number;
  maxMs: number;
}

/**
 * Someone arriving while the attack runs: once a second, alternately over WebSocket and TCP, a new
 * client logs in as a guest and leaves. Whether it gets in, and how fast, is what an attack that
 * exhausts connections, descriptors or the event loop takes from everyone else.
 */
class Newcomers {
  private figures = Newcomers.fresh();
  private times: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private turn = 0;

  constructor(private readonly endpoint: Endpoint) {}

  private static fresh(): NewcomerFigures {
    return { attempts: 0, stillWaiting: false, loggedIn: 0, failures: [], p50Ms: 0, maxMs: 0 };
  }

  start(): void {
    this.timer = setInterval(() => void this.arrive(), 1_000);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  take(): NewcomerFigures {
    const figures = this.figures;
    const sorted = this.times.sort((a, b) => a - b);
    figures.p50Ms = round(sorted[Math.floor(sorted.length * 0.5)]);
    figures.maxMs = round(sorted.at(-1));
    figures.stillWaiting = this.busy;
    this.figures = Newcomers.fresh();
    this.times = [];
    return figures;
  }

  private async arrive(): Promise<void> {
    // One at a time: a newcomer still waiting when the next is due is the finding, not a reason to pile up.
    if (this.busy) return;
    this.busy = true;
    const kind: TransportKind = this.turn++ % 2 === 0 ? 'ws' : 'tcp';
    const startedAt = performance.now();
    let failure: string | undefined;
    try {
      const { client, connected } = await PoliteClient.open(kind, this.endpoint, []);
      if (connected.command === 'CONNECTED') {
        client.send('DISCONNECT\n\n\0');
        client.close();
      } else failure = `${kind}: ERROR ${getHeader(connected.headers, 'message') ?? ''}`;
    } catch (error) {
      failure = `${kind}: ${(error as Error).message}`;
    }
    // Counted in the phase where the answer came.
    this.busy = false;
    this.figures.attempts++;
    if (failure === undefined) {
      this.figures.loggedIn++;
      this.times.push(performance.now() - startedAt);
    } else this.figures.failures.push(failure);
  }
}

export interface BystanderFigures {
  readonly publisher: PublisherFigures;
  readonly readers: ReaderFigures[];
  readonly newcomers: NewcomerFigures;
}

/** The bystanders of one soak run. */
export class Bystanders {
  private readonly readers: Reader[];
  private readonly publisher: StreamPublisher;
  private readonly newcomers: Newcomers;

  constructor(endpoint: Endpoint, rate: number) {
    this.newcomers = new Newcomers(endpoint);
    const tag = randomBytes(3).toString('hex');
    this.readers = (['ws', 'tcp'] as const).map(
      (kind) => new Reader(kind, endpoint, `soak-bystander-${kind}-${tag}`, 'either'),
    );
    this.publisher = new StreamPublisher(endpoint, rate);
  }

  async start(): Promise<void> {
    await Promise.all(this.readers.map((reader) => reader.start()));
    await this.publisher.start();
    this.newcomers.start();
  }

  /** Whether every reader is subscribed, waiting up to `timeoutMs`. */
  async ready(timeoutMs: number): Promise<boolean> {
    const states = await Promise.all(this.readers.map((reader) => reader.ready(timeoutMs)));
    return states.every(Boolean);
  }

  /** The logins an impostor would want: each reader's, and the publisher's generated guest name. */
  victims(): string[] {
    return [...this.readers.map((reader) => reader.figures.login), this.publisher.login].filter(
      (login) => login !== '',
    );
  }

  take(): BystanderFigures {
    return {
      publisher: this.publisher.take(),
      readers: this.readers.map((reader) => reader.take()),
      newcomers: this.newcomers.take(),
    };
  }

  /**
   * Stops the stream and waits (up to `timeoutMs`) for each reader to reach its last number; what a
   * reader never got by then counts as gaps.
   */
  async finish(timeoutMs: number): Promise<BystanderFigures> {
    this.publisher.stop();
    this.newcomers.stop();
    const last = this.publisher.sequence - 1;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && this.readers.some((reader) => reader.lastSequence < last)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const reader of this.readers) {
      if (reader.lastSequence < last) {
        reader.figures.gaps += last - reader.lastSequence;
        reader.figures.gapEvents++;
      }
      reader.stop();
    }
    return this.take();
  }
}
