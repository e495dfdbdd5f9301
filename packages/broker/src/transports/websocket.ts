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
import { utf8Length } from '@stomping-ground/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { Transport } from '../core/transport';
import { isOriginAllowed } from './origin';
import { receiverLimits } from './ws-receiver';

/** RFC 6455, section 5.5: a control frame's payload is at most 125 bytes, 2 of them the close code. */
const MAX_CLOSE_REASON_BYTES = 123;

/**
 * A close reason `ws` accepts: one line, at most 123 bytes of UTF-8, cut at a character boundary
 * and marked with "…" when the text was longer. Every close, the session's included, goes through
 * here (`closeWithGrace`); `ws` throws on a longer reason.
 */
export function closeReason(text: string): string {
  const line = text.replace(/[\r\n]+/g, ' ');
  if (utf8Length(line) <= MAX_CLOSE_REASON_BYTES) return line;
  const room = MAX_CLOSE_REASON_BYTES - utf8Length('…');
  let bytes = 0;
  let end = 0;
  for (const char of line) {
    bytes += utf8Length(char);
    if (bytes > room) break;
    end += char.length;
  }
  return `${line.slice(0, end)}…`;
}

export function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * Slack over the frame limit for one WebSocket message: a frame just over the limit still reaches
 * the decoder, which answers with a STOMP ERROR (`STOMP_ERR_FRAME_TOO_LARGE`) rather than a bare
 * close 1009; anything larger is refused by `ws` as its header arrives.
 */
export const MESSAGE_SLACK_BYTES = 1024;

/**
 * Fragments one message may come in. Browsers and stompjs send each frame as one unfragmented
 * message; many tiny fragments would make `ws` hold an object per fragment.
 */
export const MAX_FRAGMENTS_PER_MESSAGE = 1024;

/**
 * Starts the closing handshake, and destroys the socket if the peer has not answered it within
 * `graceMs`: `ws` alone would wait 30 s for a peer that never does.
 */
export function closeWithGrace(socket: WebSocket, code: number, reason: string, graceMs: number): void {
  socket.close(code, closeReason(reason));
  setTimeout(() => socket.terminate(), graceMs).unref();
}

/** Who may open a WebSocket route from a browser, and who hears of a refusal. */
export interface OriginPolicy {
  /** Origins allowed to open the route (exact `scheme://host[:port]` strings). */
  readonly allowedOrigins: readonly string[];
  /** Told of each refusal (to count it); the refusal is also logged at warn. */
  readonly onRefused?: () => void;
}

/**
 * A `preValidation` hook for WebSocket routes: a browser handshake from an Origin not allowed gets
 * a plain 403 before the upgrade, logged.
 */
export function refuseForeignOrigins(policy: OriginPolicy) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (isOriginAllowed(request.headers.origin, policy.allowedOrigins)) return;
    policy.onRefused?.();
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
