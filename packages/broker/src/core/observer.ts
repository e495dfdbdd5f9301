/**
 * The metrics port. Every call is synchronous and sits on a hot path, so an observer should only
 * bump counters. `frameIn`/`frameOut` report heart-beats as the command `HEARTBEAT`.
 */
export interface BrokerObserver {
  /** A frame was read; `bytes` is its size as seen by the broker (headers counted unescaped). */
  frameIn(command: string, bytes: number): void;
  /** A frame was queued for a socket; `bytes` is exact. */
  frameOut(command: string, bytes: number): void;
  /** A session reached CONNECTED with this STOMP version. */
  sessionOpened(version: string): void;
  /** A session that had reached CONNECTED ended: `disconnect`, `transport-closed` or an error code. */
  sessionClosed(version: string, reason: string): void;
  /** A reader fell behind on `destination`: its messages were conflated, or it was closed. */
  slowConsumer(action: 'conflated' | 'closed', destination: string): void;
  /** A session ended with an ERROR frame carrying this code. */
  protocolError(code: string): void;
  /** A client publishing to readers that are behind stopped being read until they drain (flow control). */
  publisherPaused(): void;
  /** A connection was refused before login: `pre-login-limit` (too many waiting to log in). */
  connectionRefused(reason: string): void;
  /** A message reached nobody: `no-subscriber` (a user destination nobody listens on) or `conflated` (replaced by a newer one). */
  messageDropped(reason: string): void;
}

const noop = (): void => {};

export const silentObserver: BrokerObserver = Object.freeze({
  frameIn: noop,
  frameOut: noop,
  sessionOpened: noop,
  sessionClosed: noop,
  slowConsumer: noop,
  protocolError: noop,
  messageDropped: noop,
  publisherPaused: noop,
  connectionRefused: noop,
});
