/**
 * `stompBroker`: the broker as a Fastify plugin. It creates the `Broker` (decorated as
 * `app.broker`), serves STOMP over WebSocket on a route (`/ws` by default) and, when asked, over
 * raw TCP (decorated as `app.stompTcp`); on close it tells every session "server shutting down"
 * (ERROR, then close 1001) while the listeners still stand, then ends whatever is left.
 *
 *     const app = Fastify();
 *     await app.register(stompBroker, { websocket: { allowedOrigins: ['https://example.com'] } });
 *     await app.listen({ port: 8080 });
 *
 * What a broker holds (its link, a queue store, the authenticator) is passed in
 * `broker`: this plugin owns the broker and its listeners, not what they were given.
 */
import websocket from '@fastify/websocket';
import { chooseSubprotocol, STOMP_WEBSOCKET_PATH, versionOfSubprotocol } from '@stomping-ground/protocol';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { Broker, type BrokerOptions } from './core/broker';
import { wholeNumber } from './core/options';
import { BIND_FAULTS, createStompTcpListener, type StompTcpListener, tcpBindFailure } from './transports/tcp';
import {
  closeWithGrace,
  MAX_FRAGMENTS_PER_MESSAGE,
  MESSAGE_SLACK_BYTES,
  refuseForeignOrigins,
  toBytes,
  webSocketTransport,
} from './transports/websocket';
import { receiverLimits } from './transports/ws-receiver';

export interface WebSocketEndpointOptions {
  /** The route. Default `/ws`. */
  readonly path?: string;
  /**
   * Origins whose pages may open it (RFC 6455, section 10.2). Default none: only clients that send
   * no Origin (native clients, `ws` in Node). Never derived from `Host`, which DNS rebinding controls.
   */
  readonly allowedOrigins?: readonly string[];
  /** permessage-deflate (RFC 7692). Default off: it costs CPU and memory per connection. */
  readonly perMessageDeflate?: boolean;
}

export interface TcpEndpointOptions {
  /** 0 picks a free port (see `app.stompTcp.address()`). */
  readonly port: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /**
   * Whether a port that cannot be bound (taken, privileged) stops the app. Default false: it is
   * logged in one line saying how to move it, and the rest of the app serves.
   */
  readonly required?: boolean;
}

export interface StompBrokerOptions {
  /** The broker's own options: limits, authenticator, heart-beats, link (a cluster's), queue store. */
  readonly broker?: BrokerOptions;
  /** STOMP over WebSocket; `false` turns it off. Default: on, at `/ws`. */
  readonly websocket?: WebSocketEndpointOptions | false;
  /** STOMP over raw TCP. Default off. */
  readonly tcp?: TcpEndpointOptions | false;
  /**
   * After the server closes a connection, how long the peer has to close its side (TCP) or answer
   * the closing handshake (WebSocket) before the socket is destroyed. Default 2000 ms.
   */
  readonly closeGraceMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The broker `stompBroker` created. */
    readonly broker: Broker;
    /** The STOMP-over-TCP listener, or `null` when turned off. */
    readonly stompTcp: StompTcpListener | null;
  }
}

const DEFAULT_CLOSE_GRACE_MS = 2000;

/** Checks the endpoint options at registration (the broker checks its own): a bad value throws a `RangeError` naming it. */
function checkOptions(options: StompBrokerOptions): void {
  if (options.closeGraceMs !== undefined) wholeNumber('closeGraceMs', options.closeGraceMs, 0, 60_000);
  if (options.tcp) {
    wholeNumber('tcp.port', options.tcp.port, 0, 65_535);
    if (options.tcp.host !== undefined && typeof options.tcp.host !== 'string') {
      throw new RangeError(`tcp.host must be a string, got ${String(options.tcp.host)}`);
    }
  }
  if (options.websocket) {
    const { path, allowedOrigins } = options.websocket;
    if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) {
      throw new RangeError(`websocket.path must start with "/", got ${String(path)}`);
    }
    if (allowedOrigins !== undefined) {
      if (!Array.isArray(allowedOrigins)) throw new RangeError('websocket.allowedOrigins must be an array');
      for (const origin of allowedOrigins) {
        // An Origin header is a serialized origin (RFC 6454, section 6.1): scheme://host[:port], no path.
        if (typeof origin !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/i.test(origin)) {
          throw new RangeError(
            `websocket.allowedOrigins: ${String(origin)} is not an origin like https://example.com`,
          );
        }
      }
    }
  }
}

const stompBrokerPlugin: FastifyPluginAsync<StompBrokerOptions> = async (app, options) => {
  checkOptions(options);
  const broker = new Broker({ logger: app.log.child({ component: 'broker' }), ...options.broker });
  const closeGraceMs = options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;
  app.decorate('broker', broker);
  app.addHook('preClose', async () => {
    await broker.shutdown('server shutting down');
  });
  if (options.websocket !== false) {
    await serveWebSocket(app, broker, options.websocket ?? {}, closeGraceMs);
  }
  app.decorate('stompTcp', options.tcp ? serveTcp(app, broker, options.tcp, closeGraceMs) : null);
};

async function serveWebSocket(
  app: FastifyInstance,
  broker: Broker,
  endpoint: WebSocketEndpointOptions,
  closeGraceMs: number,
): Promise<void> {
  if (!app.hasDecorator('websocketServer')) {
    await app.register(websocket, {
      options: {
        // The most any connection may send in one message; each connection's own limit (smaller
        // before login) is set by `webSocketTransport.limitInput`.
        maxPayload: broker.maxFrameBytes + MESSAGE_SLACK_BYTES,
        perMessageDeflate: endpoint.perMessageDeflate ?? false,
        // STOMP wants the highest version both sides speak; `ws` would take the client's first offer.
        handleProtocols: (offered) => chooseSubprotocol(offered) ?? false,
      },
      // Sessions were already told and closed by the broker's preClose; end whatever is left.
      preClose(done) {
        for (const client of this.websocketServer.clients) client.terminate();
        this.websocketServer.close(() => done());
      },
    });
  }
  const originPolicy = {
    allowedOrigins: endpoint.allowedOrigins ?? [],
    onRefused: () => broker.observer.connectionRefused('origin'),
  };
  app.get(
    endpoint.path ?? STOMP_WEBSOCKET_PATH,
    { websocket: true, preValidation: refuseForeignOrigins(originPolicy) },
    (socket, request) => {
      const subprotocolVersion = socket.protocol === '' ? undefined : versionOfSubprotocol(socket.protocol);
      const limits = receiverLimits(socket);
      const connection = broker.connect(webSocketTransport(socket, { closeGraceMs }), {
        kind: 'ws',
        remoteAddress: request.ip,
        subprotocolVersion,
      });
      socket.on('message', (data) => connection.receive(toBytes(data)));
      socket.on('close', () => connection.closed());
      socket.on('error', (error) => request.log.debug({ err: error }, 'WebSocket error'));
      const raw = request.raw.socket;
      // `ws` has no drain event: its socket's tells a slow reader's held-back messages they may go.
      raw.on('drain', () => connection.drained?.());
      if (limits !== undefined) {
        // Runs after `ws` has read each chunk, so the fragments it holds for the message in progress are counted.
        raw.on('data', () => {
          if (limits.fragments <= MAX_FRAGMENTS_PER_MESSAGE) return;
          socket.pause();
          request.log.debug('closed a WebSocket sending a message in too many fragments');
          closeWithGrace(
            socket,
            1009,
            `more than ${MAX_FRAGMENTS_PER_MESSAGE} fragments in one message`,
            closeGraceMs,
          );
        });
      }
    },
  );
}

function serveTcp(
  app: FastifyInstance,
  broker: Broker,
  endpoint: TcpEndpointOptions,
  closeGraceMs: number,
): StompTcpListener {
  const tcp = { port: endpoint.port, host: endpoint.host ?? '127.0.0.1' };
  const log = app.log.child({ component: 'stomp-tcp' });
  const listener = createStompTcpListener(broker, { ...tcp, closeGraceMs, log });
  // Listening starts with the app (`ready()`, which `listen()` calls), not at registration.
  // Unless required, the TCP listener is optional: a port another broker holds (RabbitMQ often has
  // 61613) turns it off with one line saying how to move it, and the rest of the app serves.
  app.addHook('onReady', async () => {
    try {
      await listener.listen();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (endpoint.required || code === undefined || !(code in BIND_FAULTS)) throw error;
      log.error({ code }, tcpBindFailure(tcp, code));
      return;
    }
    log.info(
      { host: tcp.host, port: listener.address().port },
      `STOMP over TCP listening on ${tcp.host}:${listener.address().port}`,
    );
  });
  app.addHook('onClose', async () => {
    if (!listener.server.listening) return;
    const stopped = listener.stopAccepting();
    listener.destroyAll();
    await stopped;
  });
  return listener;
}

/** Registers as `stomp-broker`; it decorates `broker` and `stompTcp` (declared above). */
export const stompBroker = fp(stompBrokerPlugin, { name: 'stomp-broker', fastify: '5.x' });
