/**
 * Session-level protocol errors: what the broker refuses once frames are well formed.
 *
 * The codec's own faults (a bad escape, a frame too large, …) are `StompError`s with the codes in
 * `@stomping-ground/protocol`. Everything the broker decides on top of the codec is a `BrokerError`
 * with one of the codes below. Both kinds end the same way (STOMP 1.2, "ERROR"): one ERROR frame,
 * then the connection is closed, in `Session.fail` and nowhere else.
 *
 * Callers branch on `code`, never on `message`: messages are for people and may change.
 */
import { StompError, StompErrorCode } from '@stomping-ground/protocol';
import { CloseCode } from './transport';

export const BrokerErrorCode = {
  /** A frame lacks a header its command requires (`destination` on SEND, `id` on SUBSCRIBE from 1.1, …). */
  MISSING_HEADER: 'STOMP_ERR_MISSING_HEADER',
  /** A header holds a value the broker does not accept, such as `ack:sometimes`. */
  INVALID_HEADER: 'STOMP_ERR_INVALID_HEADER',
  /** A destination outside `/topic/`, `/queue/`, `/user/queue/` and `/app/`, or holding control characters. */
  INVALID_DESTINATION: 'STOMP_ERR_INVALID_DESTINATION',
  /** A SUBSCRIBE reuses the id of a live subscription of the same session. */
  DUPLICATE_SUBSCRIPTION: 'STOMP_ERR_DUPLICATE_SUBSCRIPTION',
  /** An UNSUBSCRIBE (or a 1.1 ACK) names a subscription the session does not have. */
  UNKNOWN_SUBSCRIPTION: 'STOMP_ERR_UNKNOWN_SUBSCRIPTION',
  /** An ACK or NACK names no message awaiting acknowledgement. */
  UNKNOWN_ACK: 'STOMP_ERR_UNKNOWN_ACK',
  /** A frame names a transaction that was never begun, or has ended. */
  UNKNOWN_TRANSACTION: 'STOMP_ERR_UNKNOWN_TRANSACTION',
  /** A BEGIN reuses the name of a transaction still open. */
  DUPLICATE_TRANSACTION: 'STOMP_ERR_DUPLICATE_TRANSACTION',
  /** A frame other than CONNECT or STOMP came before the session was connected. */
  NOT_CONNECTED: 'STOMP_ERR_NOT_CONNECTED',
  /** A second CONNECT or STOMP on a session that already sent one. */
  ALREADY_CONNECTED: 'STOMP_ERR_ALREADY_CONNECTED',
  /** The client sent a frame only a server may send (CONNECTED, MESSAGE, RECEIPT, ERROR). */
  UNEXPECTED_COMMAND: 'STOMP_ERR_UNEXPECTED_COMMAND',
  /** The authenticator refused the credentials. */
  AUTH_FAILED: 'STOMP_ERR_AUTH_FAILED',
  /** A destination rule refuses this SEND or SUBSCRIBE (a server-owned topic, `/user/…`, …). */
  FORBIDDEN: 'STOMP_ERR_FORBIDDEN',
  /** A SEND to an `/app/` destination no server-side handler serves. */
  NO_HANDLER: 'STOMP_ERR_NO_HANDLER',
  /** A bound was reached: subscriptions, transactions, actions, queue depth, frames held before login. */
  LIMIT: 'STOMP_ERR_LIMIT',
  /** The client reads too slowly for a destination whose policy is `error`. */
  SLOW_CONSUMER: 'STOMP_ERR_SLOW_CONSUMER',
  /** No CONNECT arrived within `connectTimeoutMs`. */
  CONNECT_TIMEOUT: 'STOMP_ERR_CONNECT_TIMEOUT',
  /** The client promised heart-beats and went silent (STOMP 1.2, "Heart-beating"). */
  HEARTBEAT_TIMEOUT: 'STOMP_ERR_HEARTBEAT_TIMEOUT',
  /** The server is stopping. */
  SHUTTING_DOWN: 'STOMP_ERR_SHUTTING_DOWN',
  /** Something failed inside the server; the details are in the server log, not on the wire. */
  INTERNAL: 'STOMP_ERR_INTERNAL',
  /** In a cluster, Redis could not be reached, so a message that must be stored there was not: send it again later. */
  UNAVAILABLE: 'STOMP_ERR_UNAVAILABLE',
} as const;

export type BrokerErrorCode = (typeof BrokerErrorCode)[keyof typeof BrokerErrorCode];

export interface BrokerErrorDetails {
  /** The `receipt` header of the frame at fault. */
  readonly receiptId?: string | undefined;
  /** A longer explanation for the ERROR frame's body; the message is used when absent. */
  readonly detail?: string | undefined;
}

export class BrokerError extends Error {
  override readonly name = 'BrokerError';
  readonly code: BrokerErrorCode;
  readonly receiptId: string | undefined;
  readonly detail: string | undefined;

  constructor(code: BrokerErrorCode, message: string, details: BrokerErrorDetails = {}) {
    super(message);
    this.code = code;
    this.receiptId = details.receiptId;
    this.detail = details.detail;
  }
}

export function isBrokerError(value: unknown): value is BrokerError {
  return value instanceof BrokerError;
}

/** Every fault that ends a session with an ERROR frame. */
export type ProtocolFault = StompError | BrokerError;

export type FaultCode = StompErrorCode | BrokerErrorCode;

/** The WebSocket close code (RFC 6455, section 7.4.1) that follows the ERROR frame for each code. */
const CLOSE_CODE_BY_BROKER_CODE: Readonly<Record<BrokerErrorCode, CloseCode>> = {
  STOMP_ERR_MISSING_HEADER: CloseCode.PROTOCOL_ERROR,
  STOMP_ERR_INVALID_HEADER: CloseCode.PROTOCOL_ERROR,
  STOMP_ERR_INVALID_DESTINATION: CloseCode.PROTOCOL_ERROR,
  STOMP_ERR_DUPLICATE_SUBSCRIPTION: CloseCode.PROTOCOL_ERROR,
  STOMP_ERR_UNKNOWN_SUBSCRIPTION: CloseCode.PROTOCOL_ERROR,
  STOMP_ERR_UNKNOWN_ACK: CloseCode.PROTOCOL_ERROR,
  STOMP_ERR_UNKNOWN_TRANSACTION: CloseCode.PROTOCOL_ERROR,
  STOMP_ERR_DUPLICATE_TRANSACTION: CloseCode.PROTOCOL_ERROR,
  STOMP_ERR_NOT_CONNECTED: CloseCode.PROTOCOL_ERROR,
  STOMP_ERR_ALREADY_CONNECTED: CloseCode.PROTOCOL_ERROR,
  STOMP_ERR_UNEXPECTED_COMMAND: CloseCode.PROTOCOL_ERROR,
  STOMP_ERR_AUTH_FAILED: CloseCode.POLICY_VIOLATION,
  STOMP_ERR_FORBIDDEN: CloseCode.POLICY_VIOLATION,
  STOMP_ERR_NO_HANDLER: CloseCode.POLICY_VIOLATION,
  STOMP_ERR_LIMIT: CloseCode.POLICY_VIOLATION,
  STOMP_ERR_SLOW_CONSUMER: CloseCode.POLICY_VIOLATION,
  STOMP_ERR_CONNECT_TIMEOUT: CloseCode.POLICY_VIOLATION,
  STOMP_ERR_HEARTBEAT_TIMEOUT: CloseCode.PROTOCOL_ERROR,
  STOMP_ERR_SHUTTING_DOWN: CloseCode.GOING_AWAY,
  STOMP_ERR_INTERNAL: CloseCode.SERVER_ERROR,
  STOMP_ERR_UNAVAILABLE: CloseCode.TRY_AGAIN_LATER,
};

/** Codec faults about size close with 1009 ("message too big"); every other codec fault is a protocol error. */
const TOO_BIG: ReadonlySet<StompErrorCode> = new Set<StompErrorCode>([
  StompErrorCode.FRAME_TOO_LARGE,
  StompErrorCode.BODY_TOO_LARGE,
  StompErrorCode.HEADER_LINE_TOO_LONG,
  StompErrorCode.TOO_MANY_HEADERS,
]);

export function closeCodeFor(fault: ProtocolFault): CloseCode {
  if (fault instanceof BrokerError) return CLOSE_CODE_BY_BROKER_CODE[fault.code];
  return TOO_BIG.has(fault.code) ? CloseCode.TOO_BIG : CloseCode.PROTOCOL_ERROR;
}

/** Anything thrown becomes a fault; what is neither kind is a bug, reported without its details. */
export function toProtocolFault(error: unknown, internalMessage = 'internal server error'): ProtocolFault {
  if (error instanceof BrokerError || error instanceof StompError) return error;
  return new BrokerError(BrokerErrorCode.INTERNAL, internalMessage);
}
