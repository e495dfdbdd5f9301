import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyInput, Physics, step, TICK_SECONDS } from '../src/index';
import { gameWith, input, play, player, run, scriptArbitrary, speed, withPlayer } from './helpers';

const bounds = { width: 1600, height: 1000 };
const r = Physics.playerRadius;

describe('movement', () => {
  it('accelerates in the direction of the keys held', () => {
    const start = withPlayer(gameWith(1), 1, { x: 800, y: 500 });
    const after = run(start, 5, { 1: input({ right: true, up: true }) });
    const p = player(after, 1);
    expect(p.x).toBeGreaterThan(800);
    expect(p.y).toBeLessThan(500);
    expect(p.vx).toBeGreaterThan(0);
    expect(p.vy).toBeLessThan(0);
    expect(Math.abs(p.vx)).toBeCloseTo(Math.abs(p.vy), 0);
  });

  it('never goes faster than the top speed under its own power', () => {
    fc.assert(
      fc.property(scriptArbitrary(1, 120), (script) => {
        const noDash = script.map((tick) =>
          tick.map((value) => (value ? { ...value, action: false } : null)),
        );
        for (const state of play(gameWith(1), noDash)) {
          expect(speed(player(state, 1))).toBeLessThanOrEqual(Physics.maxSpeed);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('reaches the top speed holding one key, and stops after letting go', () => {
    const start = withPlayer(gameWith(1), 1, { x: 200, y: 500 });
    const moving = run(start, 15, { 1: input({ right: true }) });
    expect(player(moving, 1).vx).toBe(Physics.maxSpeed);
    const stopped = run(moving, 60, {});
    expect(player(stopped, 1).vx).toBe(0);
  });

  it('keeps every player inside the walls, whatever the inputs, dashes included', () => {
    fc.assert(
      fc.property(scriptArbitrary(3, 150), (script) => {
        for (const state of play(gameWith(3, { orbCount: 4 }), script)) {
          for (const p of state.players) {
            expect(p.x).toBeGreaterThanOrEqual(r);
            expect(p.x).toBeLessThanOrEqual(bounds.width - r);
            expect(p.y).toBeGreaterThanOrEqual(r);
            expect(p.y).toBeLessThanOrEqual(bounds.height - r);
            expect(speed(p)).toBeLessThanOrEqual(Math.max(Physics.dashSpeed, Physics.bumpSpeed) + 1e-9);
          }
        }
      }),
      { numRuns: 80 },
    );
  });

  it('bounces off a wall with part of its speed', () => {
    const p = { ...player(gameWith(1), 1), x: r + 1, y: 500, vx: -200, vy: 0 };
    const after = applyInput(p, input({ left: true }), TICK_SECONDS, bounds);
    expect(after.x).toBe(r);
    expect(after.vx).toBeGreaterThan(0);
    expect(after.vx).toBeLessThan(200);
  });

  it('dashes at dash speed, then waits out the cooldown before the next dash', () => {
    let p = { ...player(gameWith(1), 1), x: 200, y: 500 };
    p = applyInput(p, input({ right: true, action: true }), TICK_SECONDS, bounds);
    expect(p.vx).toBe(Physics.dashSpeed);
    expect(p.dashCooldown).toBe(Physics.dashCooldownTicks);
    for (let i = 1; i < Physics.dashCooldownTicks; i++) {
      p = applyInput(p, input({ down: true, action: true }), TICK_SECONDS, bounds);
      // The first dash runs its course to the right; no second one starts downward.
      if (i < Physics.dashTicks) expect(p.vx).toBe(Physics.dashSpeed);
      expect(p.vy).toBeLessThanOrEqual(Physics.maxSpeed);
    }
    p = applyInput(p, input({ down: true, action: true }), TICK_SECONDS, bounds);
    expect(p.vy).toBe(Physics.dashSpeed);
  });

  it('ignores the keys while stunned', () => {
    const p = { ...player(gameWith(1), 1), x: 800, y: 500, stunTicks: 3 };
    const after = applyInput(p, input({ right: true, action: true }), TICK_SECONDS, bounds);
    expect([after.vx, after.vy, after.dashTicks, after.stunTicks]).toEqual([0, 0, 0, 2]);
  });

  it('keeps positions and velocities on the 1/16 grid the wire carries exactly', () => {
    fc.assert(
      fc.property(scriptArbitrary(2, 60), (script) => {
        const last = play(gameWith(2, { orbCount: 3 }), script).at(-1)!;
        for (const p of last.players) {
          for (const value of [p.x, p.y, p.vx, p.vy])
            expect(Number.isInteger(value * Physics.gridScale)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('moves a player alone exactly as applyInput predicts, so client prediction matches the server', () => {
    fc.assert(
      fc.property(scriptArbitrary(1, 60), (script) => {
        let predicted = player(gameWith(1), 1);
        let state = gameWith(1);
        for (const [value] of script) {
          const given = value ?? input({}, 0);
          predicted = applyInput(predicted, given, TICK_SECONDS, bounds);
          state = step(state, value ? new Map([[1, value]]) : new Map());
          expect(player(state, 1)).toEqual(predicted);
        }
      }),
      { numRuns: 200 },
    );
  });
});
