import { describe, expect, it } from 'vitest';
import { addPlayer, createGame, OrbRules, step } from '../src/index';
import { input, player, run, withPlayer } from './helpers';

function gameWithOneOrb() {
  const start = createGame({ seed: 3, arena: { width: 800, height: 600, orbCount: 1 } });
  const orb = start.orbs[0]!;
  return withPlayer(addPlayer(start, 1), 1, { x: orb.x - 40, y: orb.y });
}

describe('orbs', () => {
  it('score their value for the player who touches them', () => {
    const state = gameWithOneOrb();
    const value = state.orbs[0]!.value;
    const after = run(state, 10, { 1: input({ right: true }) });
    expect(player(after, 1).score).toBe(value);
    expect(after.orbs[0]!.active).toBe(false);
  });

  it('score once, however long the player stays on the spot', () => {
    const state = gameWithOneOrb();
    const after = run(state, 30, { 1: input({ right: true }) });
    expect(player(after, 1).score).toBe(state.orbs[0]!.value);
  });

  it('respawn elsewhere after the respawn time, and not before', () => {
    let state = gameWithOneOrb();
    const before = state.orbs[0]!;
    while (state.orbs[0]!.active) state = step(state, new Map([[1, input({ right: true })]]));
    const collectedAt = state.tick;
    state = withPlayer(state, 1, { x: 20, y: 20, vx: 0, vy: 0 });
    while (state.tick < collectedAt + OrbRules.respawnTicks - 1) state = step(state, new Map());
    expect(state.orbs[0]!.active).toBe(false);
    state = step(state, new Map());
    expect(state.orbs[0]!.active).toBe(true);
    expect([state.orbs[0]!.x, state.orbs[0]!.y]).not.toEqual([before.x, before.y]);
  });

  it('go to the lower id when two players reach one in the same tick', () => {
    const start = createGame({ seed: 5, arena: { width: 800, height: 600, orbCount: 1 } });
    const orb = start.orbs[0]!;
    let state = addPlayer(addPlayer(start, 1), 2);
    state = withPlayer(state, 1, { x: orb.x, y: orb.y - 17 });
    state = withPlayer(state, 2, { x: orb.x, y: orb.y + 17 });
    const after = step(state, new Map());
    expect(player(after, 1).score).toBe(orb.value);
    expect(player(after, 2).score).toBe(0);
  });

  it('are placed on whole units inside the margin', () => {
    const state = createGame({ seed: 11, arena: { width: 400, height: 300, orbCount: 200 } });
    for (const orb of state.orbs) {
      expect(Number.isInteger(orb.x) && Number.isInteger(orb.y)).toBe(true);
      expect(orb.x).toBeGreaterThanOrEqual(OrbRules.margin);
      expect(orb.x).toBeLessThan(400 - OrbRules.margin);
      expect([OrbRules.value, OrbRules.goldValue]).toContain(orb.value);
    }
    expect(state.orbs.some((orb) => orb.value === OrbRules.goldValue)).toBe(true);
  });
});
