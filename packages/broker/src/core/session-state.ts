/**
 * A session's state, one variant per phase of the connection. What a phase needs lives in its
 * variant, so code that runs on a connected session receives a `Connected` and finds its login,
 * its subscriptions and its transactions there, never optional.
 *
 *   AWAIT_CONNECT ──CONNECT/STOMP, authenticated──▶ CONNECTED ──DISCONNECT──▶ DISCONNECTING
 *         │                                             │                        │ RECEIPT sent
 *         └──────── any fault: ERROR frame ─────────────┴────────────────────────┴──▶ CLOSING
 *                                                                     transport closed ──▶ CLOSED
 *
 * The transport may close under any of them (the peer went away): the session goes straight to CLOSED.
 */
import type { Frame } from '@stomping-ground/protocol';
import type { AppContext } from './app-handlers';
import type { OutboundMessage } from './message';
import type { Subscription } from './subscription';
import type { Transactions } from './transactions';

export const SessionState = {
  AWAIT_CONNECT: 'AWAIT_CONNECT',
  CONNECTED: 'CONNECTED',
  /** DISCONNECT received: no more frames are read; its RECEIPT waits for the work before it. */
  DISCONNECTING: 'DISCONNECTING',
  /** This side closed the transport (after a fault, or once DISCONNECT was answered). */
  CLOSING: 'CLOSING',
  /** The transport reported closed. */
  CLOSED: 'CLOSED',
} as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

export interface AwaitConnect {
  readonly kind: typeof SessionState.AWAIT_CONNECT;
  /** When the connection opened: a CONNECT must come within `connectTimeoutMs` of it. */
  readonly openedAt: number;
  /** Frames that came while the CONNECT was being authenticated; undefined until a CONNECT comes. */
  held: Frame[] | undefined;
}

export interface Connected {
  readonly kind: typeof SessionState.CONNECTED;
  readonly login: string;
  /** What `/app/` handlers are told of the sender. */
  readonly context: AppContext;
  /** How often this side must write something, and how often it must hear from the client (0: never). */
  readonly sendEvery: number;
  readonly expectEvery: number;
  /** The largest frame accepted from a logged-in client. */
  readonly frameLimit: number;
  readonly subscriptions: Map<string, Subscription>;
  /** STOMP 1.2 `ack` ids to the subscription holding the delivery. */
  readonly ackIndex: Map<string, Subscription>;
  /** The newest message held back per subscription from a slow reader, on `conflate` destinations. */
  readonly conflated: Map<Subscription, OutboundMessage>;
  readonly transactions: Transactions;
  /** The last STOMP 1.2 `ack` id given out. */
  ackSequence: number;
  /** Something was held back from this slow reader and waits for its socket to drain. */
  backpressured: boolean;
  /** Since when this reader has been over its high-water mark with messages that must not be skipped. */
  behindSince: number | undefined;
  /** The destination of the message that put it behind. */
  behindOn: string;
}

export interface Disconnecting {
  readonly kind: typeof SessionState.DISCONNECTING;
  /** When the DISCONNECT came: a RECEIPT waiting on app handlers does not wait forever. */
  readonly since: number;
}

export interface Closing {
  readonly kind: typeof SessionState.CLOSING;
}

export interface Closed {
  readonly kind: typeof SessionState.CLOSED;
}

export type SessionPhase = AwaitConnect | Connected | Disconnecting | Closing | Closed;

export const CLOSING: Closing = Object.freeze({ kind: SessionState.CLOSING });
export const CLOSED: Closed = Object.freeze({ kind: SessionState.CLOSED });

/**
 * Whether leaving this phase for CLOSING or CLOSED ends a session that had logged in: that ending
 * is reported to the observer, once (a session that never logged in was never reported opened).
 */
export function endsALogin(phase: SessionPhase): boolean {
  return phase.kind === SessionState.CONNECTED || phase.kind === SessionState.DISCONNECTING;
}
