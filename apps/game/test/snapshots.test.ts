import {
  decodeSnapshot,
  encodeSnapshot,
  encodeWorld,
  type GameSnapshot,
  type SnapshotSelf,
} from '@stomping-ground/contracts';
import { describe, expect, it } from 'vitest';
import { fromBinary, fromJson, otherFormatBytes } from '../src/game/snapshots';

const me: SnapshotSelf = {
  id: 2,
  x: 100.5,
  y: 200.25,
  vx: 12.5,
  vy: 0,
  score: 3,
  dashTicks: 0,
  dashCooldown: 4,
  stunTicks: 0,
};

const json: GameSnapshot = {
  tick: 120,
  seq: 60,
  players: [
    {
      id: 1,
      name: 'Ada (bot)',
      x: 50.0625,
      y: 60,
      score: 1,
      flags: 4,
      vx: 0,
      vy: 0,
      dashTicks: 0,
      dashCooldown: 0,
      stunTicks: 0,
      lastInput: 0,
    },
    { ...me, name: 'me', flags: 0, lastInput: 77 },
  ],
  orbs: [{ id: 0, x: 10, y: 20, value: 1 }],
};

describe('snapshots', () => {
  it('takes the own player’s exact state and last input out of a JSON snapshot', () => {
    const snapshot = fromJson(json, 2, 500);
    expect(snapshot.you).toEqual(me);
    expect(snapshot.lastInput).toBe(77);
    expect(snapshot.players.map((player) => player.name)).toEqual(['Ada (bot)', 'me']);
  });

  it('has no own state for a spectator', () => {
    expect(fromJson(json, undefined, 500).you).toBeNull();
  });

  it('works out the binary size of a JSON snapshot, and it is much smaller', () => {
    const snapshot = fromJson(json, 2, new TextEncoder().encode(JSON.stringify(json)).length);
    const binary = otherFormatBytes(snapshot, undefined);
    const world = encodeWorld({
      players: snapshot.players.map((player) => ({
        ...player,
        x: Math.round(player.x),
        y: Math.round(player.y),
      })),
      orbs: snapshot.orbs,
    });
    expect(binary).toBe(encodeSnapshot({ tick: 120, seq: 60, baseline: 0, lastInput: 77 }, me, world).length);
    expect(binary * 3).toBeLessThan(snapshot.bytes);
  });

  it('works out the JSON size of a binary snapshot', () => {
    const world = {
      players: json.players.map(({ id, name, score, flags }) => ({ id, name, x: 50, y: 60, score, flags })),
      orbs: json.orbs,
    };
    const bytes = encodeSnapshot({ tick: 120, seq: 60, baseline: 0, lastInput: 77 }, me, encodeWorld(world));
    const snapshot = fromBinary(decodeSnapshot(bytes), bytes.length);
    expect(snapshot.you).toEqual(me);
    expect(otherFormatBytes(snapshot, undefined)).toBeGreaterThan(bytes.length * 3);
  });
});
