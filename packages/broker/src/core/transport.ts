/**
 * The port between the broker core and a connection. The core knows nothing of Fastify, `ws` or
 * `net`: the WebSocket route and the TCP listener are two thin adapters of this interface.
 */
export interface Transport {
  /**
   * Writes bytes holding one or more whole STOMP frames (or heart-beat EOLs).
   * `binary` asks a WebSocket adapter for a binary message; TCP ignores it.
   */
  send(bytes: Uint8Array, binary: boolean): void;
  /** Bytes handed to `send` that the socket has not written yet: how the core sees a slow reader. */
  readonly bufferedAmount: number;
  /**
   * Ends the connection once what was sent is flushed. `code` is a WebSocket close code
   * (1000 normal, 1001 going away, 1002 protocol error, 1008 policy, 1009 too big, 1011 server error);
   * TCP ignores it. `reason` is for people; a WebSocket adapter bounds it to what a close frame holds.
   */
  close(code: number, reason: string): void;
  /**
   * Stops reading from the socket (flow control: a publisher whose readers fall behind waits). Bytes
   * already read may still arrive. The adapter keeps the socket open.
   */
  pause(): void;
  /** Reads from the socket again after `pause`. */
  resume(): void;
  /**
   * Optional: the largest frame the session accepts from now on (the pre-login limit at first, the
   * full one after login). An adapter that buffers a whole message before handing it over (a
   * WebSocket) refuses a larger message as it arrives, rather than after buffering it.
   */
  limitInput?(maxFrameBytes: number): void;
}

/** What an adapter knows about a connection when it opens it. */
export interface ConnectionInfo {
  readonly kind: 'ws' | 'tcp';
  readonly remoteAddress: string;
  /** The STOMP version named by the negotiated WebSocket subprotocol, if any. */
  readonly subprotocolVersion?: '1.0' | '1.1' | '1.2' | undefined;
}

/** What the core gives an adapter for each connection. */
export interface Connection {
  readonly id: string;
  /** Bytes (or a text message) as they came off the socket, in any chunking. */
  receive(chunk: Uint8Array | string): void;
  /** The socket is gone (peer closed, network error, or after `Transport.close`). Idempotent. */
  closed(): void;
  /**
   * Optional for adapters to call: the socket's send buffer has emptied (`bufferedAmount` fell to 0),
   * so a slow reader's held-back messages can go now rather than on the next timer tick.
   */
  drained?(): void;
}

/** WebSocket close codes the core uses (RFC 6455, section 7.4.1). */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  POLICY_VIOLATION: 1008,
  TOO_BIG: 1009,
  SERVER_ERROR: 1011,
  /** RFC 6455 registry: "Try Again Later", a temporary condition. */
  TRY_AGAIN_LATER: 1013,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
