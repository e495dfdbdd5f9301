/**
 * Reconciliation with the real simulation step: the page replays its unacknowledged inputs with
 * game-sim's `applyInput`, exactly as the server applies them, one per tick.
 */
import { applyInput, type PlayerInput, type PlayerState, TICK_SECONDS } from '@stomping-ground/game-sim';
import { describe, expect, it } from 'vitest';
import { Predictor } from '../src/netcode/prediction';

const arena = { width: 1600, height: 1000 };
const step = (state: PlayerState, input: PlayerInput) => applyInput(state, input, TICK_SECONDS, arena);

const start: PlayerState = {
  id: 1,
  x: 400,
  y: 300,
  vx: 0,
  vy: 0,
  score: 0,
  dashTicks: 0,
  dashCooldown: 0,
  stunTicks: 0,
};

function input(seq: number, keys: Partial<Omit<PlayerInput, 'seq'>> = {}): PlayerInput {
  return { seq, up: false, down: false, left: false, right: false, action: false, ...keys };
}

/** What the server does: one input per tick, in order. */
function serverRun(state: PlayerState, inputs: readonly PlayerInput[]): PlayerState {
  return inputs.reduce(step, state);
}

describe('reconciliation with game-sim', () => {
  const inputs = [
    ...Array.from({ length: 10 }, (_, i) => input(i + 1, { right: true })),
    ...Array.from({ length: 5 }, (_, i) => input(i + 11, { right: true, down: true })),
    input(16, { down: true, action: true }),
    ...Array.from({ length: 8 }, (_, i) => input(i + 17)),
  ];

  it('lands exactly on the prediction when the server agrees', () => {
    const predictor = new Predictor(step);
    predictor.reconcile(start, 0, true);
    for (const each of inputs) predictor.input(each, true);
    const predicted = predictor.state!;

    // The server has applied the first 12 inputs when it takes the snapshot.
    const server = serverRun(start, inputs.slice(0, 12));
    const result = predictor.reconcile(server, 12, true);

    expect(result.replayed).toBe(inputs.length - 12);
    expect(result.correction).toBe(0);
    expect(result.state).toEqual(predicted);
    // And the prediction really moved: right and down, with a dash in between.
    expect(predicted.x).toBeGreaterThan(start.x + 50);
    expect(predicted.y).toBeGreaterThan(start.y + 20);
  });

  it('corrects to the server and keeps the inputs in flight when the server disagrees', () => {
    const predictor = new Predictor(step);
    predictor.reconcile(start, 0, true);
    for (const each of inputs.slice(0, 10)) predictor.input(each, true);
    const predicted = predictor.state!;

    // Someone dashed into the player: the server's state after input 6 is elsewhere, stunned.
    const bumped: PlayerState = { ...serverRun(start, inputs.slice(0, 6)), x: 300, vx: -200, stunTicks: 15 };
    const result = predictor.reconcile(bumped, 6, true);

    expect(result.correction).toBeGreaterThan(50);
    expect(result.state).toEqual(serverRun(bumped, inputs.slice(6, 10)));
    expect(result.state).not.toEqual(predicted);
    expect(predictor.pending.map((each) => each.seq)).toEqual([7, 8, 9, 10]);
  });

  it('snaps back to the older server state when reconciliation is off', () => {
    const predictor = new Predictor(step);
    predictor.reconcile(start, 0, true);
    for (const each of inputs.slice(0, 10)) predictor.input(each, true);
    const server = serverRun(start, inputs.slice(0, 6));
    const result = predictor.reconcile(server, 6, false);
    expect(result.state).toEqual(server);
    // The gap is the four inputs still in flight: the rubber band reconciliation removes.
    expect(result.correction).toBeGreaterThan(0);
  });

  it('agrees over a long run with walls, whatever snapshot the acknowledgements arrive in', () => {
    const predictor = new Predictor(step);
    const corner: PlayerState = { ...start, x: 30, y: 30 };
    predictor.reconcile(corner, 0, true);
    const run = Array.from({ length: 90 }, (_, i) =>
      input(i + 1, { left: i < 40, up: i % 3 === 0, right: i >= 40, action: i === 50 }),
    );
    let server = corner;
    let applied = 0;
    for (const each of run) {
      predictor.input(each, true);
      // Every fifth tick a snapshot arrives, three inputs behind (a round trip of three ticks).
      if (each.seq % 5 === 0 && each.seq > 3) {
        server = serverRun(server, run.slice(applied, each.seq - 3));
        applied = each.seq - 3;
        expect(predictor.reconcile(server, applied, true).correction).toBe(0);
      }
    }
  });
});
