/**
 * The broker: sessions, destinations, queues and app handlers, behind the `Transport` port.
 *
 * Adapters call `connect` once per connection and feed the returned `Connection`; server-side
 * services call `publish`, `sendToUser` and `registerAppHandler`. Nothing here knows of Fastify,
 * `ws` or `net`.
 */
import { DEFAULT_DECODER_LIMITS, type Headers, type StompVersion } from '@stomping-ground/protocol';
import { type AppHandler, AppRoutes } from './app-handlers';
import type { BrokerLink } from './broker-link';
import { DestinationKind, parseDestination, toUserDestination } from './destinations';
import { BrokerError, BrokerErrorCode } from './errors';
import { FlowControl } from './flow-control';
import { HeartbeatClock } from './heartbeat-clock';
import { IdSource } from './ids';
import { copyBytes, forwardedHeaders, OutboundMessage } from './message';
import { type BrokerOptions, type ResolvedOptions, resolveOptions } from './options';
import { PreLoginCount } from './pre-login';
import { Router } from './router';
import { Session, type SessionHost, SessionState } from './session';
import { type SnapshotProvider, SnapshotProviders } from './snapshots';
import { type BrokerStats, type BrokerTotals, createTotals } from './stats';
import type { Connection, ConnectionInfo, Transport } from './transport';

export type { AppContext, AppHandler, AppMessage } from './app-handlers';
export type { BrokerObserver } from './observer';

import type { BrokerObserver } from './observer';

export type { BrokerOptions } from './options';
export type { Snapshot, SnapshotContext, SnapshotProvider } from './snapshots';
export type { BrokerStats } from './stats';

const textEncoder = new TextEncoder();

/** A session that had logged in and whose connection is now gone. */
export interface ClosedSession {
  readonly login: string;
  /** The CONNECTED frame's `session`, as `AppMessage.sessionId` gave it. */
  readonly sessionId: string;
}

export type SessionClosedListener = (session: ClosedSession) => void;

export class Broker {
  private readonly options: ResolvedOptions;
  private readonly ids = new IdSource();
  private readonly clock: HeartbeatClock;
  private readonly router: Router;
  private readonly link: BrokerLink;
  private readonly appRoutes = new AppRoutes();
  private readonly snapshots = new SnapshotProviders();
  private readonly sessions = new Set<Session>();
  private readonly closedListeners = new Set<SessionClosedListener>();
  private readonly totals: BrokerTotals = createTotals();
  private readonly flow = new FlowControl();
  private readonly preLogin = new PreLoginCount();
  private readonly host: SessionHost;
  private shutdownPromise: Promise<void> | undefined;
  private allClosed: (() => void) | undefined;
  /** What the link's queue store kept from an earlier run, restored by the constructor. */
  readonly restored: { readonly messages: number; readonly queues: number };

  /**
   * Attaches the link (`link`, or a `LocalLink` with `queueStore`), which restores the queues kept
   * from an earlier run, before anything else. Throws a `RangeError` naming the first option that
   * is out of range.
   */
  constructor(options: BrokerOptions = {}) {
    this.options = resolveOptions(options);
    this.clock = new HeartbeatClock(this.options.timerResolutionMs, () => this.options.clock.now());
    this.link = this.options.link;
    const router = new Router(this.options.limits, this.link);
    this.router = router;
    this.link.attach({
      deliverTopic: (message) => router.deliverTopic(message),
      deliverUser: (login, message) => router.deliverUser(login, message),
      localQueue: (name) => router.localQueue(name),
      enqueueHere: (message) => router.enqueueHere(message),
      assertRoomHere: (sends) => router.assertRoomHere(sends),
      restoreHere: (queue, message, redelivered) => router.restoreHere(queue, message, redelivered),
      observer: this.options.observer,
      maxQueueDepth: this.options.limits.maxQueueDepth,
      maxQueueBytes: this.options.limits.maxQueueBytes,
    });
    this.restored = { messages: router.restoredMessages, queues: router.queueCount };
    this.host = {
      options: this.options,
      router: this.router,
      appRoutes: this.appRoutes,
      snapshots: this.snapshots,
      clock: this.clock,
      ids: this.ids,
      totals: this.totals,
      flow: this.flow,
      publish: (destination, body, headers) => this.publish(destination, body, headers),
      sendToUser: (login, destination, body, headers) => this.sendToUser(login, destination, body, headers),
      removed: (session) => this.removed(session),
      loggedIn: (session) => this.preLogin.remove(session, session.info.remoteAddress),
    };
  }

  /** Where the broker reports what happens (connections, drops, refusals); the transports report there too. */
  get observer(): BrokerObserver {
    return this.options.observer;
  }

  /** The largest frame a logged-in client may send (`limits.postLogin.maxFrameBytes`): what a transport lets through. */
  get maxFrameBytes(): number {
    return this.options.limits.postLogin.maxFrameBytes ?? DEFAULT_DECODER_LIMITS.maxFrameBytes;
  }

  /** Live connections, whatever their session's state. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Publishing clients not being read now, waiting for readers to drain (flow control). */
  get pausedPublishers(): number {
    return this.flow.pausedCount;
  }

  /**
   * Starts a session on a new connection. During shutdown the session is refused at once (ERROR,
   * close 1001), and so it is (ERROR `STOMP_ERR_LIMIT`) when too many connections already wait to
   * log in, in all or from the same address.
   */
  connect(transport: Transport, info: ConnectionInfo): Connection {
    const session = new Session(this.host, transport, info, this.ids.nextSessionId());
    this.sessions.add(session);
    this.totals.connectionsAccepted++;
    if (this.shutdownPromise !== undefined) {
      session.shutdown('the server is shutting down');
      return session.connection;
    }
    const refusal = this.preLoginRefusal(info.remoteAddress);
    if (refusal !== undefined) {
      this.options.observer.connectionRefused('pre-login-limit');
      session.fail(refusal);
      return session.connection;
    }
    this.preLogin.add(session, info.remoteAddress);
    return session.connection;
  }

  private preLoginRefusal(address: string): BrokerError | undefined {
    const { maxPreLoginConnections, maxPreLoginConnectionsPerAddress } = this.options.limits;
    if (this.preLogin.total >= maxPreLoginConnections) {
      return new BrokerError(BrokerErrorCode.LIMIT, 'too many connections are waiting to log in', {
        detail: `${this.preLogin.total} connections are waiting to log in, the most allowed; try again later`,
      });
    }
    if (this.preLogin.from(address) >= maxPreLoginConnectionsPerAddress) {
      return new BrokerError(
        BrokerErrorCode.LIMIT,
        'too many connections from your address are waiting to log in',
        {
          detail: `${maxPreLoginConnectionsPerAddress} connections from your address are waiting to log in, the most allowed; try again later`,
        },
      );
    }
    return undefined;
  }

  /**
   * Publishes to a `/topic/…` (every subscriber) or a `/queue/…` (one consumer, or kept). Client
   * rules do not apply: this is how server-owned topics are fed. Throws a `RangeError` for other
   * destinations and a `BrokerError` (`STOMP_ERR_LIMIT`) when a queue is full. The body is copied.
   */
  publish(destination: string, body: Uint8Array | string, headers: Headers = []): void {
    const parsed = parseDestination(destination);
    if (parsed?.kind !== DestinationKind.TOPIC && parsed?.kind !== DestinationKind.QUEUE) {
      throw new RangeError(`publish takes a /topic/… or /queue/… destination, got "${destination}"`);
    }
    const message = new OutboundMessage(
      destination,
      this.ids.nextMessageId(),
      forwardedHeaders(headers),
      own(body),
    );
    this.totals.messagesIn++;
    if (parsed.kind === DestinationKind.TOPIC) {
      this.router.publishTopic(message);
      return;
    }
    // Keeping it may take a while (a disk write, a round trip to a cluster's Redis): nobody waits
    // here, so a failure is logged and counted rather than thrown.
    this.router.sendToQueue(message)?.catch((error: unknown) => {
      this.options.observer.messageDropped('queue-unavailable');
      this.options.logger.warn({ err: error, destination }, 'a published queue message was not stored');
    });
  }

  /** Whether a session of this node subscribes to the topic now. */
  hasLocalSubscribers(topic: string): boolean {
    return this.router.hasTopicSubscribers(topic);
  }

  /**
   * Publishes to a `/topic/…` for the subscribers of this node only, even in a cluster: for what
   * is about this node itself (its own stats).
   */
  publishLocal(topic: string, body: Uint8Array | string, headers: Headers = []): void {
    if (parseDestination(topic)?.kind !== DestinationKind.TOPIC) {
      throw new RangeError(`publishLocal takes a /topic/… destination, got "${topic}"`);
    }
    this.totals.messagesIn++;
    this.router.deliverTopic(
      new OutboundMessage(topic, this.ids.nextMessageId(), forwardedHeaders(headers), own(body)),
    );
  }

  /**
   * Whether any session subscribes to the `/topic/…` destination now. Publishing to a topic nobody
   * reads costs little, but building the message may not: a service can skip that work. In a
   * cluster, sessions on other nodes count as the cluster last said (within about a second).
   */
  hasSubscribers(topic: string): boolean {
    if (this.router.hasTopicSubscribers(topic)) return true;
    // Other nodes' readers, as the cluster last said: a new reader elsewhere counts within a second.
    return this.link.hasRemoteSubscribers(topic);
  }

  /**
   * Sends to every session of `login` subscribed to the user destination, given as
   * `/user/queue/fills` or `/queue/fills`. Nobody else can receive it. Nothing is kept for a login
   * that is not listening. Throws a `RangeError` for other destinations.
   */
  sendToUser(login: string, destination: string, body: Uint8Array | string, headers: Headers = []): void {
    const userDestination = toUserDestination(destination);
    if (userDestination === undefined) {
      throw new RangeError(`sendToUser takes /user/queue/… or /queue/…, got "${destination}"`);
    }
    const message = new OutboundMessage(
      userDestination,
      this.ids.nextMessageId(),
      forwardedHeaders(headers),
      own(body),
    );
    this.totals.messagesIn++;
    if (!this.router.publishUser(login, message)) this.options.observer.messageDropped('no-subscriber');
  }

  /**
   * Routes SENDs to an `/app/…` destination (exact) or to every destination under a prefix ending in
   * `/`, to `handler`. Returns the function that unregisters it.
   */
  registerAppHandler(destination: string, handler: AppHandler): () => void {
    return this.appRoutes.register(destination, handler);
  }

  /**
   * Gives every new subscription to `destinationOrPrefix` the current state as its first MESSAGE:
   * when a client's SUBSCRIBE is accepted, `provider` is called with who subscribed and where, and
   * what it returns goes to that subscription alone, before any later publish. Takes a `/topic/…`
   * or `/user/queue/…` destination, or a prefix of them ending in `/` or `.` (an exact match wins,
   * then the longest prefix). A provider that throws ends that SUBSCRIBE's session with
   * `STOMP_ERR_INTERNAL`, like a failing app handler. Returns the function that unregisters it.
   */
  registerSnapshot(destinationOrPrefix: string, provider: SnapshotProvider): () => void {
    return this.snapshots.register(destinationOrPrefix, provider);
  }

  /**
   * Calls `listener` whenever the connection of a session that had logged in is gone, however it
   * ended (DISCONNECT, an ERROR, the peer vanishing, shutdown), once per session. This is how a
   * service learns that a client left: a game keeps a dropped player's seat for a while, say.
   * A listener that throws is logged and does not disturb the broker or other listeners.
   * Returns the function that unregisters it.
   */
  onSessionClosed(listener: SessionClosedListener): () => void {
    const registered = (session: ClosedSession) => listener(session);
    this.closedListeners.add(registered);
    return () => {
      this.closedListeners.delete(registered);
    };
  }

  /**
   * Ends every session with ERROR "server shutting down" and close code 1001, refuses new ones, and
   * resolves once every transport has reported closed, or after `shutdownTimeoutMs`. Idempotent.
   */
  shutdown(reason = 'the server is shutting down'): Promise<void> {
    if (this.shutdownPromise !== undefined) return this.shutdownPromise;
    this.shutdownPromise = new Promise<void>((resolve) => {
      const timer = setTimeout(finish, this.options.shutdownTimeoutMs);
      timer.unref?.();
      const sessions = this.sessions;
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
      this.allClosed = () => {
        if (sessions.size === 0) finish();
      };
      for (const session of [...this.sessions]) session.shutdown(reason);
      this.allClosed();
    }).then(() => {
      this.allClosed = undefined;
      this.clock.stop();
    });
    return this.shutdownPromise;
  }

  stats(): BrokerStats {
    const sessionsByVersion: Record<StompVersion, number> = { '1.0': 0, '1.1': 0, '1.2': 0 };
    const connectionsByTransport = { ws: 0, tcp: 0 };
    let sessions = 0;
    let connecting = 0;
    let inputBufferedBytes = 0;
    for (const session of this.sessions) {
      connectionsByTransport[session.info.kind]++;
      inputBufferedBytes += session.inputBufferedBytes;
      if (session.state === SessionState.CONNECTED) {
        sessions++;
        sessionsByVersion[session.version]++;
      } else if (session.state === SessionState.AWAIT_CONNECT) {
        connecting++;
      }
    }
    const queues = this.router.queueStats();
    const queueDepths: Record<string, number> = {};
    for (const queue of queues) queueDepths[queue.destination] = queue.depth + queue.unacked;
    return {
      shuttingDown: this.shutdownPromise !== undefined,
      sessions,
      sessionsByVersion,
      connecting,
      connections: this.sessions.size,
      connectionsByTransport,
      inputBufferedBytes,
      subscriptions: this.router.subscriptionCount,
      destinations: {
        topics: this.router.topicCount,
        queues: this.router.queueCount,
        userDestinations: this.router.userDestinationCount,
      },
      queueDepths,
      queues,
      appHandlers: this.appRoutes.size,
      totals: { ...this.totals },
    };
  }

  private removed(session: Session): void {
    this.sessions.delete(session);
    this.preLogin.remove(session, session.info.remoteAddress);
    if (session.login !== undefined) {
      const closed: ClosedSession = { login: session.login, sessionId: session.id };
      for (const listener of [...this.closedListeners]) {
        try {
          listener(closed);
        } catch (error) {
          this.options.logger.error({ err: error, session: session.id }, 'a session-closed listener failed');
        }
      }
    }
    this.allClosed?.();
  }
}

/** The broker keeps bodies past the call (queues, conflation), so it takes its own copy. */
function own(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? textEncoder.encode(body) : copyBytes(body);
}
