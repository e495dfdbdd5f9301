import { describe, expect, it } from 'vitest';
import { Physics, step } from '../src/index';
import { gameWith, input, player, withPlayer } from './helpers';

const touching = 2 * Physics.playerRadius;

function twoPlayers(a: object, b: object) {
  return withPlayer(withPlayer(gameWith(2), 1, { x: 500, y: 500, ...a }), 2, { x: 520, y: 500, ...b });
}

function distance(state: ReturnType<typeof gameWith>): number {
  const a = player(state, 1);
  const b = player(state, 2);
  return Math.sqrt((a.x - b.x) ** 2 + (a.y - b.y) ** 2);
}

describe('collisions between players', () => {
  it('push overlapping players apart until they just touch', () => {
    const after = step(twoPlayers({}, {}), new Map());
    expect(distance(after)).toBeGreaterThanOrEqual(touching - 0.1);
    expect(player(after, 1).x).toBeLessThan(500);
    expect(player(after, 2).x).toBeGreaterThan(520);
  });

  it('separate two players on the very same spot', () => {
    const state = twoPlayers({}, { x: 500 });
    expect(distance(step(state, new Map()))).toBeGreaterThanOrEqual(touching - 0.1);
  });

  it('are found between any two players, however far apart their ids and the rest', () => {
    let state = gameWith(40);
    state = withPlayer(state, 1, { x: 1200, y: 700 });
    state = withPlayer(state, 40, { x: 1210, y: 690 });
    for (let id = 2; id < 40; id++) state = withPlayer(state, id, { x: 36 * id, y: 100 });
    const after = step(state, new Map());
    const a = player(after, 1);
    const b = player(after, 40);
    expect(Math.sqrt((a.x - b.x) ** 2 + (a.y - b.y) ** 2)).toBeGreaterThanOrEqual(touching - 0.1);
    for (let id = 2; id < 40; id++) expect(player(after, id).x).toBe(36 * id);
  });

  it('trade velocities along the line between them in a head-on knock', () => {
    const state = twoPlayers({ x: 495, vx: 200 }, { x: 520, vx: -100 });
    const after = step(state, new Map());
    expect(player(after, 1).vx).toBeLessThan(0);
    expect(player(after, 2).vx).toBeGreaterThan(0);
  });

  it('let a dash bump a player away, stun them and steal a point', () => {
    const state = twoPlayers({ x: 470, score: 2 }, { x: 520, score: 5 });
    const after = step(state, new Map([[1, input({ right: true, action: true })]]));
    const attacker = player(after, 1);
    const victim = player(after, 2);
    expect(victim.stunTicks).toBe(Physics.stunTicks);
    expect(victim.vx).toBe(Physics.bumpSpeed);
    expect(victim.score).toBe(4);
    expect(attacker.score).toBe(3);
    expect(attacker.dashTicks).toBe(0);
  });

  it('steal nothing from a player with no points', () => {
    const state = twoPlayers({ x: 470 }, { x: 520 });
    const after = step(state, new Map([[1, input({ right: true, action: true })]]));
    expect([player(after, 1).score, player(after, 2).score]).toEqual([0, 0]);
    expect(player(after, 2).stunTicks).toBe(Physics.stunTicks);
  });

  it('do not bump a player who is already stunned', () => {
    const state = twoPlayers({ x: 470 }, { x: 520, stunTicks: 10, score: 3 });
    const after = step(state, new Map([[1, input({ right: true, action: true })]]));
    expect(player(after, 2).score).toBe(3);
    expect(player(after, 2).stunTicks).toBe(9);
  });
});
