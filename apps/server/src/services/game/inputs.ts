/**
 * The inputs one player has sent and the room has not applied yet.
 *
 * The room applies at most one input per player per tick, so a client that sends faster than the
 * tick rate gains nothing: its extra inputs wait here, and beyond a small slack (room for network
 * jitter delivering two or three at once) they are refused. Sequence numbers must increase, so a
 * replayed or reordered input is refused too. What an input may ask for is only ever keys: speed,
 * collisions and walls are the simulation's, so there is nothing else to validate.
 */
import type { PlayerInput } from '@stomping-ground/protocol';

export const InputRejection = {
  /** Not an input at all: bad JSON, wrong fields, wrong length. */
  MALFORMED: 'malformed',
  /** The sender has no seat in that room: a spectator, another room's player, or nobody. */
  NOT_PLAYING: 'not-playing',
  /** More inputs than ticks, beyond the slack. */
  FLOOD: 'flood',
  /** A sequence number not above the last one accepted. */
  OUT_OF_ORDER: 'out-of-order',
} as const;
export type InputRejection = (typeof InputRejection)[keyof typeof InputRejection];

export class InputQueue {
  private readonly capacity: number;
  private readonly waiting: PlayerInput[] = [];
  private lastSeq = -1;
  /** The last input applied: repeated (without its dash) in a tick no input arrived for. */
  private held: PlayerInput | undefined;

  constructor(slack: number) {
    this.capacity = slack;
  }

  /** Takes an input in, or says why not. */
  offer(input: PlayerInput): InputRejection | undefined {
    if (input.seq <= this.lastSeq) return InputRejection.OUT_OF_ORDER;
    if (this.waiting.length >= this.capacity) return InputRejection.FLOOD;
    this.lastSeq = input.seq;
    this.waiting.push(input);
    return undefined;
  }

  /**
   * The input for this tick: the oldest waiting one (it becomes the one the next snapshot says was
   * processed), or, when none came in time, the last one's keys again, since a key held down stays
   * held; undefined when there never was one.
   */
  take(): { readonly input: PlayerInput; readonly fresh: boolean } | undefined {
    const next = this.waiting.shift();
    if (next !== undefined) {
      this.held = next;
      return { input: next, fresh: true };
    }
    if (this.held === undefined) return undefined;
    return { input: { ...this.held, action: false }, fresh: false };
  }

  /** A new connection took the seat over: it numbers its inputs afresh. */
  reset(): void {
    this.waiting.length = 0;
    this.lastSeq = -1;
    this.held = undefined;
  }
}
