import { describe, expect, it } from 'vitest';
import { Predictor } from '../src/netcode/prediction';

/** A toy step for the mechanics: each input moves the player by (dx, dy). */
interface Toy {
  readonly x: number;
  readonly y: number;
}
interface ToyInput {
  readonly seq: number;
  readonly dx: number;
  readonly dy: number;
}
const step = (state: Toy, input: ToyInput): Toy => ({ x: state.x + input.dx, y: state.y + input.dy });
const right = (seq: number): ToyInput => ({ seq, dx: 1, dy: 0 });

describe('Predictor (mechanics)', () => {
  it('predicts nothing before the first snapshot', () => {
    const predictor = new Predictor(step);
    expect(predictor.input(right(1), true)).toBeUndefined();
    expect(predictor.pending).toHaveLength(1);
  });

  it('applies each input at once when predicting', () => {
    const predictor = new Predictor(step);
    predictor.reconcile({ x: 0, y: 0 }, 0, true);
    predictor.input(right(1), true);
    expect(predictor.input(right(2), true)).toEqual({ x: 2, y: 0 });
  });

  it('keeps inputs but does not move without prediction', () => {
    const predictor = new Predictor(step);
    predictor.reconcile({ x: 0, y: 0 }, 0, true);
    expect(predictor.input(right(1), false)).toEqual({ x: 0, y: 0 });
    expect(predictor.pending.map((input) => input.seq)).toEqual([1]);
  });

  it('replays the unacknowledged inputs on the server state: no correction when it agrees', () => {
    const predictor = new Predictor(step);
    predictor.reconcile({ x: 0, y: 0 }, 0, true);
    for (let seq = 1; seq <= 5; seq++) predictor.input(right(seq), true);
    // The server has processed 1..3 and agrees: x = 3.
    const result = predictor.reconcile({ x: 3, y: 0 }, 3, true);
    expect(result.state).toEqual({ x: 5, y: 0 });
    expect(result.correction).toBe(0);
    expect(result.replayed).toBe(2);
    expect(predictor.pending.map((input) => input.seq)).toEqual([4, 5]);
  });

  it('corrects when the server disagrees, keeping the inputs in flight', () => {
    const predictor = new Predictor(step);
    predictor.reconcile({ x: 0, y: 0 }, 0, true);
    for (let seq = 1; seq <= 5; seq++) predictor.input(right(seq), true);
    // A wall stopped the player at x = 1 after input 3.
    const result = predictor.reconcile({ x: 1, y: 0 }, 3, true);
    expect(result.state).toEqual({ x: 3, y: 0 });
    expect(result.correction).toBe(2);
  });

  it('snaps to the server state without reconciliation', () => {
    const predictor = new Predictor(step);
    predictor.reconcile({ x: 0, y: 0 }, 0, true);
    for (let seq = 1; seq <= 5; seq++) predictor.input(right(seq), true);
    const result = predictor.reconcile({ x: 3, y: 0 }, 3, false);
    expect(result.state).toEqual({ x: 3, y: 0 });
    expect(result.correction).toBe(2);
  });

  it('ignores an acknowledgement older than one already seen', () => {
    const predictor = new Predictor(step);
    predictor.reconcile({ x: 0, y: 0 }, 0, true);
    for (let seq = 1; seq <= 4; seq++) predictor.input(right(seq), true);
    predictor.reconcile({ x: 3, y: 0 }, 3, true);
    const stale = predictor.reconcile({ x: 2, y: 0 }, 2, true);
    expect(stale.state).toEqual({ x: 4, y: 0 });
    expect(predictor.acknowledged).toBe(3);
    expect(predictor.pending.map((input) => input.seq)).toEqual([4]);
  });

  it('starts afresh on reset', () => {
    const predictor = new Predictor(step);
    predictor.reconcile({ x: 9, y: 9 }, 7, true);
    predictor.input(right(8), true);
    predictor.reset();
    expect(predictor.state).toBeUndefined();
    expect(predictor.pending).toHaveLength(0);
    expect(predictor.acknowledged).toBe(0);
  });
});
