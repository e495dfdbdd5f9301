/**
 * The claims of docs/game-netcode.md about the binary snapshot format: the example room the lesson
 * walks through, encoded with the real codec, has exactly the sizes the lesson quotes, and decodes
 * back to what was encoded.
 */
import {
  decodeSnapshot,
  encodeSnapshot,
  encodeWorld,
  type GameSnapshot,
  type SnapshotSelf,
  type SnapshotWorld,
} from '@stomping-ground/contracts';
import { describe, expect, it } from 'vitest';

/** The receiving player, ada, at the simulation's full 1/16-unit precision. */
const ADA: SnapshotSelf = {
  id: 1,
  x: 812.4375,
  y: 430.5,
  vx: 96.25,
  vy: -12.5,
  score: 7,
  dashTicks: 0,
  dashCooldown: 12,
  stunTicks: 0,
};

/** Four players and three orbs, positions in whole units (quantised). */
const KEYFRAME_WORLD: SnapshotWorld = {
  players: [
    { id: 1, name: 'ada', x: 812, y: 430, score: 7, flags: 0 },
    { id: 2, name: 'bot-2', x: 300, y: 700, score: 3, flags: 4 },
    { id: 3, name: 'grace', x: 1204, y: 95, score: 12, flags: 0 },
    { id: 4, name: 'bot-4', x: 640, y: 512, score: 0, flags: 4 },
  ],
  orbs: [
    { id: 0, x: 120, y: 80, value: 1 },
    { id: 5, x: 900, y: 610, value: 3 },
    { id: 9, x: 1500, y: 940, value: 1 },
  ],
};

/** Two ticks later: ada moved 3 units, bot-2 14, grace (−3, +2), bot-4 not at all; no orb changed. */
const NEXT_WORLD: SnapshotWorld = {
  players: [
    { id: 1, name: 'ada', x: 815, y: 430, score: 7, flags: 0 },
    { id: 2, name: 'bot-2', x: 314, y: 700, score: 3, flags: 4 },
    { id: 3, name: 'grace', x: 1201, y: 97, score: 12, flags: 0 },
    { id: 4, name: 'bot-4', x: 640, y: 512, score: 0, flags: 4 },
  ],
  orbs: KEYFRAME_WORLD.orbs,
};
const ADA_NEXT: SnapshotSelf = { ...ADA, x: 815.4375 };

/** The same moment as the room's JSON topic carries it: everyone at full precision. */
const JSON_SNAPSHOT: GameSnapshot = {
  tick: 300,
  seq: 150,
  players: [
    { ...ADA, name: 'ada', flags: 0, lastInput: 412 },
    {
      id: 2,
      name: 'bot-2',
      x: 300.125,
      y: 700.5625,
      vx: -40.5,
      vy: 110.0625,
      score: 3,
      flags: 4,
      dashTicks: 0,
      dashCooldown: 0,
      stunTicks: 0,
      lastInput: 0,
    },
    {
      id: 3,
      name: 'grace',
      x: 1204.25,
      y: 95.375,
      vx: 0,
      vy: 200.5,
      score: 12,
      flags: 0,
      dashTicks: 3,
      dashCooldown: 45,
      stunTicks: 0,
      lastInput: 1030,
    },
    {
      id: 4,
      name: 'bot-4',
      x: 640,
      y: 512.1875,
      vx: 0,
      vy: 0,
      score: 0,
      flags: 4,
      dashTicks: 0,
      dashCooldown: 0,
      stunTicks: 0,
      lastInput: 0,
    },
  ],
  orbs: KEYFRAME_WORLD.orbs,
};

const KEYFRAME_HEADER = { tick: 300, seq: 150, baseline: 0, lastInput: 412 };
const DELTA_HEADER = { tick: 302, seq: 151, baseline: 150, lastInput: 414 };

describe('the example snapshot in the game-netcode lesson', () => {
  it('is 99 bytes as a keyframe: an 18-byte header, a 13-byte "you" block and a 68-byte world', () => {
    const world = encodeWorld(KEYFRAME_WORLD);
    const bytes = encodeSnapshot(KEYFRAME_HEADER, ADA, world);
    expect(world.length).toBe(68);
    expect(encodeSnapshot(KEYFRAME_HEADER, null, world).length).toBe(18 + 68);
    expect(bytes.length).toBe(99);
    expect(bytes[0]).toBe(0xfe);
  });

  it('is 43 bytes as a delta two ticks later, of which the world is 12', () => {
    const world = encodeWorld(NEXT_WORLD, KEYFRAME_WORLD);
    const bytes = encodeSnapshot(DELTA_HEADER, ADA_NEXT, world);
    expect(world.length).toBe(12);
    expect(bytes.length).toBe(43);
  });

  it('decodes the delta against the keyframe to the full next world, with the own state exact', () => {
    const keyframe = decodeSnapshot(encodeSnapshot(KEYFRAME_HEADER, ADA, encodeWorld(KEYFRAME_WORLD)));
    const delta = decodeSnapshot(
      encodeSnapshot(DELTA_HEADER, ADA_NEXT, encodeWorld(NEXT_WORLD, KEYFRAME_WORLD)),
      keyframe,
    );
    expect(delta.players).toEqual(NEXT_WORLD.players);
    expect(delta.orbs).toEqual(NEXT_WORLD.orbs);
    expect(delta.you).toEqual(ADA_NEXT);
    expect(delta.lastInput).toBe(414);
  });

  it('is 737 bytes as JSON: over 7 times the binary keyframe and 17 times the delta', () => {
    const json = new TextEncoder().encode(JSON.stringify(JSON_SNAPSHOT));
    expect(json.length).toBe(737);
    expect(json.length / 99).toBeGreaterThan(7);
    expect(json.length / 43).toBeGreaterThan(17);
  });
});
