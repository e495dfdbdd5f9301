/**
 * STOMP over WebSocket at `/ws`: a thin adapter from `ws` (through `@fastify/websocket`) to the
 * broker core's Transport port.
 *
 * - Subprotocol: the highest of v12.stomp, v11.stomp, v10.stomp the client offers. `ws` would
 *   take the client's first offer, and older clients (stomp.js, and snippets copied from it) offer
 *   them oldest first.
 * - Origin: checked before the upgrade, so a foreign page gets a plain 403 and no socket.
 * - Messages are handed to the core as bytes, text or binary alike: the STOMP decoder is streaming,
 *   so a frame split across messages and several frames in one message both work.
 */
import websocket from '@fastify/websocket';
import { chooseSubprotocol, STOMP_WEBSOCKET_PATH, versionOfSubprotocol } from '@stomping-ground/protocol';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { RawData, WebSocket } from 'ws';
import type { Transport } from '../core/transport';
import { isOriginAllowed } from './origin';

/** WebSocket close reasons are at most 123 bytes (RFC 6455, section 5.5). */
function closeReason(reason: string): string {
  return Buffer.byteLength(reason) <= 123 ? reason : `${Buffer.from(reason).subarray(0, 120).toString()}…`;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

export function webSocketTransport(socket: WebSocket): Transport {
  return {
    send(bytes, binary) {
      socket.send(bytes, { binary });
    },
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    close(code, reason) {
      socket.close(code, closeReason(reason));
    },
  };
}

const websocketPlugin: FastifyPluginAsync = async (app) => {
  const { config, broker } = app;

  await app.register(websocket, {
    options: {
      // A whole frame may come in one message (stompjs sends it so); the decoder enforces the
      // frame limits, the slack lets its error be a STOMP ERROR rather than a bare close 1009.
      maxPayload: config.maxFrameBytes + 64 * 1024,
      perMessageDeflate: config.perMessageDeflate,
      handleProtocols: (offered) => chooseSubprotocol(offered) ?? false,
    },
    // Sessions were already told and closed by the broker's preClose; end whatever is left.
    preClose(done) {
      for (const client of this.websocketServer.clients) client.terminate();
      this.websocketServer.close(() => done());
    },
  });

  const checkOrigin = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isOriginAllowed(request.headers.origin, request.headers.host, config.allowedOrigins)) {
      request.log.warn(
        { origin: request.headers.origin },
        'refused a WebSocket handshake from a foreign origin',
      );
      return reply.code(403).send({ error: 'Forbidden', message: 'this Origin may not open /ws' });
    }
  };

  app.get(STOMP_WEBSOCKET_PATH, { websocket: true, preValidation: checkOrigin }, (socket, request) => {
    const subprotocolVersion = socket.protocol === '' ? undefined : versionOfSubprotocol(socket.protocol);
    const connection = broker.connect(webSocketTransport(socket), {
      kind: 'ws',
      remoteAddress: request.ip,
      subprotocolVersion,
    });
    socket.on('message', (data) => connection.receive(toBytes(data)));
    socket.on('close', () => connection.closed());
    socket.on('error', (error) => request.log.debug({ err: error }, 'WebSocket error'));
  });
};

export default fp(websocketPlugin, { name: 'websocket-transport', fastify: '5.x', dependencies: ['broker'] });
