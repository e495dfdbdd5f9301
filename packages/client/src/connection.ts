/**
 * A page's one STOMP connection, over @stomp/stompjs, with what every page here needs on top:
 *
 * - **Raw frames to the inspector.** The socket comes from our `webSocketFactory`, wrapped by the
 *   inspector before stompjs attaches its handlers, so every byte in and out is recorded.
 * - **Reconnect with backoff and jitter.** stompjs retries after `reconnectDelay` at a fixed pace;
 *   our `beforeConnect` (awaited by stompjs before every attempt) first waits out an exponential,
 *   jittered delay (`backoff.ts`) that grows with each failed attempt and resets once CONNECTED.
 * - **Subscriptions that survive.** A subscription here is a wish kept in a registry; on every
 *   CONNECTED each one is SUBSCRIBEd again (a broker forgets a session's subscriptions with it).
 *   Then `onConnected` lets the page ask for anything else a new session needs.
 * - **The guest identity kept.** A CONNECT with no login makes the broker mint a guest, named in
 *   CONNECTED with its passcode in `guest-passcode`; both go to `identityStorage` (localStorage)
 *   and are presented on every later CONNECT, so a reconnect or a reload is the same login.
 * - **Refusals that stop the retries.** An ERROR with `STOMP_ERR_AUTH_FAILED` for a stored guest
 *   means the broker no longer knows it (a new identity secret): forget it and retry as a new guest.
 *   For a CONNECT with no login, or a login the page chose, the same CONNECT would be refused again:
 *   the state becomes `refused`, with the reason, and the page decides what to do next.
 * - **A status to show** (`status.ts`), **receipts as promises**, and STOMP transactions.
 */
import {
  Client,
  type IFrame,
  type IMessage,
  type IStompSocket,
  type StompSubscription,
  TickerStrategy,
} from '@stomp/stompjs';
import { type InspectorSink, inspectWebSocket } from '@stomping-ground/inspector';
import {
  connectHeadersFor,
  forgetGuestIdentity,
  type GuestIdentity,
  guestIdentityFrom,
  type IdentityStorage,
  loadGuestIdentity,
  negotiateHeartBeat,
  parseHeartBeat,
  STOMP_SUBPROTOCOLS,
  saveGuestIdentity,
} from '@stomping-ground/protocol';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff';
import {
  ConnectionState,
  type ConnectionStatus,
  INITIAL_STATUS,
  type Refusal,
  RefusalReason,
} from './status';

export interface StompConnectionOptions {
  /** The STOMP endpoint, `ws://host/ws` (`webSocketUrl(location)` from the protocol package). */
  readonly url: string;
  /**
   * Where the guest identity the broker mints is kept (localStorage). `undefined`: nowhere, so
   * every connection is a new guest (the landing page, which only reads public figures).
   */
  readonly identityStorage: IdentityStorage | undefined;
  /** Sees every frame in and out (`createFrameInspector` from `@stomping-ground/inspector`). */
  readonly inspector?: InspectorSink | undefined;
  /** The wait before each retry. Default: from 0.5 s, doubling, up to 30 s. */
  readonly backoff?: BackoffOptions | undefined;
  /** Heart-beats asked for, both ways, in ms; 0 for none. Default 10 000. */
  readonly heartBeatMs?: number | undefined;
  /** A CONNECT with no CONNECTED after this long counts as a failed attempt. Default 10 000 ms. */
  readonly connectionTimeoutMs?: number | undefined;
  /**
   * Opens the WebSocket; default `new WebSocket(url, protocols)`. Tests under Node pass `ws`'s.
   * Whatever it returns is the real socket: the inspector and `drop()` act on it.
   */
  readonly openWebSocket?: ((url: string, protocols: string[]) => WebSocket) | undefined;
  /**
   * What stompjs talks to, made from the real socket; default: the socket itself. The game puts its
   * latency simulator here, so the inspector (on the real socket) shows when frames really crossed.
   */
  readonly wrapSocket?: ((socket: WebSocket) => IStompSocket) | undefined;
  /** Every change of status (not for each frame in: read `lastReceivedAt` when drawing). */
  readonly onStatus?: ((status: ConnectionStatus) => void) | undefined;
  /** After CONNECTED and after every registered subscription has been sent again. */
  readonly onConnected?: ((status: ConnectionStatus) => void) | undefined;
  /** The connection dropped (or was closed); its subscriptions, transactions and unanswered receipts are gone. */
  readonly onDisconnected?: (() => void) | undefined;
}

/** What the page asked to receive; kept across reconnects. */
interface Registration {
  readonly destination: string;
  readonly handler: (message: IMessage) => void;
  readonly headers: Record<string, string>;
  live: StompSubscription | undefined;
}

export class NotConnectedError extends Error {
  override readonly name = 'NotConnectedError';
  constructor() {
    super('not connected to the broker');
  }
}

/** The heart-beat wish, both ways, unless the page gives its own: CONNECT says `heart-beat:10000,10000`. */
export const DEFAULT_HEART_BEAT_MS = 10_000;

/** The ERROR code of a refused login (the broker's `STOMP_ERR_AUTH_FAILED`). */
const AUTH_FAILED = 'STOMP_ERR_AUTH_FAILED';

/** The close code `drop()` uses: 4000–4999 are for applications (RFC 6455 §7.4.2). */
const DROPPED_ON_PURPOSE = 4000;

export class StompConnection {
  /**
   * The stompjs client underneath, for a page that subscribes and publishes per session itself
   * (the game: its subscriptions follow its seat, not the connection). Use it only while connected.
   */
  readonly client: Client;
  private readonly options: StompConnectionOptions;
  private readonly backoff: BackoffOptions;
  private readonly heartBeatMs: number;
  private readonly registrations = new Set<Registration>();
  private readonly pendingReceipts = new Map<string, (error?: Error) => void>();
  /** A login the page chose, with its passcode; undefined: the stored guest (or a new one). */
  private account: GuestIdentity | undefined;
  private status: ConnectionStatus;
  private connectedOnce = false;
  private receiptCounter = 0;
  /** The real socket of the current attempt, for `drop()`. */
  private socket: WebSocket | undefined;
  /** Cuts the backoff wait short (Reconnect now, a new login). */
  private wake: (() => void) | undefined;

  constructor(options: StompConnectionOptions) {
    this.options = options;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.heartBeatMs = options.heartBeatMs ?? DEFAULT_HEART_BEAT_MS;
    this.status = { ...INITIAL_STATUS, login: loadGuestIdentity(options.identityStorage)?.login ?? '' };
    this.client = new Client({
      webSocketFactory: () => this.openSocket(),
      heartbeatIncoming: this.heartBeatMs,
      heartbeatOutgoing: this.heartBeatMs,
      // Browsers slow timers down in a hidden tab, to once a minute after a while; the broker would
      // then give up on our heart-beats. A worker's timer is not slowed. (Where there is no Worker,
      // as under Node, stompjs falls back to an interval.)
      heartbeatStrategy: TickerStrategy.Worker,
      // stompjs' own fixed pause between attempts; the growing, jittered part is in beforeConnect.
      reconnectDelay: 200,
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
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

  /** Starts connecting (again, after a refusal or `stop()`). */
  start(): void {
    this.update({ state: ConnectionState.CONNECTING, error: undefined, refusal: undefined });
    this.client.activate();
  }

  /** DISCONNECT (waiting for its RECEIPT, as stompjs does), and no more retries. */
  async stop(): Promise<void> {
    this.wake?.();
    await this.client.deactivate();
    this.update({ state: ConnectionState.STOPPED, nextAttemptAt: undefined });
  }

  /** Skips the rest of a backoff wait; after a refusal or `stop()`, starts again. */
  reconnectNow(): void {
    if (this.status.state === ConnectionState.STOPPED || this.status.state === ConnectionState.REFUSED) {
      this.start();
    } else {
      this.wake?.();
    }
  }

  /**
   * Closes the WebSocket without a DISCONNECT, as a network failure would: the page reconnects.
   * The pages' "drop connection" buttons and the end-to-end tests use it.
   */
  drop(): void {
    this.socket?.close(DROPPED_ON_PURPOSE, 'dropped on purpose');
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
  subscribe(
    destination: string,
    handler: (message: IMessage) => void,
    headers: Record<string, string> = {},
  ): () => void {
    const registration: Registration = { destination, handler, headers, live: undefined };
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

  private openSocket(): IStompSocket {
    const protocols = [...STOMP_SUBPROTOCOLS];
    const socket =
      this.options.openWebSocket?.(this.options.url, protocols) ?? new WebSocket(this.options.url, protocols);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    // The inspector attaches first, so it records each frame before anything acts on it.
    if (this.options.inspector) inspectWebSocket(socket, this.options.inspector);
    // Any data in, a heart-beat included, shows the connection is alive.
    socket.addEventListener('message', () => this.update({ lastReceivedAt: Date.now() }, false));
    return this.options.wrapSocket?.(socket) ?? socket;
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
    // Read after the wait: a guest minted on the previous attempt is presented on this one.
    this.client.connectHeaders = connectHeadersFor(
      this.account ?? loadGuestIdentity(this.options.identityStorage),
    );
  }

  private onConnect(frame: IFrame): void {
    const negotiated = negotiateHeartBeat(
      { canSend: this.heartBeatMs, wantsToReceive: this.heartBeatMs },
      safeHeartBeat(frame.headers['heart-beat']),
    );
    const reconnected = this.connectedOnce;
    this.connectedOnce = true;
    const guest = this.account === undefined ? guestIdentityFrom(frame.headers) : undefined;
    if (guest !== undefined) saveGuestIdentity(this.options.identityStorage, guest);
    this.update({
      state: ConnectionState.CONNECTED,
      login: frame.headers['user-name'] ?? '',
      session: frame.headers.session,
      failedAttempts: 0,
      reconnects: this.status.reconnects + (reconnected ? 1 : 0),
      nextAttemptAt: undefined,
      expectEvery: negotiated.expectEvery,
      sendEvery: negotiated.sendEvery,
      version: frame.headers.version,
      server: frame.headers.server,
      error: undefined,
      refusal: undefined,
    });
    for (const registration of this.registrations) this.subscribeNow(registration);
    this.options.onConnected?.(this.status);
  }

  private onStompError(frame: IFrame): void {
    const detail = frame.body.trim();
    const message = `${frame.headers.message ?? 'ERROR'}${detail ? `: ${detail}` : ''}`;
    const code = frame.headers.code;
    const error = code ? `${message} (${code})` : message;
    this.update({ error });
    // Any other ERROR ends this session only: the broker closes the socket, and the page retries.
    if (code !== AUTH_FAILED) return;
    if (this.account === undefined && loadGuestIdentity(this.options.identityStorage) !== undefined) {
      // The broker no longer knows the stored guest (it restarted with a new secret): the next
      // attempt comes without it, and gets a new guest.
      forgetGuestIdentity(this.options.identityStorage);
      return;
    }
    // Refused with no login at all (this broker mints no guests: STOMP_GUESTS=off), or refused the
    // login the page chose: the same CONNECT would be refused again. Stop, and say why.
    const refusal: Refusal = {
      reason: this.account === undefined ? RefusalReason.ACCOUNTS_ONLY : RefusalReason.LOGIN_REFUSED,
      error,
    };
    this.update({ state: ConnectionState.REFUSED, refusal, nextAttemptAt: undefined });
    void this.client.deactivate();
  }

  private onClose(): void {
    this.socket = undefined;
    for (const registration of this.registrations) registration.live = undefined;
    for (const receiptId of [...this.pendingReceipts.keys()]) {
      this.settleReceipt(receiptId, new Error('the connection closed before the receipt came'));
    }
    this.options.onDisconnected?.();
    if (this.client.active) {
      this.update({ state: ConnectionState.RECONNECTING, failedAttempts: this.status.failedAttempts + 1 });
    } else if (this.status.state === ConnectionState.CONNECTED) {
      // Closed by `stop()` or `changeLogin()`; a refusal keeps its state, a restart is already connecting.
      this.update({ state: ConnectionState.STOPPED });
    }
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────────

  private subscribeNow(registration: Registration): void {
    registration.live = this.client.subscribe(
      registration.destination,
      registration.handler,
      registration.headers,
    );
  }

  private settleReceipt(receiptId: string, error?: Error): void {
    const settle = this.pendingReceipts.get(receiptId);
    this.pendingReceipts.delete(receiptId);
    settle?.(error);
  }

  private update(change: Partial<ConnectionStatus>, notify = true): void {
    this.status = { ...this.status, ...change };
    if (notify) this.options.onStatus?.(this.status);
  }
}

/** A CONNECTED heart-beat header we cannot read counts as "no heart-beats" rather than an error. */
function safeHeartBeat(value: string | undefined) {
  try {
    return parseHeartBeat(value);
  } catch {
    return { canSend: 0, wantsToReceive: 0 };
  }
}
