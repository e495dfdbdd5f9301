/**
 * Per-connection input limits for `ws`, which has one `maxPayload` for every connection (its server
 * option) and no public way to change it per connection or to bound how many fragments a message
 * may come in.
 *
 * Its receiver checks each frame's declared length and the message's running total against
 * `_maxPayload` before buffering the payload, so setting that per connection refuses an oversized
 * message (close 1009) as soon as its header arrives: a connection before login cannot make the
 * server buffer more than the pre-login frame limit. The fragments of a message in progress are in
 * `_fragments`; many tiny fragments would cost far more heap than their bytes.
 *
 * Both are private to `ws`: `receiverLimits` checks their shape and returns undefined when they are
 * not there, and a test fails on any `ws` release that changes them.
 */
import type { WebSocket } from 'ws';

interface ReceiverInternals {
  _maxPayload: number;
  _fragments: unknown[];
}

export interface ReceiverLimits {
  /** The largest message payload accepted from now on. */
  setMaxPayload(bytes: number): void;
  /** Fragments of the message in progress. */
  readonly fragments: number;
}

export function receiverLimits(socket: WebSocket): ReceiverLimits | undefined {
  const receiver = (socket as unknown as { _receiver?: Partial<ReceiverInternals> })._receiver;
  if (
    receiver === undefined ||
    typeof receiver._maxPayload !== 'number' ||
    !Array.isArray(receiver._fragments)
  ) {
    return undefined;
  }
  const internals = receiver as ReceiverInternals;
  return {
    setMaxPayload(bytes) {
      internals._maxPayload = bytes;
    },
    get fragments() {
      return internals._fragments.length;
    },
  };
}
