/**
 * STOMP over WebSocket at `/ws`: a thin adapter from `ws` (through `@fastify/websocket`) to the
 * broker core's Transport port.
 *
 * - Subprotocol: the highest of v12.stomp, v11.stomp, v10.stomp the client offers. `ws` would
 *   take the client's first offer, and older clients (stomp.js, and snippets copied from it) offer
 *   them oldest first.
 * - Origin: checked before the upgrade against the configured allowlist (never the `Host` header,
 *   which a DNS-rebinding page controls), so a foreign page gets a plain 403 and no socket.
 * - Limits per connection: a message larger than the session's frame limit (small before login) is
 *   refused as it arrives, as is one in too many fragments; see `ws-receiver.ts`.
 * - Closing: a peer that does not answer the closing handshake is cut off after `closeGraceMs`.
 * - Messages are handed to the core as bytes, text or binary alike: the STOMP decoder is streaming,
 *   so a frame split across messages and several frames in one message both work.
 */
import websocket from '@fastify/websocket';
import { chooseSubprotocol, STOMP_WEBSOCKET_PATH, versionOfSubprotocol } from '@stomping-ground/protocol';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { RawData, WebSocket } from 'ws';
import type { Transport } from '../core/transport';
import { isOriginAllowed } from './origin';
import { receiverLimits } from './ws-receiver';

/** WebSocket close reasons are at most 123 bytes (RFC 6455, section 5.5). */
function closeReason(reason: string): string {
  return Buffer.byteLength(reason) <= 123 ? reason : `${Buffer.from(reason).subarray(0, 120).toString()}…`;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * Slack over the frame limit for one WebSocket message: a frame just over the limit still reaches
 * the decoder, which answers with a STOMP ERROR (`STOMP_ERR_FRAME_TOO_LARGE`) rather than a bare
 * close 1009; anything larger is refused by `ws` as its header arrives.
 */
const MESSAGE_SLACK_BYTES = 1024;

/**
 * Fragments one message may come in. Browsers and stompjs send each frame as one unfragmented
 * message; many tiny fragments would make `ws` hold an object per fragment.
 */
const MAX_FRAGMENTS_PER_MESSAGE = 1024;

/**
 * Starts the closing handshake, and destroys the socket if the peer has not answered it within
 * `graceMs`: `ws` alone would wait 30 s for a peer that never does.
 */
export function closeWithGrace(socket: WebSocket, code: number, reason: string, graceMs: number): void {
  socket.close(code, closeReason(reason));
  setTimeout(() => socket.terminate(), graceMs).unref();
}

/**
 * A `preValidation` hook for WebSocket routes: a browser handshake from an Origin not configured
 * gets a plain 403 before the upgrade, logged and counted in `/metrics`.
 */
export function refuseForeignOrigins(app: FastifyInstance) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (isOriginAllowed(request.headers.origin, app.config.allowedOrigins)) return;
    app.brokerMetrics.observer.connectionRefused('origin');
    request.log.warn(
      { origin: request.headers.origin, remoteAddress: request.ip, url: request.url },
      'refused a WebSocket handshake from an Origin not allowed',
    );
    return reply
      .code(403)
      .send({ error: 'Forbidden', message: `this Origin may not open ${request.routeOptions.url}` });
  };
}

export interface WebSocketTransportOptions {
  /** After `close`, how long the peer has to answer the closing handshake before the socket is destroyed. */
  readonly closeGraceMs: number;
}

export function webSocketTransport(socket: WebSocket, options: WebSocketTransportOptions): Transport {
  const limits = receiverLimits(socket);
  let closing = false;
  return {
    send(bytes, binary) {
      socket.send(bytes, { binary });
    },
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    close(code, reason) {
      if (closing) return;
      closing = true;
      closeWithGrace(socket, code, reason, options.closeGraceMs);
    },
    pause() {
      socket.pause();
    },
    resume() {
      socket.resume();
    },
    limitInput(maxFrameBytes) {
      limits?.setMaxPayload(maxFrameBytes + MESSAGE_SLACK_BYTES);
    },
  };
}

const websocketPlugin: FastifyPluginAsync = async (app) => {
  const { config, broker } = app;

  await app.register(websocket, {
    options: {
      // The most any connection may send in one message; each connection's own limit (smaller
      // before login) is set by `webSocketTransport.limitInput`.
      maxPayload: config.maxFrameBytes + MESSAGE_SLACK_BYTES,
      perMessageDeflate: config.perMessageDeflate,
      handleProtocols: (offered) => chooseSubprotocol(offered) ?? false,
    },
    // Sessions were already told and closed by the broker's preClose; end whatever is left.
    preClose(done) {
      for (const client of this.websocketServer.clients) client.terminate();
      this.websocketServer.close(() => done());
    },
  });

  app.get(
    STOMP_WEBSOCKET_PATH,
    { websocket: true, preValidation: refuseForeignOrigins(app) },
    (socket, request) => {
      const subprotocolVersion = socket.protocol === '' ? undefined : versionOfSubprotocol(socket.protocol);
      const limits = receiverLimits(socket);
      const connection = broker.connect(webSocketTransport(socket, config), {
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
            config.closeGraceMs,
          );
        });
      }
    },
  );
};

export default fp(websocketPlugin, { name: 'websocket-transport', fastify: '5.x', dependencies: ['broker'] });
