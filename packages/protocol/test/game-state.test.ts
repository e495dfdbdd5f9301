import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DecodedSnapshot,
  decodeInput,
  decodeSnapshot,
  encodeInput,
  encodeSnapshot,
  encodeWorld,
  GameMessageTag,
  isValidUtf8,
  PlayerFlag,
  type PlayerInput,
  readSnapshotHeader,
  SNAPSHOT_HISTORY,
  type SnapshotPlayer,
  SnapshotReader,
  type SnapshotSelf,
  type SnapshotWorld,
} from '../src/index';

const you: SnapshotSelf = {
  id: 3,
  x: 812.0625,
  y: 40.5,
  vx: -219.9375,
  vy: 0.0625,
  score: 17,
  dashTicks: 2,
  dashCooldown: 40,
  stunTicks: 0,
};

function playerAt(id: number, x: number, y: number, extra: Partial<SnapshotPlayer> = {}): SnapshotPlayer {
  return { id, name: `player-${id}`, x, y, score: 0, flags: 0, ...extra };
}

const world: SnapshotWorld = {
  players: [
    playerAt(1, 100, 200, { score: 4, flags: PlayerFlag.BOT }),
    playerAt(3, 812, 41, { name: 'Zoë ⚡', score: 17, flags: PlayerFlag.DASHING }),
    playerAt(9, 1599, 999),
  ],
  orbs: [
    { id: 0, x: 24, y: 24, value: 1 },
    { id: 5, x: 700, y: 300, value: 3 },
  ],
};

function snapshot(world: SnapshotWorld, baseline?: DecodedSnapshot, seq = 2): Uint8Array {
  const header = { tick: seq * 2, seq, baseline: baseline?.seq ?? 0, lastInput: 55 };
  return encodeSnapshot(header, you, encodeWorld(world, baseline));
}

describe('snapshots', () => {
  it('round-trip a keyframe with the receiver’s own state at full precision', () => {
    const decoded = decodeSnapshot(snapshot(world));
    expect(decoded).toEqual({ tick: 4, seq: 2, baseline: 0, lastInput: 55, you, ...world });
  });

  it('round-trip a keyframe for spectators, without a "you" block', () => {
    const bytes = encodeSnapshot({ tick: 1, seq: 1, baseline: 0, lastInput: 0 }, null, encodeWorld(world));
    expect(decodeSnapshot(bytes)).toEqual({
      tick: 1,
      seq: 1,
      baseline: 0,
      lastInput: 0,
      you: null,
      ...world,
    });
  });

  it('round-trip a delta in which players move, stay, join, leave and change score, and orbs go and come', () => {
    const base = decodeSnapshot(snapshot(world, undefined, 7));
    const next: SnapshotWorld = {
      players: [
        playerAt(1, 100, 200, { score: 4, flags: PlayerFlag.BOT }),
        playerAt(3, 790, 60, { name: 'Zoë ⚡', score: 18, flags: 0 }),
        playerAt(4, 5, 6, { name: 'newcomer', flags: PlayerFlag.AWAY }),
      ],
      orbs: [
        { id: 2, x: 50, y: 60, value: 1 },
        { id: 5, x: 700, y: 300, value: 3 },
      ],
    };
    const decoded = decodeSnapshot(snapshot(next, base, 8), base);
    expect(decoded.baseline).toBe(7);
    expect({ players: decoded.players, orbs: decoded.orbs }).toEqual(next);
  });

  it('decode to the encoded world for any pair of worlds', () => {
    const playerList = fc
      .uniqueArray(
        fc.record({
          id: fc.integer({ min: 1, max: 300 }),
          name: fc.string({ maxLength: 16 }),
          x: fc.integer({ min: 0, max: 4095 }),
          y: fc.integer({ min: 0, max: 4095 }),
          score: fc.nat({ max: 100_000 }),
          flags: fc.integer({ min: 0, max: 15 }),
        }),
        { selector: (player) => player.id, maxLength: 40 },
      )
      .map((players) => players.sort((a, b) => a.id - b.id));
    const orbList = fc
      .uniqueArray(
        fc.record({
          id: fc.nat({ max: 80 }),
          x: fc.nat({ max: 4095 }),
          y: fc.nat({ max: 4095 }),
          value: fc.constantFrom(1, 3),
        }),
        { selector: (orb) => orb.id, maxLength: 30 },
      )
      .map((orbs) => orbs.sort((a, b) => a.id - b.id));
    const worldArbitrary = fc.record({ players: playerList, orbs: orbList });
    fc.assert(
      fc.property(worldArbitrary, worldArbitrary, (first, second) => {
        // A player keeps their name for as long as they play, as in a real room.
        const names = new Map(first.players.map((player) => [player.id, player.name]));
        const next = {
          ...second,
          players: second.players.map((player) => ({ ...player, name: names.get(player.id) ?? player.name })),
        };
        const base = decodeSnapshot(snapshot(first, undefined, 1));
        const decoded = decodeSnapshot(snapshot(next, base, 2), base);
        expect({ players: decoded.players, orbs: decoded.orbs }).toEqual(next);
      }),
      { numRuns: 150 },
    );
  });

  it('start with a tag byte that can never begin UTF-8, so they always travel as binary frames', () => {
    const empty = encodeSnapshot(
      { tick: 0, seq: 1, baseline: 0, lastInput: 0 },
      null,
      encodeWorld({ players: [], orbs: [] }),
    );
    expect(empty[0]).toBe(GameMessageTag.SNAPSHOT);
    expect(isValidUtf8(empty)).toBe(false);
    expect(isValidUtf8(snapshot(world))).toBe(false);
  });

  it('refuse to decode a delta without its baseline, or against the wrong one', () => {
    const base = decodeSnapshot(snapshot(world, undefined, 3));
    const delta = snapshot(world, base, 4);
    expect(() => decodeSnapshot(delta)).toThrow(RangeError);
    expect(() => decodeSnapshot(delta, { ...base, seq: 2 })).toThrow(RangeError);
    expect(readSnapshotHeader(delta)).toEqual({ tick: 8, seq: 4, baseline: 3, lastInput: 55 });
  });

  it('throw only RangeErrors, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const tagged = new Uint8Array([GameMessageTag.SNAPSHOT, ...bytes]);
        for (const candidate of [bytes, tagged]) {
          try {
            decodeSnapshot(candidate);
          } catch (error) {
            expect(error).toBeInstanceOf(RangeError);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('throw a RangeError for every truncation of a valid snapshot', () => {
    const bytes = snapshot(world);
    for (let length = 0; length < bytes.length; length++) {
      expect(() => decodeSnapshot(bytes.subarray(0, length))).toThrow(RangeError);
    }
  });

  it('refuse to encode players out of id order, or an own position outside the fixed-point range', () => {
    expect(() => encodeWorld({ players: [playerAt(2, 0, 0), playerAt(1, 0, 0)], orbs: [] })).toThrow(
      RangeError,
    );
    expect(() =>
      encodeWorld({
        players: [],
        orbs: [
          { id: 1, x: 0, y: 0, value: 1 },
          { id: 1, x: 0, y: 0, value: 1 },
        ],
      }),
    ).toThrow(RangeError);
    const header = { tick: 1, seq: 1, baseline: 0, lastInput: 0 };
    expect(() => encodeSnapshot(header, { ...you, x: 5000 }, new Uint8Array([0, 0]))).toThrow(RangeError);
    expect(() => encodeSnapshot(header, { ...you, vx: -3000 }, new Uint8Array([0, 0]))).toThrow(RangeError);
  });

  describe('sizes', () => {
    const players = Array.from({ length: 100 }, (_, index) =>
      playerAt(index + 1, 100 + index * 13, 100 + index * 7, { name: `bot-${index + 1}`, score: index % 7 }),
    );
    const orbs = Array.from({ length: 40 }, (_, id) => ({ id, x: 30 + id * 30, y: 500, value: 1 }));
    const keyframe: SnapshotWorld = { players, orbs };
    const base = decodeSnapshot(snapshot(keyframe, undefined, 1));

    it('cost three bytes per player who moved less than 64 units since the baseline', () => {
      const moved = { players: players.map((p) => ({ ...p, x: p.x + 14, y: p.y - 14 })), orbs };
      const delta = encodeWorld(moved, base);
      // A count byte for the players, three bytes each, a count byte for the orbs.
      expect(delta.length).toBe(1 + 100 * 3 + 1);
    });

    it('cost one byte per player who did not change, and nothing for unchanged orbs', () => {
      expect(encodeWorld(keyframe, base).length).toBe(1 + 100 + 1);
    });

    it('keep a 100-player delta snapshot, headers and own state included, far below a keyframe', () => {
      const moved = { players: players.map((p) => ({ ...p, x: p.x + 14, y: p.y - 14 })), orbs };
      const delta = snapshot(moved, base, 2);
      const full = snapshot(moved, undefined, 2);
      expect(delta.length).toBeLessThan(340);
      expect(full.length).toBeGreaterThan(2.5 * delta.length);
    });
  });
});

describe('SnapshotReader', () => {
  it('decodes deltas against the snapshots it kept, and says what to ack', () => {
    const reader = new SnapshotReader();
    expect(reader.ack).toBe(0);
    const first = reader.read(snapshot(world, undefined, 1))!;
    expect(reader.ack).toBe(1);
    const moved = { ...world, players: world.players.map((p) => ({ ...p, x: p.x - 1 })) };
    const second = reader.read(snapshot(moved, first, 2));
    expect(second?.players).toEqual(moved.players);
    expect(reader.ack).toBe(2);
  });

  it('skips a delta whose baseline it never had, and a snapshot older than one already read', () => {
    const reader = new SnapshotReader();
    const unknownBase = decodeSnapshot(snapshot(world, undefined, 5));
    expect(reader.read(snapshot(world, unknownBase, 6))).toBeUndefined();
    expect(reader.read(snapshot(world, undefined, 8))).toBeDefined();
    expect(reader.read(snapshot(world, undefined, 7))).toBeUndefined();
    expect(reader.ack).toBe(8);
  });

  it(`forgets baselines older than ${SNAPSHOT_HISTORY} snapshots`, () => {
    const reader = new SnapshotReader();
    const oldest = reader.read(snapshot(world, undefined, 1))!;
    for (let seq = 2; seq <= SNAPSHOT_HISTORY + 1; seq++) reader.read(snapshot(world, undefined, seq));
    expect(reader.read(snapshot(world, oldest, SNAPSHOT_HISTORY + 2))).toBeUndefined();
    reader.reset();
    expect(reader.ack).toBe(0);
  });
});

describe('inputs', () => {
  const keys = fc.record({
    seq: fc.integer({ min: 0, max: 0xffffffff }),
    ack: fc.integer({ min: 0, max: 0xffffffff }),
    up: fc.boolean(),
    down: fc.boolean(),
    left: fc.boolean(),
    right: fc.boolean(),
    action: fc.boolean(),
  });

  it('round-trip in ten binary bytes', () => {
    fc.assert(
      fc.property(keys, (input) => {
        const bytes = encodeInput(input);
        expect(bytes.length).toBe(10);
        expect(decodeInput(bytes)).toEqual(input);
      }),
      { numRuns: 1000 },
    );
  });

  it('are read from JSON too, with action and ack defaulting to false and 0', () => {
    const body = new TextEncoder().encode(
      '{"seq":7,"up":true,"down":false,"left":false,"right":true,"extra":1}',
    );
    expect(decodeInput(body)).toEqual({
      seq: 7,
      up: true,
      down: false,
      left: false,
      right: true,
      action: false,
      ack: 0,
    });
  });

  const malformed: Array<[string, Uint8Array | string]> = [
    ['an empty body', ''],
    [
      'a binary input one byte short',
      encodeInput({ seq: 1, up: true, down: false, left: false, right: false }).subarray(0, 9),
    ],
    [
      'a binary input with unknown key bits',
      new Uint8Array([GameMessageTag.INPUT, 0, 0, 0, 1, 0, 0, 0, 0, 0xff]),
    ],
    ['JSON that is not an object', '[1,2]'],
    ['JSON without seq', '{"up":true,"down":false,"left":false,"right":false}'],
    ['a negative seq', '{"seq":-1,"up":true,"down":false,"left":false,"right":false}'],
    ['a fractional seq', '{"seq":1.5,"up":true,"down":false,"left":false,"right":false}'],
    ['a seq past 2^32', '{"seq":4294967296,"up":true,"down":false,"left":false,"right":false}'],
    ['a key that is not a boolean', '{"seq":1,"up":1,"down":false,"left":false,"right":false}'],
    [
      'an action that is not a boolean',
      '{"seq":1,"up":true,"down":false,"left":false,"right":false,"action":"yes"}',
    ],
    [
      'an ack that is not a whole number',
      '{"seq":1,"up":true,"down":false,"left":false,"right":false,"ack":"3"}',
    ],
    ['a position, which clients never send', '{"seq":1,"x":100,"y":100}'],
    ['broken JSON', '{"seq":1,'],
    ['bytes that are not UTF-8', new Uint8Array([0x7b, 0xff, 0x7d])],
  ];

  it.each(malformed)('are refused, not thrown, for %s', (_title, body) => {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    expect(decodeInput(bytes)).toBeUndefined();
  });

  it('refuse to encode a seq that is not a u32', () => {
    const input: PlayerInput = { seq: -1, up: false, down: false, left: false, right: false };
    expect(() => encodeInput(input)).toThrow(RangeError);
  });
});
