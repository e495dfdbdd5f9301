/**
 * The handshake lab's mirror: a WebSocket at `/lab/handshake` that answers the upgrade, sends the
 * requester its own request (the request line and headers as this server received them, the
 * `Sec-WebSocket-Accept` computed from its key, the subprotocol chosen) as one JSON message, and
 * closes. A page cannot read its own upgrade request or the 101 response, so the lesson asks the
 * server (RFC 6455, section 4.2.2).
 *
 * Safe by construction: it answers only on the requester's own socket, drops `Cookie` and
 * `Authorization` from what it echoes, applies the same Origin rule as `/ws`, reads nothing from
 * the socket (it is paused, so a peer cannot make it buffer), cuts off a peer that does not answer
 * its close, and holds no state.
 */
import { createHash } from 'node:crypto';
import { closeWithGrace, refuseForeignOrigins } from '@stomping-ground/broker';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

export const HANDSHAKE_LAB_PATH = '/lab/handshake';

/** RFC 6455, section 1.3: the GUID every server appends to the client's key. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Headers a page might not want shown back on screen, even to itself. */
const WITHHELD = new Set(['cookie', 'authorization', 'proxy-authorization']);

export function acceptFor(key: string): string {
  return createHash('sha1').update(`${key}${WEBSOCKET_GUID}`).digest('base64');
}

export interface HandshakeMirror {
  readonly requestLine: string;
  /** In the order received, names as sent; withheld values replaced. */
  readonly headers: readonly (readonly [string, string])[];
  readonly key: string;
  readonly accept: string;
  readonly subprotocol: string;
}

const handshakeLabPlugin: FastifyPluginAsync = async (app) => {
  const { config } = app;
  app.get(
    HANDSHAKE_LAB_PATH,
    {
      websocket: true,
      preValidation: refuseForeignOrigins({
        allowedOrigins: config.allowedOrigins,
        onRefused: () => app.brokerMetrics.observer.connectionRefused('origin'),
      }),
    },
    (socket, request) => {
      // Nothing is read from the peer: paused, the socket buffers nothing it sends.
      socket.pause();
      const raw = request.raw.rawHeaders;
      const headers: [string, string][] = [];
      for (let index = 0; index + 1 < raw.length; index += 2) {
        const name = raw[index]!;
        headers.push([name, WITHHELD.has(name.toLowerCase()) ? '(withheld)' : raw[index + 1]!]);
      }
      const key = request.headers['sec-websocket-key'];
      const mirror: HandshakeMirror = {
        requestLine: `${request.raw.method} ${request.raw.url} HTTP/${request.raw.httpVersion}`,
        headers,
        key: typeof key === 'string' ? key : '',
        accept: typeof key === 'string' ? acceptFor(key) : '',
        subprotocol: socket.protocol,
      };
      socket.send(JSON.stringify(mirror), () =>
        closeWithGrace(socket, 1000, 'that was your handshake', config.closeGraceMs),
      );
    },
  );
};

export default fp(handshakeLabPlugin, {
  name: 'handshake-lab',
  fastify: '5.x',
  dependencies: ['broker'],
});
