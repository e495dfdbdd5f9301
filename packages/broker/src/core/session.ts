/**
 * One STOMP session per connection: a state machine fed by the frame decoder.
 *
 *   AWAIT_CONNECT ──CONNECT/STOMP, authenticated──▶ CONNECTED ──DISCONNECT──▶ CLOSING ──transport closed──▶ CLOSED
 *         └────────────── any fault: ERROR frame, then close ──────────────────────┘
 *
 * Every fault, from the codec or from here, ends in `fail`: one ERROR frame (STOMP 1.2, "ERROR")
 * with a short `message`, the `receipt-id` of the frame at fault, a `code` and a readable body, then
 * the transport is closed with a matching close code.
 */
import {
  type Command,
  DEFAULT_DECODER_LIMITS,
  encodeFrame,
  escapeHeader,
  type Frame,
  FrameDecoder,
  formatHeartBeat,
  getHeader,
  HEARTBEAT_BYTES,
  type Header,
  type Headers,
  type HeartBeat,
  NO_HEART_BEAT,
  negotiateHeartBeat,
  negotiateVersion,
  parseHeartBeat,
  StompError,
  StompErrorCode,
  type StompVersion,
  SUPPORTED_VERSIONS,
  utf8Length,
} from '@stomping-ground/protocol';
import type { AppContext, AppHandler, AppMessage, AppRoutes } from './app-handlers';
import type { AuthResult, Credentials } from './auth';
import type { QueueBatch } from './broker-link';
import {
  type Destination,
  DestinationKind,
  type DestinationRule,
  findRule,
  parseDestination,
  SlowConsumerPolicy,
  userRouteKey,
} from './destinations';
import { BrokerError, BrokerErrorCode, closeCodeFor, type ProtocolFault, toProtocolFault } from './errors';
import type { FlowControl, FlowParty } from './flow-control';
import type { HeartbeatClock, Tickable } from './heartbeat-clock';
import type { IdSource } from './ids';
import type { Logger } from './logger';
import { copyBytes, forwardedHeaders, messageHead, OutboundMessage } from './message';
import type { BrokerObserver } from './observer';
import type { ResolvedOptions } from './options';
import { Outbound } from './outbound';
import { ReceiptGate } from './receipts';
import type { Router } from './router';
import type { SnapshotProviders } from './snapshots';
import type { BrokerTotals } from './stats';
import { AckMode, isAckMode, Subscription, type SubscriptionOwner } from './subscription';
import { Transactions } from './transactions';
import { CloseCode, type Connection, type ConnectionInfo, type Transport } from './transport';

export const SessionState = {
  AWAIT_CONNECT: 'AWAIT_CONNECT',
  CONNECTED: 'CONNECTED',
  /** DISCONNECT received or a fault sent: no more frames are read. */
  CLOSING: 'CLOSING',
  /** The transport reported closed. */
  CLOSED: 'CLOSED',
} as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** What a session needs from its broker. */
export interface SessionHost {
  readonly options: ResolvedOptions;
  readonly router: Router;
  readonly appRoutes: AppRoutes;
  readonly snapshots: SnapshotProviders;
  readonly clock: HeartbeatClock;
  readonly ids: IdSource;
  readonly totals: BrokerTotals;
  /** Publishers wait here for readers that fell behind. */
  readonly flow: FlowControl;
  publish(destination: string, body: Uint8Array | string, headers?: Headers): void;
  sendToUser(login: string, destination: string, body: Uint8Array | string, headers?: Headers): void;
  /** The transport is gone: forget the session. */
  removed(session: Session): void;
  /** The session logged in: it no longer counts against the pre-login connection limits. */
  loggedIn(session: Session): void;
}

/**
 * Frames a client may pipeline behind its CONNECT while the authenticator decides. They are read
 * under the pre-login limits, since the client is not logged in yet.
 */
const MAX_HELD_FRAMES = 32;

const textEncoder = new TextEncoder();

export class Session implements SubscriptionOwner, Tickable, FlowParty {
  readonly id: string;
  readonly info: ConnectionInfo;
  readonly connection: Connection;
  private readonly host: SessionHost;
  private readonly transport: Transport;
  private readonly options: ResolvedOptions;
  private readonly observer: BrokerObserver;
  private logger: Logger;
  private readonly decoder: FrameDecoder;
  private readonly outbound: Outbound;
  private readonly receipts: ReceiptGate;
  private readonly transactions: Transactions;
  private readonly subscriptions = new Map<string, Subscription>();
  /** STOMP 1.2 `ack` ids to the subscription holding the delivery. */
  private readonly ackIndex = new Map<string, Subscription>();
  /** The newest message held back per subscription from a slow reader, on `conflate` destinations. */
  private readonly conflated = new Map<Subscription, OutboundMessage>();
  private ackSequence = 0;

  state: SessionState = SessionState.AWAIT_CONNECT;
  /**
   * The negotiated version. Until CONNECT agrees one, frames go out as 1.0 does them, unescaped, as
   * CONNECTED always is ("Value Encoding"): an ERROR refusing a CONNECT must be readable by any client.
   */
  version: StompVersion = '1.0';
  login: string | undefined;

  /** Frames that came while the CONNECT was being authenticated; undefined when not authenticating. */
  private held: Frame[] | undefined;
  private context: AppContext | undefined;
  private readonly openedAt: number;
  private lastReadAt: number;
  private closingSince = 0;
  /** How often this side must write something, and how often it must hear from the client (0: never). */
  private sendEvery = 0;
  private expectEvery = 0;
  /** Something was held back from this slow reader and waits for its socket to drain. */
  private backpressured = false;
  private wasConnected = false;
  private transportClosing = false;
  /** Since when this reader has been over its high-water mark with messages that must not be skipped. */
  private behindSince: number | undefined;
  /** The destination of the message that put it behind. */
  private behindOn = '';
  /** The socket is not being read: this session published to readers that are behind. */
  private readingPaused = false;

  constructor(host: SessionHost, transport: Transport, info: ConnectionInfo, id: string) {
    this.id = id;
    this.info = info;
    this.host = host;
    this.transport = transport;
    this.options = host.options;
    this.observer = host.options.observer;
    this.logger = host.options.logger.child({
      session: id,
      transport: info.kind,
      remoteAddress: info.remoteAddress,
    });
    const now = host.options.clock.now();
    this.openedAt = now;
    this.lastReadAt = now;
    this.decoder = new FrameDecoder(
      { onFrame: this.onFrame, onHeartbeat: this.onHeartbeat },
      { limits: this.options.limits.preLogin },
    );
    this.outbound = new Outbound(transport, this.now, this.onSendFailed);
    this.receipts = new ReceiptGate((error) => this.fail(error));
    this.transactions = new Transactions(this.options.limits);
    this.connection = {
      id,
      receive: (chunk) => this.receive(chunk),
      closed: () => this.transportClosed(),
      drained: () => this.drained(),
    };
    transport.limitInput?.(this.frameLimit);
    host.clock.add(this);
  }

  private readonly now = (): number => this.options.clock.now();

  /** The largest frame accepted now: the pre-login limit until CONNECTED. */
  private get frameLimit(): number {
    const limits = this.wasConnected ? this.options.limits.postLogin : this.options.limits.preLogin;
    return limits.maxFrameBytes ?? DEFAULT_DECODER_LIMITS.maxFrameBytes;
  }

  /** Bytes the decoder holds for a frame still arriving: at most the frame limit that applies, plus one. */
  get inputBufferedBytes(): number {
    return this.decoder.bufferedBytes;
  }

  /** A method rather than a comparison, so TypeScript does not keep a narrowing across calls that change the state. */
  private isConnected(): boolean {
    return this.state === SessionState.CONNECTED;
  }

  // ── Input ──────────────────────────────────────────────────────────────────────────────────────

  receive(chunk: Uint8Array | string): void {
    if (this.state !== SessionState.AWAIT_CONNECT && this.state !== SessionState.CONNECTED) return;
    this.lastReadAt = this.now();
    this.host.totals.bytesIn += chunk.length;
    try {
      this.decoder.push(chunk);
    } catch (error) {
      // The decoder throws only codec faults, carrying the receipt of the frame when it was read.
      this.fail(error);
    }
  }

  private readonly onHeartbeat = (): void => {
    this.observer.frameIn('HEARTBEAT', 1);
  };

  private readonly onFrame = (frame: Frame): void => {
    // After a fault or DISCONNECT the rest of the chunk is ignored.
    if (this.state !== SessionState.AWAIT_CONNECT && this.state !== SessionState.CONNECTED) return;
    this.host.totals.framesIn++;
    this.observer.frameIn(frame.command, frameSize(frame));
    if (this.held !== undefined) {
      if (this.held.length >= MAX_HELD_FRAMES) {
        this.fail(
          new BrokerError(
            BrokerErrorCode.LIMIT,
            `at most ${MAX_HELD_FRAMES} frames may follow an unanswered CONNECT`,
          ),
          getHeader(frame.headers, 'receipt'),
        );
        return;
      }
      this.held.push(frame);
      return;
    }
    this.process(frame);
  };

  private process(frame: Frame): void {
    const flow = this.host.flow;
    flow.begin(this);
    try {
      this.handle(frame);
    } catch (error) {
      this.fail(error, getHeader(frame.headers, 'receipt'));
    } finally {
      flow.end(this);
    }
  }

  private handle(frame: Frame): void {
    const command = frame.command;
    switch (command) {
      case 'CONNECT':
      case 'STOMP':
        this.onConnect(frame);
        return;
      case 'CONNECTED':
      case 'MESSAGE':
      case 'RECEIPT':
      case 'ERROR':
        throw new BrokerError(
          BrokerErrorCode.UNEXPECTED_COMMAND,
          `${command} is a frame only a server sends`,
        );
    }
    if (this.state !== SessionState.CONNECTED) {
      throw new BrokerError(BrokerErrorCode.NOT_CONNECTED, `${command} before CONNECT`, {
        detail: `the first frame of a session must be CONNECT or STOMP, not ${command}`,
      });
    }
    switch (command) {
      case 'SEND':
        this.onSend(frame);
        break;
      case 'SUBSCRIBE':
        this.onSubscribe(frame);
        break;
      case 'UNSUBSCRIBE':
        this.onUnsubscribe(frame);
        break;
      case 'ACK':
        this.onAck(frame, false);
        break;
      case 'NACK':
        this.onAck(frame, true);
        break;
      case 'BEGIN':
        this.transactions.begin(required(frame, 'transaction'));
        break;
      case 'COMMIT':
        this.onCommit(frame);
        break;
      case 'ABORT':
        this.transactions.abort(required(frame, 'transaction'));
        break;
      case 'DISCONNECT':
        this.onDisconnect(frame);
        return;
    }
    // STOMP 1.2, "Header receipt": any client frame other than CONNECT may ask for a RECEIPT.
    const receipt = getHeader(frame.headers, 'receipt');
    if (receipt !== undefined && this.state === SessionState.CONNECTED) {
      // What the frame changed in the queue store (an ACK's removal, say) is on disk first.
      this.holdReceiptsFor(this.host.router.flushed(), receipt);
      this.sendReceipt(receipt);
    }
  }

  // ── CONNECT ────────────────────────────────────────────────────────────────────────────────────

  private onConnect(frame: Frame): void {
    if (this.state !== SessionState.AWAIT_CONNECT) {
      throw new BrokerError(BrokerErrorCode.ALREADY_CONNECTED, `${frame.command} on a connected session`);
    }
    // STOMP 1.2, "Protocol Negotiation". Headers of CONNECT are never escaped ("Value Encoding").
    const version = chooseVersion(getHeader(frame.headers, 'accept-version'), this.info.subprotocolVersion);
    this.version = version;
    // Frames pipelined in the same chunk are read the new version's way from the next one on.
    this.decoder.version = version;
    // STOMP 1.2, "Heart-beating": 1.0 has none.
    const heartBeat =
      version === '1.0' ? NO_HEART_BEAT : parseHeartBeat(getHeader(frame.headers, 'heart-beat'));

    // STOMP 1.2, "ERROR": a refused CONNECT's ERROR names its receipt too.
    const receipt = getHeader(frame.headers, 'receipt');
    const credentials: Credentials = {
      login: getHeader(frame.headers, 'login'),
      passcode: getHeader(frame.headers, 'passcode'),
      host: getHeader(frame.headers, 'host'),
      remoteAddress: this.info.remoteAddress,
    };
    this.held = [];
    let verdict: Promise<AuthResult>;
    try {
      verdict = Promise.resolve(this.options.authenticator(credentials));
    } catch (error) {
      verdict = Promise.reject(error);
    }
    verdict.then(
      (result) => this.onAuthenticated(result, heartBeat, receipt),
      (error: unknown) => {
        if (this.state !== SessionState.AWAIT_CONNECT) return;
        this.logger.error({ err: error }, 'the authenticator failed');
        this.fail(new BrokerError(BrokerErrorCode.INTERNAL, 'authentication is unavailable'), receipt);
      },
    );
  }

  private onAuthenticated(result: AuthResult, clientHeartBeat: HeartBeat, receipt: string | undefined): void {
    // The session may have timed out or lost its transport meanwhile.
    if (this.state !== SessionState.AWAIT_CONNECT) return;
    if (!result.ok) {
      this.fail(
        new BrokerError(BrokerErrorCode.AUTH_FAILED, 'authentication failed', { detail: result.reason }),
        receipt,
      );
      return;
    }
    try {
      this.becomeConnected(result.login, clientHeartBeat, result.headers ?? []);
    } catch (error) {
      this.fail(error);
      return;
    }
    const held = this.held ?? [];
    this.held = undefined;
    for (const frame of held) {
      if (!this.isConnected()) break;
      this.process(frame);
    }
  }

  private becomeConnected(login: string, clientHeartBeat: HeartBeat, extraHeaders: readonly Header[]): void {
    const { heartBeat } = this.options;
    const negotiated = negotiateHeartBeat(heartBeat, clientHeartBeat);
    this.sendEvery = negotiated.sendEvery;
    this.expectEvery = negotiated.expectEvery;
    this.login = login;
    this.state = SessionState.CONNECTED;
    this.wasConnected = true;
    this.lastReadAt = this.now();
    this.decoder.setLimits(this.options.limits.postLogin);
    this.transport.limitInput?.(this.frameLimit);
    this.host.loggedIn(this);
    this.logger = this.logger.child({ login });
    this.context = {
      login,
      sessionId: this.id,
      reply: (destination, body, headers) => this.host.sendToUser(login, destination, body, headers),
      publish: (destination, body, headers) => this.host.publish(destination, body, headers),
      sendToUser: (to, destination, body, headers) => this.host.sendToUser(to, destination, body, headers),
    };

    // STOMP 1.2, "CONNECTED Frame".
    const headers: Header[] = [
      ['version', this.version],
      ['server', this.options.serverName],
      ['session', this.id],
    ];
    if (this.version !== '1.0') headers.push(['heart-beat', formatHeartBeat(heartBeat)]);
    headers.push(['user-name', login], ...extraHeaders);
    this.writeFrame('CONNECTED', headers);

    this.host.totals.sessionsOpened++;
    this.observer.sessionOpened(this.version);
    this.logger.debug(
      { version: this.version, sendEvery: this.sendEvery, expectEvery: this.expectEvery },
      'connected',
    );
    this.updateTicking();
  }

  // ── SEND and /app/ handlers ────────────────────────────────────────────────────────────────────

  private onSend(frame: Frame): void {
    const name = required(frame, 'destination');
    const { destination } = this.authorize(name, 'send');
    const handler = destination.kind === DestinationKind.APP ? this.handlerFor(name) : undefined;
    const headers = forwardedHeaders(frame.headers);
    // The body is a view of the decoder's chunk: copy it, so keeping it (in a queue, a transaction,
    // a conflation slot, an app handler) does not pin the chunk.
    const body = copyBytes(frame.body);
    const transaction = getHeader(frame.headers, 'transaction');
    if (transaction !== undefined) {
      this.transactions.add(transaction, { kind: 'send', destination, headers, body });
      return;
    }
    this.host.totals.messagesIn++;
    const receipt = getHeader(frame.headers, 'receipt');
    if (handler !== undefined) {
      this.runHandler(handler, this.appMessage(name, headers, body), receipt);
    } else {
      this.route(destination, headers, body, receipt);
    }
  }

  /**
   * Delivers a SEND. `queueBatch`, during a COMMIT, takes its queue messages, so that they are
   * kept together, all or none.
   */
  private route(
    destination: Destination,
    headers: Headers,
    body: Uint8Array,
    receipt: string | undefined,
    queueBatch?: QueueBatch,
  ): void {
    const message = new OutboundMessage(destination.name, this.host.ids.nextMessageId(), headers, body);
    switch (destination.kind) {
      case DestinationKind.TOPIC:
        this.host.router.publishTopic(message);
        return;
      case DestinationKind.QUEUE: {
        if (queueBatch !== undefined) {
          queueBatch.add(message);
          return;
        }
        // In a cluster the message is stored in Redis first: the RECEIPT (this one and every later
        // one, STOMP being a stream) waits until it is, so a receipted message survives any one node.
        this.holdReceiptsFor(this.host.router.sendToQueue(message), receipt);
        return;
      }
      case DestinationKind.USER:
        // Only reachable when a rule lets clients send to /user/: it resolves to the sender's own login.
        if (!this.host.router.publishUser(this.login!, message))
          this.observer.messageDropped('no-subscriber');
        return;
      case DestinationKind.APP:
        throw new Error('app destinations are handled, not routed');
    }
  }

  /**
   * Later RECEIPTs wait until the cluster has stored what a frame sent; if it cannot, the session
   * ends with the cluster's error, naming the frame's receipt.
   */
  private holdReceiptsFor(stored: Promise<void> | undefined, receipt: string | undefined): void {
    if (stored !== undefined) this.receipts.hold(stored.catch((error: unknown) => this.fail(error, receipt)));
  }

  /**
   * Checks a client's SEND or SUBSCRIBE against the destination rules: the first rule whose prefix
   * matches decides, and a destination no rule matches is refused.
   */
  private authorize(
    name: string,
    action: 'send' | 'subscribe',
  ): { destination: Destination; rule: DestinationRule } {
    const destination = parseDestination(name);
    if (destination === undefined) {
      throw new BrokerError(BrokerErrorCode.INVALID_DESTINATION, `no such destination ${printable(name)}`, {
        detail: `destinations start with /topic/, /queue/, /user/queue/ or /app/, followed by a name without control characters; got ${printable(name)}`,
      });
    }
    const rule = findRule(this.options.destinationRules, name);
    if (rule === undefined || !(action === 'send' ? rule.clientSend : rule.clientSubscribe)) {
      throw new BrokerError(
        BrokerErrorCode.FORBIDDEN,
        `clients may not ${action === 'send' ? 'send to' : 'subscribe to'} ${name}`,
      );
    }
    return { destination, rule };
  }

  private handlerFor(destination: string): AppHandler {
    const handler = this.host.appRoutes.resolve(destination);
    if (handler === undefined) {
      throw new BrokerError(BrokerErrorCode.NO_HANDLER, `nothing handles ${destination}`);
    }
    return handler;
  }

  private appMessage(destination: string, headers: Headers, body: Uint8Array): AppMessage {
    return { destination, headers, body, login: this.login!, sessionId: this.id };
  }

  /** Calls a handler for one SEND; when it returns a promise, later receipts wait for it. */
  private runHandler(handler: AppHandler, message: AppMessage, receipt: string | undefined): void {
    let result: void | Promise<void>;
    try {
      result = handler(message, this.context!);
    } catch (error) {
      this.handlerFailed(error, message.destination, receipt);
      return;
    }
    if (isPromiseLike(result)) {
      this.receipts.hold(
        Promise.resolve(result).catch((error: unknown) =>
          this.handlerFailed(error, message.destination, receipt),
        ),
      );
    }
  }

  /**
   * A handler's fault closes the session like any other: a `StompError` or `BrokerError` reaches the
   * client with its code; anything else is logged here and the client only learns which destination
   * failed (no stack on the wire).
   */
  private handlerFailed(error: unknown, destination: string, receipt: string | undefined): void {
    if (error instanceof StompError || error instanceof BrokerError) {
      this.logger.warn({ err: error, destination }, 'an app handler refused a message');
      this.fail(error, receipt);
      return;
    }
    this.logger.error({ err: error, destination }, 'an app handler failed');
    this.fail(new BrokerError(BrokerErrorCode.INTERNAL, `internal error handling ${destination}`), receipt);
  }

  // ── SUBSCRIBE, UNSUBSCRIBE ─────────────────────────────────────────────────────────────────────

  private onSubscribe(frame: Frame): void {
    const name = required(frame, 'destination');
    // STOMP 1.2, "SUBSCRIBE id Header": required since 1.1. A 1.0 subscription without one is known
    // by its destination, as 1.0 brokers did.
    const id = getHeader(frame.headers, 'id') ?? (this.version === '1.0' ? name : required(frame, 'id'));
    // STOMP 1.2, "SUBSCRIBE ack Header": auto when absent.
    const ack = getHeader(frame.headers, 'ack') ?? AckMode.AUTO;
    if (!isAckMode(ack)) {
      throw new BrokerError(BrokerErrorCode.INVALID_HEADER, 'ack must be auto, client or client-individual');
    }
    const { destination, rule } = this.authorize(name, 'subscribe');
    if (destination.kind === DestinationKind.APP) {
      throw new BrokerError(BrokerErrorCode.FORBIDDEN, `${name} takes SENDs only: handlers answer elsewhere`);
    }
    // STOMP 1.2, "SUBSCRIBE id Header": unique within the connection.
    if (this.subscriptions.has(id)) {
      throw new BrokerError(BrokerErrorCode.DUPLICATE_SUBSCRIPTION, `subscription ${id} already exists`);
    }
    const max = this.options.limits.maxSubscriptionsPerSession;
    if (this.subscriptions.size >= max) {
      throw new BrokerError(BrokerErrorCode.LIMIT, `a session may hold at most ${max} subscriptions`);
    }
    // Asked before the subscription is filed, so a provider that throws leaves nothing behind.
    const snapshot = this.snapshotFor(destination);
    const subscription = new Subscription({
      id,
      destination,
      routeKey: destination.kind === DestinationKind.USER ? userRouteKey(this.login!, name) : name,
      ack,
      rule,
      owner: this,
      subscriptionLine: `subscription:${this.version === '1.0' ? id : escapeHeader(id, this.version)}\n`,
    });
    this.subscriptions.set(id, subscription);
    let watched: Promise<void> | undefined;
    try {
      watched = this.host.router.add(subscription);
    } catch (error) {
      this.subscriptions.delete(id);
      throw error;
    }
    // In a cluster the RECEIPT waits until other nodes' messages for it reach this node.
    if (watched !== undefined) this.receipts.hold(watched);
    // Nothing can be published between `add` and here (one synchronous turn), so the snapshot is
    // the subscription's first MESSAGE, and every later publish comes after it. It goes through
    // `offer` like any topic message, so the destination's slow-consumer policy applies to it too.
    if (snapshot !== undefined) this.offer(subscription, snapshot);
  }

  /** The current state a provider registered with `Broker.registerSnapshot` has for a new subscription. */
  private snapshotFor(destination: Destination): OutboundMessage | undefined {
    if (destination.kind !== DestinationKind.TOPIC && destination.kind !== DestinationKind.USER)
      return undefined;
    const snapshot = this.host.snapshots.take({
      login: this.login!,
      sessionId: this.id,
      destination: destination.name,
    });
    if (snapshot === undefined) return undefined;
    const body =
      typeof snapshot.body === 'string' ? textEncoder.encode(snapshot.body) : copyBytes(snapshot.body);
    return new OutboundMessage(
      destination.name,
      this.host.ids.nextMessageId(),
      forwardedHeaders(snapshot.headers ?? []),
      body,
    );
  }

  private onUnsubscribe(frame: Frame): void {
    // STOMP 1.0 let a client unsubscribe by destination.
    const id =
      getHeader(frame.headers, 'id') ??
      (this.version === '1.0' ? getHeader(frame.headers, 'destination') : undefined) ??
      required(frame, 'id');
    const subscription = this.subscriptions.get(id);
    if (subscription === undefined) {
      throw new BrokerError(BrokerErrorCode.UNKNOWN_SUBSCRIPTION, `no subscription ${id}`);
    }
    this.removeSubscription(subscription);
  }

  private removeSubscription(subscription: Subscription): void {
    this.subscriptions.delete(subscription.id);
    this.conflated.delete(subscription);
    for (const key of subscription.unacked.keys()) this.ackIndex.delete(key);
    // Unacknowledged queue messages go back to the queue, for another subscriber.
    this.host.router.remove(subscription);
  }

  // ── ACK, NACK ──────────────────────────────────────────────────────────────────────────────────

  private onAck(frame: Frame, nack: boolean): void {
    const { subscription, key } = this.findDelivery(frame);
    const transaction = getHeader(frame.headers, 'transaction');
    if (transaction !== undefined) {
      this.transactions.add(transaction, { kind: nack ? 'nack' : 'ack', subscription, key });
      return;
    }
    this.settle(subscription, key, nack);
  }

  /** Which delivery an ACK or NACK names: STOMP 1.2 by `id` (the MESSAGE's `ack`), 1.1 by `message-id` and `subscription`, 1.0 by `message-id`. */
  private findDelivery(frame: Frame): { subscription: Subscription; key: string } {
    if (this.version === '1.2') {
      const key = required(frame, 'id');
      const subscription = this.ackIndex.get(key);
      if (subscription === undefined || !subscription.unacked.has(key)) throw unknownAck(key);
      return { subscription, key };
    }
    const key = required(frame, 'message-id');
    const subscriptionId =
      this.version === '1.1' ? required(frame, 'subscription') : getHeader(frame.headers, 'subscription');
    if (subscriptionId !== undefined) {
      const subscription = this.subscriptions.get(subscriptionId);
      if (subscription === undefined) {
        throw new BrokerError(BrokerErrorCode.UNKNOWN_SUBSCRIPTION, `no subscription ${subscriptionId}`);
      }
      if (!subscription.unacked.has(key)) throw unknownAck(key);
      return { subscription, key };
    }
    for (const subscription of this.subscriptions.values()) {
      if (subscription.unacked.has(key)) return { subscription, key };
    }
    throw unknownAck(key);
  }

  /**
   * Applies an ACK or NACK. On a queue a NACK sends the messages back for redelivery, preferably to
   * another subscriber; on a topic or user destination there is nobody else, so a NACK just drops them.
   */
  private settle(subscription: Subscription, key: string, nack: boolean): void {
    const settled = subscription.settle(key);
    for (const delivery of settled) this.ackIndex.delete(delivery.key);
    const queue = subscription.queue;
    if (queue !== undefined) {
      const messages = settled.map((delivery) => delivery.message);
      if (nack && settled.length > 0) {
        queue.requeue(messages, subscription);
      } else {
        queue.acknowledged(messages);
        queue.dispatch();
      }
    }
    // The prefetch window has room again: conflated values held back for it can go.
    if (this.conflated.size > 0) this.releaseConflated();
  }

  // ── Transactions ───────────────────────────────────────────────────────────────────────────────

  /** STOMP 1.2, "COMMIT": everything the transaction holds takes effect, all together. */
  private onCommit(frame: Frame): void {
    const actions = this.transactions.commit(required(frame, 'transaction'));

    // Check first, so that nothing happens unless everything can.
    const queueSends = new Map<string, { count: number; bytes: number }>();
    const handlers = new Map<string, AppHandler>();
    for (const action of actions) {
      if (action.kind !== 'send') continue;
      const { kind, name } = action.destination;
      if (kind === DestinationKind.QUEUE) {
        const sum = queueSends.get(name) ?? { count: 0, bytes: 0 };
        sum.count++;
        sum.bytes += action.body.length;
        queueSends.set(name, sum);
      } else if (kind === DestinationKind.APP && !handlers.has(name)) {
        handlers.set(name, this.handlerFor(name));
      }
    }
    const queueBatch = this.host.router.openQueueBatch(queueSends);

    const receipt = getHeader(frame.headers, 'receipt');
    const batches = new Map<AppHandler, AppMessage[]>();
    for (const action of actions) {
      if (action.kind === 'send') {
        this.host.totals.messagesIn++;
        const { destination, headers, body } = action;
        const handler = handlers.get(destination.name);
        if (handler === undefined) {
          this.route(destination, headers, body, receipt, queueBatch);
        } else {
          const batch = batches.get(handler) ?? [];
          batch.push(this.appMessage(destination.name, headers, body));
          batches.set(handler, batch);
        }
      } else if (this.subscriptions.get(action.subscription.id) === action.subscription) {
        // An ACK already covered by a later cumulative ACK, or a subscription gone since (its messages
        // were given back to the queue), leaves nothing to do.
        this.settle(action.subscription, action.key, action.kind === 'nack');
      }
    }
    // The queue messages are kept all or none (in a cluster, stored in one step); the RECEIPT waits.
    this.holdReceiptsFor(queueBatch.stored(), receipt);
    if (batches.size > 0) this.runBatches(batches, receipt);
  }

  /**
   * Hands a committed transaction's `/app/` messages over: all of one handler's messages together to
   * its `commit`, or one by one, in order, to the handler itself. The COMMIT's receipt waits.
   */
  private runBatches(batches: ReadonlyMap<AppHandler, AppMessage[]>, receipt: string | undefined): void {
    const context = this.context!;
    let current = '';
    const work = (async () => {
      for (const [handler, messages] of batches) {
        current = messages[0]!.destination;
        if (handler.commit !== undefined) {
          await handler.commit(messages, context);
          continue;
        }
        for (const message of messages) {
          current = message.destination;
          await handler(message, context);
        }
      }
    })();
    this.receipts.hold(work.catch((error: unknown) => this.handlerFailed(error, current, receipt)));
  }

  // ── DISCONNECT ─────────────────────────────────────────────────────────────────────────────────

  /**
   * STOMP 1.2, "DISCONNECT": the RECEIPT goes out once everything before it is done (app handlers
   * included), then the connection is closed. Subscriptions end at once, so queue messages move on.
   */
  private onDisconnect(frame: Frame): void {
    const receipt = getHeader(frame.headers, 'receipt');
    this.state = SessionState.CLOSING;
    this.closingSince = this.now();
    this.release();
    this.updateTicking();
    this.receipts.run(() => {
      if (this.transportClosing || this.state === SessionState.CLOSED) return;
      if (receipt !== undefined) this.writeFrame('RECEIPT', [['receipt-id', receipt]]);
      this.end(CloseCode.NORMAL, 'disconnect', 'disconnect');
    });
  }

  private sendReceipt(receiptId: string): void {
    // STOMP 1.2, "RECEIPT": `receipt-id` is the value of the frame's `receipt` header.
    this.receipts.run(() => this.writeFrame('RECEIPT', [['receipt-id', receiptId]]));
  }

  // ── Delivery (SubscriptionOwner) ───────────────────────────────────────────────────────────────

  canTake(subscription: Subscription): boolean {
    if (this.state !== SessionState.CONNECTED) return false;
    if (
      subscription.ack !== AckMode.AUTO &&
      subscription.unacked.size >= this.options.limits.maxUnackedPerSubscription
    )
      return false;
    if (this.outbound.backlogBytes > this.options.limits.maxOutboundBytes) {
      // The queue keeps the message; it tries again when this socket drains.
      this.markBackpressured();
      return false;
    }
    return true;
  }

  deliver(subscription: Subscription, message: OutboundMessage, redelivered: boolean): void {
    this.writeMessage(subscription, message, redelivered);
  }

  /**
   * A topic or user-destination message for one of this session's subscriptions. Below the
   * high-water mark it is written at once. Above it, a `conflate` destination keeps only its latest
   * value; an `error` destination still gets it (nothing is skipped) while the client that published
   * it waits for this reader to drain (`FlowControl`), and only a reader that stays behind for
   * `slowConsumerGraceMs`, or whose backlog would outgrow the high-water mark plus one largest
   * frame, gets `STOMP_ERR_SLOW_CONSUMER`.
   */
  offer(subscription: Subscription, message: OutboundMessage): void {
    if (this.state !== SessionState.CONNECTED) return;
    const limits = this.options.limits;
    // Values held back earlier go first, so a reader never sees an older value after a newer one.
    if (this.conflated.size > 0) this.releaseConflated();
    const backlog = this.outbound.backlogBytes;
    const congested = backlog > limits.maxOutboundBytes;
    const windowFull =
      subscription.ack !== AckMode.AUTO && subscription.unacked.size >= limits.maxUnackedPerSubscription;
    const name = subscription.destination.name;
    if (subscription.rule.slowConsumer === SlowConsumerPolicy.CONFLATE) {
      if (!congested && !windowFull && !this.conflated.has(subscription)) {
        this.writeMessage(subscription, message, false);
        return;
      }
      if (this.conflated.has(subscription)) this.observer.messageDropped('conflated');
      else this.observer.slowConsumer('conflated', name);
      this.conflated.set(subscription, message);
      this.markBackpressured();
      return;
    }
    if (windowFull) {
      this.dropSlowReader(
        name,
        `${subscription.unacked.size} messages on ${name} await acknowledgement, the most allowed`,
      );
      return;
    }
    if (congested) {
      const now = this.now();
      const hardLimit = limits.maxOutboundBytes + this.frameLimit;
      if (backlog + message.body.length > hardLimit) {
        this.dropSlowReader(
          name,
          `${backlog} bytes already wait to be written to this connection; the most is ${hardLimit}`,
        );
        return;
      }
      if (this.behindSince !== undefined && now - this.behindSince > this.options.slowConsumerGraceMs) {
        this.dropSlowReader(name, this.behindDetail(now));
        return;
      }
    }
    const written = this.writeMessage(subscription, message, false);
    if (backlog + written > limits.maxOutboundBytes) this.fallBehind(name);
  }

  /** This reader is over its high-water mark with messages that must not be skipped. */
  private fallBehind(destination: string): void {
    if (this.behindSince === undefined) {
      this.behindSince = this.now();
      this.behindOn = destination;
    }
    this.host.flow.readerBehind(this);
    this.markBackpressured();
  }

  private behindDetail(now: number): string {
    return `more than ${this.options.limits.maxOutboundBytes} bytes have waited to be written to this connection for ${Math.round(now - (this.behindSince ?? now))} ms`;
  }

  private dropSlowReader(destination: string, detail: string): void {
    this.observer.slowConsumer('closed', destination);
    this.fail(new BrokerError(BrokerErrorCode.SLOW_CONSUMER, `too slow reading ${destination}`, { detail }));
  }

  // ── Flow control (FlowParty) ───────────────────────────────────────────────────────────────────

  /** Stops reading this client's socket: what it published waits on readers that are behind. */
  pauseReading(): void {
    if (this.readingPaused || this.transportClosing || this.state === SessionState.CLOSED) return;
    this.readingPaused = true;
    this.observer.publisherPaused();
    this.transport.pause();
  }

  /** Reads this client's socket again; the silence while paused does not count against its heart-beats. */
  resumeReading(): void {
    if (!this.readingPaused) return;
    this.readingPaused = false;
    this.lastReadAt = this.now();
    if (this.transportClosing || this.state === SessionState.CLOSED) return;
    this.transport.resume();
  }

  /** Queues the MESSAGE frame; returns its size in bytes. */
  private writeMessage(subscription: Subscription, message: OutboundMessage, redelivered: boolean): number {
    let ack: string | undefined;
    if (subscription.ack !== AckMode.AUTO) {
      // STOMP 1.2, "MESSAGE": in the client modes a MESSAGE carries an `ack` header for the ACK's `id`.
      // 1.0 and 1.1 acknowledge by `message-id` instead.
      const key = this.version === '1.2' ? `${++this.ackSequence}` : message.messageId;
      subscription.unacked.set(key, { key, message });
      if (this.version === '1.2') {
        this.ackIndex.set(key, subscription);
        ack = key;
      }
    }
    let head: Uint8Array;
    if (ack === undefined && !redelivered) {
      subscription.plainHead ??= textEncoder.encode(
        messageHead(subscription.subscriptionLine, undefined, false),
      );
      head = subscription.plainHead;
    } else {
      head = textEncoder.encode(messageHead(subscription.subscriptionLine, ack, redelivered));
    }
    const tail = message.tail(this.version);
    this.outbound.write([head, tail], message.binary);
    const bytes = head.length + tail.length;
    const totals = this.host.totals;
    totals.messagesOut++;
    totals.framesOut++;
    totals.bytesOut += bytes;
    this.observer.frameOut('MESSAGE', bytes);
    return bytes;
  }

  /** Sends held-back values while the socket has room and their subscriptions' windows allow. */
  private releaseConflated(): void {
    const limits = this.options.limits;
    for (const [subscription, message] of this.conflated) {
      if (this.outbound.backlogBytes > limits.maxOutboundBytes) return;
      if (subscription.ack !== AckMode.AUTO && subscription.unacked.size >= limits.maxUnackedPerSubscription)
        continue;
      this.conflated.delete(subscription);
      this.writeMessage(subscription, message, false);
    }
  }

  private markBackpressured(): void {
    if (this.backpressured) return;
    this.backpressured = true;
    this.updateTicking();
  }

  /** The socket may have drained: release held-back values and let queues try this session again. */
  private releaseBackpressure(): void {
    if (this.state !== SessionState.CONNECTED) return;
    const backlog = this.outbound.backlogBytes;
    const highWater = this.options.limits.maxOutboundBytes;
    // Publishers waiting for this reader go on once it is half-way drained, not at every dip below the mark.
    if (this.behindSince !== undefined && backlog <= highWater / 2) {
      this.behindSince = undefined;
      this.host.flow.readerClear(this);
    }
    if (backlog > highWater) return;
    this.backpressured = false;
    this.releaseConflated();
    if (this.conflated.size > 0) this.backpressured = true;
    for (const subscription of this.subscriptions.values()) subscription.queue?.dispatch();
    this.updateTicking();
  }

  /** Called by adapters when the socket's buffer has emptied. */
  drained(): void {
    if (this.backpressured) this.releaseBackpressure();
  }

  // ── Timing (Tickable) ──────────────────────────────────────────────────────────────────────────

  tick(now: number): void {
    switch (this.state) {
      case SessionState.AWAIT_CONNECT:
        if (now - this.openedAt >= this.options.connectTimeoutMs) {
          this.fail(
            new BrokerError(
              BrokerErrorCode.CONNECT_TIMEOUT,
              `no CONNECT within ${this.options.connectTimeoutMs} ms`,
            ),
          );
        }
        return;
      case SessionState.CONNECTED:
        // STOMP 1.2, "Heart-beating": the peer is considered dead after silence well past the
        // agreed interval; here, twice the interval plus a grace for network jitter.
        if (
          this.expectEvery > 0 &&
          !this.readingPaused &&
          now - this.lastReadAt > 2 * this.expectEvery + this.options.heartBeatGraceMs
        ) {
          this.fail(
            new BrokerError(
              BrokerErrorCode.HEARTBEAT_TIMEOUT,
              `nothing received for ${Math.round(now - this.lastReadAt)} ms`,
              { detail: `heart-beats were agreed every ${this.expectEvery} ms` },
            ),
          );
          return;
        }
        // Send one tick early rather than one tick late.
        if (
          this.sendEvery > 0 &&
          this.outbound.isIdle &&
          now - this.outbound.lastWriteAt >= this.sendEvery - this.options.timerResolutionMs
        ) {
          this.outbound.write(HEARTBEAT_BYTES, false);
          this.host.totals.bytesOut += 1;
          this.observer.frameOut('HEARTBEAT', 1);
        }
        if (this.backpressured) this.releaseBackpressure();
        if (this.behindSince !== undefined && now - this.behindSince > this.options.slowConsumerGraceMs) {
          this.dropSlowReader(this.behindOn, this.behindDetail(now));
        }
        return;
      case SessionState.CLOSING:
        // A DISCONNECT waiting on app handlers does not wait forever.
        if (!this.transportClosing && now - this.closingSince >= this.options.connectTimeoutMs) {
          this.end(CloseCode.NORMAL, 'disconnect', 'disconnect');
        }
        return;
      case SessionState.CLOSED:
        return;
    }
  }

  /** Joins the shared clock only while there is something to time. */
  private updateTicking(): void {
    const watched =
      this.state === SessionState.AWAIT_CONNECT ||
      (this.state === SessionState.CLOSING && !this.transportClosing) ||
      (this.state === SessionState.CONNECTED &&
        (this.sendEvery > 0 || this.expectEvery > 0 || this.backpressured));
    if (watched) this.host.clock.add(this);
    else this.host.clock.delete(this);
  }

  // ── Output ─────────────────────────────────────────────────────────────────────────────────────

  private writeFrame(command: Command, headers: Headers, body?: string): void {
    const { bytes, binary } = encodeFrame(
      body === undefined ? { command, headers } : { command, headers, body },
      {
        version: this.version,
      },
    );
    this.outbound.write(bytes, binary);
    this.host.totals.framesOut++;
    this.host.totals.bytesOut += bytes.length;
    this.observer.frameOut(command, bytes.length);
  }

  private readonly onSendFailed = (error: unknown): void => {
    this.logger.warn({ err: error }, 'the transport refused bytes; closing');
    this.end(CloseCode.SERVER_ERROR, 'send failed', 'transport-error');
  };

  // ── Endings ────────────────────────────────────────────────────────────────────────────────────

  /**
   * The one place a session fault is reported: one ERROR frame, then the close (STOMP 1.2, "ERROR":
   * the server closes the connection after sending it; "Connection Lingering": the transport flushes
   * what was sent before it closes). `receiptId` is the `receipt` of the frame at fault, used when the
   * error does not carry its own. The ERROR also carries a `code` header (`STOMP_ERR_…`), an
   * extension clients may ignore and tests and tools can branch on.
   */
  fail(error: unknown, receiptId?: string): void {
    if (this.transportClosing || this.state === SessionState.CLOSED) return;
    const fault = toProtocolFault(error);
    if (fault === error) this.logger.debug({ code: fault.code, reason: fault.message }, 'protocol error');
    else this.logger.error({ err: error }, 'internal error');
    this.host.totals.errors++;
    this.observer.protocolError(fault.code);
    this.held = undefined;
    this.writeError(fault, fault.receiptId ?? receiptId);
    this.end(closeCodeFor(fault), closeReason(fault.message), fault.code);
  }

  private writeError(fault: ProtocolFault, receiptId: string | undefined): void {
    const headers: Header[] = [
      ['message', oneLine(fault.message)],
      ['code', fault.code],
    ];
    if (receiptId !== undefined) headers.push(['receipt-id', receiptId]);
    // STOMP 1.2, "Protocol Negotiation": the ERROR lists the versions the server speaks.
    if (fault.code === StompErrorCode.UNSUPPORTED_VERSION)
      headers.push(['version', SUPPORTED_VERSIONS.join(',')]);
    headers.push(['content-type', 'text/plain']);
    const detail = fault instanceof BrokerError && fault.detail !== undefined ? fault.detail : fault.message;
    try {
      this.writeFrame('ERROR', headers, `${detail}\n`);
    } catch (error) {
      // Only a receipt id the version cannot carry gets here; the ERROR still goes out without it.
      this.logger.warn({ err: error }, 'ERROR frame sent without its receipt-id');
      this.writeFrame('ERROR', [headers[0]!, headers[1]!], `${detail}\n`);
    }
  }

  /** Ends the session from this side: no more input, output flushed, transport closed. */
  private end(code: CloseCode, reason: string, why: string): void {
    if (this.transportClosing || this.state === SessionState.CLOSED) return;
    this.transportClosing = true;
    this.state = SessionState.CLOSING;
    this.release();
    this.outbound.flush();
    this.outbound.close();
    this.host.clock.delete(this);
    this.reportClosed(why);
    this.transport.close(code, reason);
  }

  /** The transport is gone (`Connection.closed`): idempotent. */
  private transportClosed(): void {
    if (this.state === SessionState.CLOSED) return;
    this.state = SessionState.CLOSED;
    this.release();
    this.outbound.close();
    this.host.clock.delete(this);
    this.reportClosed('transport-closed');
    this.host.removed(this);
  }

  private closedReported = false;

  private reportClosed(why: string): void {
    if (!this.wasConnected || this.closedReported) return;
    this.closedReported = true;
    this.observer.sessionClosed(this.version, why);
    this.logger.debug({ why }, 'session closed');
  }

  /** Gives back everything the session holds: subscriptions (queue messages go to others), transactions, held frames. */
  private release(): void {
    this.held = undefined;
    this.transactions.clear();
    this.conflated.clear();
    this.backpressured = false;
    this.behindSince = undefined;
    this.host.flow.forget(this);
    const subscriptions = [...this.subscriptions.values()];
    this.subscriptions.clear();
    this.ackIndex.clear();
    for (const subscription of subscriptions) this.host.router.remove(subscription);
  }

  /** Sends ERROR `STOMP_ERR_SHUTTING_DOWN` and closes with 1001. */
  shutdown(reason: string): void {
    this.fail(new BrokerError(BrokerErrorCode.SHUTTING_DOWN, 'server shutting down', { detail: reason }));
  }
}

function required(frame: Frame, name: string): string {
  const value = getHeader(frame.headers, name);
  if (value === undefined) {
    throw new BrokerError(BrokerErrorCode.MISSING_HEADER, `${frame.command} needs the ${name} header`);
  }
  return value;
}

function unknownAck(key: string): BrokerError {
  return new BrokerError(BrokerErrorCode.UNKNOWN_ACK, `no message ${key} awaits acknowledgement`);
}

/**
 * The version to speak: the WebSocket subprotocol's, when the client also lists it in
 * `accept-version`; otherwise the highest both sides speak (STOMP 1.2, "Protocol Negotiation").
 * `accept-version` absent means 1.0. Throws `STOMP_ERR_UNSUPPORTED_VERSION` when there is none.
 */
export function chooseVersion(
  acceptVersion: string | undefined,
  subprotocolVersion?: StompVersion,
): StompVersion {
  if (subprotocolVersion !== undefined) {
    const offered =
      acceptVersion === undefined ? ['1.0'] : acceptVersion.split(',').map((token) => token.trim());
    if (offered.includes(subprotocolVersion)) return subprotocolVersion;
  }
  return negotiateVersion(acceptVersion);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/** A frame's size as the broker sees it (headers unescaped): close enough for metrics, cheap to count. */
function frameSize(frame: Frame): number {
  let size = frame.command.length + 2 + frame.body.length + 1;
  for (const [name, value] of frame.headers) size += name.length + value.length + 2;
  return size;
}

/** Peer-supplied text, bounded and with control characters escaped, for messages. */
function printable(text: string): string {
  const shown = text.length > 64 ? `${text.slice(0, 64)}…` : text;
  return JSON.stringify(shown);
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/** A WebSocket close reason holds at most 123 bytes (RFC 6455, section 5.5). */
function closeReason(text: string): string {
  let reason = oneLine(text);
  while (utf8Length(reason) > 123) reason = reason.slice(0, -1);
  return reason;
}
