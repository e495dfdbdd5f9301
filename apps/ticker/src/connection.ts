/**
 * The page's one STOMP connection, over @stomp/stompjs, with what a trading page needs on top:
 *
 * - **Raw frames to the inspector.** The socket comes from our `webSocketFactory`, wrapped by the
 *   inspector before stompjs attaches its handlers, so every byte in and out is recorded.
 * - **Reconnect with backoff and jitter.** stompjs retries after `reconnectDelay` at a fixed pace;
 *   our `beforeConnect` (awaited by stompjs before every attempt) first waits out an exponential,
 *   jittered delay that grows with each failed attempt and resets once CONNECTED.
 * - **Subscriptions that survive.** A subscription here is a wish kept in a registry; on every
 *   CONNECTED each one is SUBSCRIBEd again, and the broker answers market topics with a snapshot,
 *   which rebuilds the page's state. Then `onConnected` lets the page ask for what is private to it
 *   (`/app/market/refresh`: open orders and portfolio).
 * - **Receipts as promises**, and STOMP transactions for baskets.
 */
import { Client, type IFrame, type IMessage, type StompSubscription, TickerStrategy } from '@stomp/stompjs';
import type { InspectorSink } from '@stomping-ground/inspector';
import { inspectWebSocket } from '@stomping-ground/inspector';
import {
  connectHeadersFor,
  forgetGuestIdentity,
  guestIdentityFrom,
  type IdentityStorage,
  loadGuestIdentity,
  negotiateHeartBeat,
  parseHeartBeat,
  STOMP_SUBPROTOCOLS,
  saveGuestIdentity,
} from '@stomping-ground/protocol';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff';

export const ConnectionState = {
  /** Opening the WebSocket and waiting for CONNECTED. */
  CONNECTING: 'connecting',
  CONNECTED: 'connected',
  /** Lost; waiting before the next attempt. */
  RECONNECTING: 'reconnecting',
  /** Not trying: stopped by the page, or the broker refused the login. */
  STOPPED: 'stopped',
} as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

export interface ConnectionStatus {
  readonly state: ConnectionState;
  /** The login CONNECTED named (`user-name`); '' before the first one, for a guest yet to be minted. */
  readonly login: string;
  /** Attempts that failed since the last CONNECTED. */
  readonly failedAttempts: number;
  /** Times the page connected again after losing a connection. */
  readonly reconnects: number;
  /** When the next attempt starts, while reconnecting. */
  readonly nextAttemptAt: number | undefined;
  /** The last time anything (a frame or a heart-beat) came in. */
  readonly lastReceivedAt: number | undefined;
  /** How often the broker promised to send something, per the CONNECTED heart-beat; 0: not at all. */
  readonly expectEvery: number;
  /** How often this page sends heart-beats; 0: not at all. */
  readonly sendEvery: number;
  readonly version: string | undefined;
  readonly server: string | undefined;
  /** The last ERROR frame's message, or why the connection stopped. */
  readonly error: string | undefined;
}

export interface MarketConnectionOptions {
  readonly url: string;
  /**
   * Where the page keeps the guest identity the broker mints on the first CONNECT (localStorage).
   * The page trades as that guest, presenting its name and passcode on every CONNECT, until
   * `changeLogin` names a fixed account or a claimed name.
   */
  readonly identityStorage: IdentityStorage | undefined;
  readonly inspector?: InspectorSink | undefined;
  readonly backoff?: BackoffOptions;
  /** Every change of status (also once a second is not needed: the page reads `lastReceivedAt`). */
  readonly onStatus?: (status: ConnectionStatus) => void;
  /** After CONNECTED and after every registered subscription has been sent again. */
  readonly onConnected?: () => void;
  /** The connection dropped (or was closed); open transactions and unanswered receipts are gone. */
  readonly onDisconnected?: () => void;
}

/** What the page asks of the broker; kept across reconnects. */
interface Registration {
  readonly destination: string;
  readonly handler: (message: IMessage) => void;
  live: StompSubscription | undefined;
}

export class NotConnectedError extends Error {
  override readonly name = 'NotConnectedError';
  constructor() {
    super('not connected to the broker');
  }
}

/** Our heart-beat wish, both ways: CONNECT says `heart-beat:10000,10000`. */
export const HEART_BEAT_MS = 10_000;

/** The ERROR code after which retrying with the same login is pointless. */
const AUTH_FAILED = 'STOMP_ERR_AUTH_FAILED';

export class MarketConnection {
  private readonly client: Client;
  private readonly options: MarketConnectionOptions;
  private readonly backoff: BackoffOptions;
  private readonly registrations = new Set<Registration>();
  private readonly pendingReceipts = new Map<string, (error?: Error) => void>();
  /** A fixed account or a claimed name, with its passcode; undefined: the stored guest. */
  private account: { readonly login: string; readonly passcode: string } | undefined;
  private status: ConnectionStatus;
  private connectedOnce = false;
  private receiptCounter = 0;
  /** Cuts the backoff wait short (Reconnect now, a new login). */
  private wake: (() => void) | undefined;

  constructor(options: MarketConnectionOptions) {
    this.options = options;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.status = {
      state: ConnectionState.STOPPED,
      login: loadGuestIdentity(options.identityStorage)?.login ?? '',
      failedAttempts: 0,
      reconnects: 0,
      nextAttemptAt: undefined,
      lastReceivedAt: undefined,
      expectEvery: 0,
      sendEvery: 0,
      version: undefined,
      server: undefined,
      error: undefined,
    };
    this.client = new Client({
      webSocketFactory: () => this.openSocket(),
      heartbeatIncoming: HEART_BEAT_MS,
      heartbeatOutgoing: HEART_BEAT_MS,
      // Browsers slow timers down in a hidden tab, to once a minute after a while; the broker would
      // then give up on our heart-beats. A worker's timer is not slowed.
      heartbeatStrategy: TickerStrategy.Worker,
      // stompjs' own fixed pause between attempts; the growing, jittered part is in beforeConnect.
      reconnectDelay: 200,
      // A connect that hangs (no CONNECTED) counts as a failed attempt after this long.
      connectionTimeout: 10_000,
      beforeConnect: () => this.beforeConnect(),
      onConnect: (frame) => this.onConnect(frame),
      onStompError: (frame) => this.onStompError(frame),
      onWebSocketClose: () => this.onClose(),
      // The inspector shows every frame; stompjs' own log would only repeat it in the console.
      debug: () => {},
    });
  }

  get currentStatus(): ConnectionStatus {
    return this.status;
  }

  get connected(): boolean {
    return this.client.connected;
  }

  start(): void {
    this.update({ state: ConnectionState.CONNECTING, error: undefined });
    this.client.activate();
  }

  /** Skips the rest of a backoff wait. */
  reconnectNow(): void {
    if (this.status.state === ConnectionState.STOPPED) this.start();
    else this.wake?.();
  }

  /** Drops the WebSocket without a DISCONNECT, as a network failure would: the page reconnects. */
  dropConnection(): void {
    this.client.forceDisconnect();
  }

  /**
   * Disconnects politely (DISCONNECT, wait for its RECEIPT), then connects as `login`: a fixed
   * account, or a name claimed with `passcode` (the first login under a free name claims it). The
   * stored guest's own name needs no passcode: the page has it.
   */
  async changeLogin(login: string, passcode?: string): Promise<void> {
    const guest = loadGuestIdentity(this.options.identityStorage);
    this.account =
      passcode === undefined && guest?.login === login ? undefined : { login, passcode: passcode ?? '' };
    this.wake?.();
    await this.client.deactivate();
    this.connectedOnce = false;
    this.update({ login, failedAttempts: 0, reconnects: 0 });
    this.start();
  }

  /**
   * Keeps `destination` subscribed from now on, across reconnects. Returns the function that
   * unsubscribes (UNSUBSCRIBE now, if connected, and not again after a reconnect).
   */
  subscribe(destination: string, handler: (message: IMessage) => void): () => void {
    const registration: Registration = { destination, handler, live: undefined };
    this.registrations.add(registration);
    if (this.client.connected) this.subscribeNow(registration);
    return () => {
      if (!this.registrations.delete(registration)) return;
      if (this.client.connected) registration.live?.unsubscribe();
      registration.live = undefined;
    };
  }

  /** SENDs `body` without asking for a receipt. */
  send(destination: string, body: string, headers: Record<string, string> = {}): void {
    if (!this.client.connected) throw new NotConnectedError();
    this.client.publish({ destination, body, headers });
  }

  /**
   * SENDs `body` with a `receipt` header; resolves when the broker's RECEIPT comes, and rejects if
   * the connection drops first. The receipt id starts with `receipt`, to be readable in the inspector.
   */
  sendWithReceipt(
    destination: string,
    body: string,
    receipt: string,
    headers: Record<string, string> = {},
  ): Promise<void> {
    if (!this.client.connected) return Promise.reject(new NotConnectedError());
    const receiptId = `${receipt}#${++this.receiptCounter}`;
    const answered = new Promise<void>((resolve, reject) => {
      this.pendingReceipts.set(receiptId, (error) => (error ? reject(error) : resolve()));
    });
    this.client.watchForReceipt(receiptId, () => this.settleReceipt(receiptId));
    this.send(destination, body, { ...headers, receipt: receiptId });
    return answered;
  }

  /** BEGIN: opens a STOMP transaction; SENDs naming it are held by the broker until COMMIT or ABORT. */
  begin(name: string): string {
    if (!this.client.connected) throw new NotConnectedError();
    return this.client.begin(name).id;
  }

  commit(transaction: string): void {
    if (!this.client.connected) throw new NotConnectedError();
    this.client.commit(transaction);
  }

  abort(transaction: string): void {
    if (!this.client.connected) throw new NotConnectedError();
    this.client.abort(transaction);
  }

  // ── stompjs callbacks ─────────────────────────────────────────────────────────────────────────

  private openSocket(): WebSocket {
    const socket = new WebSocket(this.options.url, [...STOMP_SUBPROTOCOLS]);
    if (this.options.inspector) inspectWebSocket(socket, this.options.inspector);
    // Any data in, a heart-beat included, shows the connection is alive.
    socket.addEventListener('message', () => this.update({ lastReceivedAt: Date.now() }, false));
    return socket;
  }

  /** Awaited by stompjs before each attempt: the backoff wait, after a failure; then who to log in as. */
  private async beforeConnect(): Promise<void> {
    const attempt = this.status.failedAttempts;
    if (attempt > 0) {
      const delay = backoffDelay(attempt, this.backoff);
      this.update({ state: ConnectionState.RECONNECTING, nextAttemptAt: Date.now() + delay });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    if (this.client.active) this.update({ state: ConnectionState.CONNECTING, nextAttemptAt: undefined });
    // Read after this resolves: a guest minted on the previous attempt is presented on this one.
    this.client.connectHeaders = this.connectHeaders();
  }

  private onConnect(frame: IFrame): void {
    const negotiated = negotiateHeartBeat(
      { canSend: HEART_BEAT_MS, wantsToReceive: HEART_BEAT_MS },
      safeHeartBeat(frame.headers['heart-beat']),
    );
    const reconnected = this.connectedOnce;
    this.connectedOnce = true;
    const guest = this.account === undefined ? guestIdentityFrom(frame.headers) : undefined;
    if (guest !== undefined) saveGuestIdentity(this.options.identityStorage, guest);
    this.update({
      state: ConnectionState.CONNECTED,
      login: frame.headers['user-name'] ?? '',
      failedAttempts: 0,
      reconnects: this.status.reconnects + (reconnected ? 1 : 0),
      nextAttemptAt: undefined,
      expectEvery: negotiated.expectEvery,
      sendEvery: negotiated.sendEvery,
      version: frame.headers.version,
      server: frame.headers.server,
      error: undefined,
    });
    for (const registration of this.registrations) this.subscribeNow(registration);
    this.options.onConnected?.();
  }

  private onStompError(frame: IFrame): void {
    const detail = frame.body.trim();
    const message = `${frame.headers.message ?? 'ERROR'}${detail ? `: ${detail}` : ''}`;
    const code = frame.headers.code;
    this.update({ error: code ? `${message} (${code})` : message });
    if (code !== AUTH_FAILED) return;
    if (this.account === undefined && loadGuestIdentity(this.options.identityStorage) !== undefined) {
      // The broker no longer knows the stored guest (it restarted with a new secret): the next
      // attempt comes without it, and gets a new guest.
      forgetGuestIdentity(this.options.identityStorage);
      return;
    }
    if (this.account === undefined) {
      // Refused with no login at all: this broker mints no guests (STOMP_GUESTS=off) and retrying
      // cannot help. Stop, and say that an account is needed.
      this.update({ error: `${message} (${code}): this server admits its accounts only; log in with yours` });
    }
    // The same login would be refused again: stop, and let the user change it.
    void this.client.deactivate().then(() => this.update({ state: ConnectionState.STOPPED }));
  }

  private onClose(): void {
    for (const registration of this.registrations) registration.live = undefined;
    for (const receiptId of [...this.pendingReceipts.keys()]) {
      this.settleReceipt(receiptId, new Error('the connection closed before the receipt came'));
    }
    this.options.onDisconnected?.();
    if (this.client.active) {
      this.update({ state: ConnectionState.RECONNECTING, failedAttempts: this.status.failedAttempts + 1 });
    } else if (this.status.state !== ConnectionState.CONNECTING) {
      this.update({ state: ConnectionState.STOPPED });
    }
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────────

  private subscribeNow(registration: Registration): void {
    registration.live = this.client.subscribe(registration.destination, registration.handler);
  }

  private settleReceipt(receiptId: string, error?: Error): void {
    const settle = this.pendingReceipts.get(receiptId);
    this.pendingReceipts.delete(receiptId);
    settle?.(error);
  }

  private connectHeaders(): Record<string, string> {
    return connectHeadersFor(this.account ?? loadGuestIdentity(this.options.identityStorage));
  }

  private update(change: Partial<ConnectionStatus>, notify = true): void {
    this.status = { ...this.status, ...change };
    if (notify) this.options.onStatus?.(this.status);
  }
}

function safeHeartBeat(value: string | undefined) {
  try {
    return parseHeartBeat(value);
  } catch {
    return { canSend: 0, wantsToReceive: 0 };
  }
}
