import { describe, expect, it } from 'vitest';
import {
  addPlayer,
  botInput,
  createBotMemory,
  createGame,
  type GameState,
  removePlayer,
  step,
} from '../src/index';
import { player } from './helpers';

describe('players joining and leaving', () => {
  it('places a new player apart from those already playing', () => {
    let state = createGame({ seed: 1 });
    for (let id = 1; id <= 8; id++) state = addPlayer(state, id);
    const [a, b] = [player(state, 7), player(state, 8)];
    expect(Math.sqrt((a.x - b.x) ** 2 + (a.y - b.y) ** 2)).toBeGreaterThan(32);
    expect(state.players.map((p) => p.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('refuses an id already playing, or one that is not a positive whole number', () => {
    const state = addPlayer(createGame({ seed: 1 }), 1);
    expect(() => addPlayer(state, 1)).toThrow(RangeError);
    expect(() => addPlayer(state, 0)).toThrow(RangeError);
    expect(() => addPlayer(state, 1.5)).toThrow(RangeError);
  });

  it('removes a player, and ignores one that is not there', () => {
    const state = addPlayer(addPlayer(createGame({ seed: 1 }), 1), 2);
    expect(removePlayer(state, 1).players.map((p) => p.id)).toEqual([2]);
    expect(removePlayer(state, 9)).toBe(state);
  });

  it('refuses an arena too large for the wire format', () => {
    expect(() => createGame({ seed: 1, arena: { width: 5000, height: 100, orbCount: 1 } })).toThrow(
      RangeError,
    );
  });
});

describe('bots', () => {
  function playBots(state: GameState, ids: number[], ticks: number): GameState {
    const memories = new Map(ids.map((id) => [id, createBotMemory(id)]));
    let current = state;
    for (let i = 0; i < ticks; i++) {
      const inputs = new Map();
      for (const id of ids) {
        const decision = botInput(current, id, memories.get(id)!);
        memories.set(id, decision.memory);
        inputs.set(id, decision.input);
      }
      current = step(current, inputs);
    }
    return current;
  }

  it('collect orbs on their own', () => {
    const state = addPlayer(createGame({ seed: 9, arena: { width: 800, height: 600, orbCount: 10 } }), 1);
    expect(player(playBots(state, [1], 300), 1).score).toBeGreaterThan(2);
  });

  it('head for the nearest orb', () => {
    const start = addPlayer(createGame({ seed: 2, arena: { width: 800, height: 600, orbCount: 1 } }), 1);
    const orb = start.orbs[0]!;
    const me = player(start, 1);
    const { input } = botInput(start, 1, createBotMemory(1));
    expect(input.right).toBe(orb.x > me.x + 6);
    expect(input.left).toBe(orb.x < me.x - 6);
    expect(input.down).toBe(orb.y > me.y + 6);
    expect(input.up).toBe(orb.y < me.y - 6);
  });

  it('wander when there is nothing to collect', () => {
    const state = addPlayer(createGame({ seed: 4, arena: { width: 800, height: 600, orbCount: 0 } }), 1);
    const before = player(state, 1);
    const after = player(playBots(state, [1], 90), 1);
    expect(Math.abs(after.x - before.x) + Math.abs(after.y - before.y)).toBeGreaterThan(50);
  });

  it('play the same game twice from the same seeds', () => {
    let state = createGame({ seed: 6, arena: { width: 800, height: 600, orbCount: 8 } });
    for (let id = 1; id <= 4; id++) state = addPlayer(state, id);
    expect(playBots(state, [1, 2, 3, 4], 200)).toEqual(playBots(state, [1, 2, 3, 4], 200));
  });
});
