/**
 * The inputs one player has sent since the room's last tick.
 *
 * A client sends one input per tick, but they do not arrive one per tick: network and timer jitter
 * deliver none in one tick and two in the next. A queue that hands out one per tick never catches
 * up after such a burst (inputs come in exactly as fast as it drains them), so every later input
 * waits behind it: a standing queue, a fixed delay added to every input for the rest of the game.
 *
 * So nothing waits beyond a tick. Each tick takes everything that arrived since the last one and
 * merges it into one step: the newest keys (a key held down is in every input that follows), a
 * dash if any of them asked for one, and the newest sequence number, which the next snapshot
 * acknowledges. A tick with nothing new repeats the held keys without the dash (a key held down
 * stays held), and the late input then merges into the next tick's step: the player takes as many
 * steps as the client predicted, a tick late, rather than one tick late forever.
 *
 * Still one step per tick, so a client that sends faster than the tick rate moves no faster; more
 * than `slack` inputs between two ticks is no honest client and the extras are refused. Sequence
 * numbers must increase, so a replayed or reordered input is refused too. What an input may ask
 * for is only ever keys: speed, collisions and walls are the simulation's.
 */
import type { PlayerInput } from '@stomping-ground/contracts';

export const InputRejection = {
  /** Not an input at all: bad JSON, wrong fields, wrong length. */
  MALFORMED: 'malformed',
  /** The sender has no seat in that room: a spectator, another room's player, or nobody. */
  NOT_PLAYING: 'not-playing',
  /** More inputs between two ticks than the slack allows. */
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
  /** Inputs folded into a later one in the same tick, since the start: how bursty arrivals are. */
  merged = 0;

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
   * The input for this tick: everything that arrived since the last tick, merged (`fresh`: the
   * next snapshot says its `seq` was processed); or, when nothing came, the held keys again
   * without the dash; undefined when there never was an input.
   */
  take(): { readonly input: PlayerInput; readonly fresh: boolean } | undefined {
    const count = this.waiting.length;
    if (count > 0) {
      const newest = this.waiting[count - 1]!;
      const input =
        count === 1 || newest.action === true
          ? newest
          : { ...newest, action: this.waiting.some((waiting) => waiting.action === true) };
      this.merged += count - 1;
      this.waiting.length = 0;
      this.held = input;
      return { input, fresh: true };
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
