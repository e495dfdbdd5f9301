/**
 * Client-side prediction with server reconciliation, for the player this page controls.
 *
 * Without prediction a key press travels to the server, is simulated there, and comes back in a
 * snapshot before the player moves: a full round trip of lag on every key. With prediction the page
 * runs the same simulation step the server runs (game-sim's `applyInput`) on its own inputs at
 * once, and draws the result.
 *
 * Each input carries a sequence number. The page keeps every input the server has not yet
 * acknowledged. Every snapshot says, per player, the last input sequence the server processed, and
 * where that left the player. Reconciliation is then:
 *
 *   1. forget the inputs up to and including the acknowledged sequence (the server has them);
 *   2. start from the server's state for the own player (it is the authority);
 *   3. replay the remaining inputs on top of it, in order.
 *
 * When the server agreed with the prediction, step 3 lands exactly where the page already was and
 * nothing visible happens. When it disagreed (a collision the page could not foresee, an input the
 * server dropped) the player is corrected, and the inputs still in flight are kept.
 *
 * With reconciliation switched off, step 3 is skipped: the player snaps to the server's (older)
 * state on every snapshot and then runs ahead again, which is the rubber-banding reconciliation
 * exists to avoid.
 */

export interface Sequenced {
  readonly seq: number;
}

export interface Located {
  readonly x: number;
  readonly y: number;
}

export interface ReconcileResult<S> {
  readonly state: S;
  /** Distance between the prediction before and after this snapshot. */
  readonly correction: number;
  /** Inputs replayed on top of the server's state. */
  readonly replayed: number;
}

export class Predictor<S extends Located, I extends Sequenced> {
  private predicted: S | undefined;
  private readonly unacknowledged: I[] = [];
  private lastAcked = 0;

  /** `apply`: one simulation step of the own player under one input (game-sim's `applyInput`). */
  constructor(private readonly apply: (state: S, input: I) => S) {}

  /** The predicted state, or undefined before the first snapshot. */
  get state(): S | undefined {
    return this.predicted;
  }

  /** Inputs sent that no snapshot has acknowledged yet, oldest first. */
  get pending(): readonly I[] {
    return this.unacknowledged;
  }

  get acknowledged(): number {
    return this.lastAcked;
  }

  /**
   * An input the page just sent. It is kept for replay; with `predict` it is also applied to the
   * predicted state now, so the player moves without waiting for the server.
   */
  input(input: I, predict: boolean): S | undefined {
    this.unacknowledged.push(input);
    if (predict && this.predicted !== undefined) this.predicted = this.apply(this.predicted, input);
    return this.predicted;
  }

  /**
   * A snapshot arrived: `server` is the own player's authoritative state after the server
   * processed input `ackSeq`. With `replay` the inputs after `ackSeq` are applied again on top of
   * it (reconciliation); without, the server's state is taken as it is.
   */
  reconcile(server: S, ackSeq: number, replay: boolean): ReconcileResult<S> {
    // A snapshot acknowledging less than one already seen is older news: it changes nothing.
    if (ackSeq < this.lastAcked && this.predicted !== undefined) {
      return { state: this.predicted, correction: 0, replayed: 0 };
    }
    this.lastAcked = ackSeq;
    while (this.unacknowledged.length > 0 && this.unacknowledged[0]!.seq <= this.lastAcked) {
      this.unacknowledged.shift();
    }

    const before = this.predicted;
    let state = server;
    let replayed = 0;
    if (replay) {
      for (const input of this.unacknowledged) {
        state = this.apply(state, input);
        replayed++;
      }
    }
    this.predicted = state;
    const correction = before === undefined ? 0 : Math.hypot(state.x - before.x, state.y - before.y);
    return { state, correction, replayed };
  }

  /** A new seat (join or resume): nothing predicted, nothing pending. */
  reset(): void {
    this.predicted = undefined;
    this.unacknowledged.length = 0;
    this.lastAcked = 0;
  }
}
