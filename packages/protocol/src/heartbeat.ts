/**
 * Heart-beat header parsing and negotiation (STOMP 1.2, "Heart-beating").
 *
 * Each side states `cx,cy`: the smallest interval it can send at, and the interval it wants to
 * receive at, in milliseconds; 0 means "cannot" or "do not want".
 */
import { StompError, StompErrorCode } from './errors';

export interface HeartBeat {
  /** The smallest interval at which this side can send heart-beats; 0: it cannot. */
  readonly canSend: number;
  /** The interval at which this side wants to receive them; 0: it does not want any. */
  readonly wantsToReceive: number;
}

export const NO_HEART_BEAT: HeartBeat = Object.freeze({ canSend: 0, wantsToReceive: 0 });

/** Parses a `heart-beat` header; absent means `0,0`. */
export function parseHeartBeat(value: string | undefined): HeartBeat {
  if (value === undefined) return NO_HEART_BEAT;
  const match = /^([0-9]{1,9}),([0-9]{1,9})$/.exec(value);
  if (!match) {
    throw new StompError(
      StompErrorCode.INVALID_HEART_BEAT,
      `heart-beat "${value.slice(0, 40)}" is not two comma-separated whole numbers`,
    );
  }
  return { canSend: Number(match[1]), wantsToReceive: Number(match[2]) };
}

export function formatHeartBeat(heartBeat: HeartBeat): string {
  return `${heartBeat.canSend},${heartBeat.wantsToReceive}`;
}

export interface NegotiatedHeartBeat {
  /** How often this side must send something; 0: never. */
  readonly sendEvery: number;
  /** How often this side should hear from the peer; 0: do not check. */
  readonly expectEvery: number;
}

/**
 * The spec's rule, seen from one side: each direction runs at the larger of what the sender can
 * do and what the receiver wants, and is off when either says 0.
 */
export function negotiateHeartBeat(local: HeartBeat, remote: HeartBeat): NegotiatedHeartBeat {
  return {
    sendEvery: direction(local.canSend, remote.wantsToReceive),
    expectEvery: direction(remote.canSend, local.wantsToReceive),
  };
}

function direction(senderCan: number, receiverWants: number): number {
  return senderCan === 0 || receiverWants === 0 ? 0 : Math.max(senderCan, receiverWants);
}
