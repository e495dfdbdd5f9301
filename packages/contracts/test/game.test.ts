import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  GameEventSchema,
  GameSnapshotSchema,
  JoinRequestSchema,
  parseJsonBody,
  ResumeRequestSchema,
  RoomListSchema,
} from '../src/index';

const fits = (schema: v.GenericSchema, value: unknown) => v.safeParse(schema, value).success;
const world = { width: 1600, height: 1000, tickRate: 30, snapshotRate: 15 };

describe('game requests', () => {
  it('take a join request with any of its fields, and drop unknown ones', () => {
    expect(v.parse(JoinRequestSchema, {})).toEqual({});
    expect(v.parse(JoinRequestSchema, { name: 'Ann', roomId: 'r1', spectate: true, x: 1 })).toEqual({
      name: 'Ann',
      roomId: 'r1',
      spectate: true,
    });
  });

  it.each([
    ['a name that is not a string', { name: 42 }],
    ['a room id that is not a string', { roomId: 7 }],
    ['spectate that is not a boolean', { spectate: 'yes' }],
    ['null', null],
  ])('refuse a join request with %s', (_title, value) => {
    expect(fits(JoinRequestSchema, value)).toBe(false);
  });

  it('take a resume request only with its room and token', () => {
    expect(fits(ResumeRequestSchema, { roomId: 'r1', resumeToken: 't' })).toBe(true);
    expect(fits(ResumeRequestSchema, { roomId: 'r1' })).toBe(false);
    expect(fits(ResumeRequestSchema, { roomId: 'r1', resumeToken: 5 })).toBe(false);
  });
});

describe('game events', () => {
  it.each([
    ['joined', { type: 'joined', roomId: 'r1', playerId: 3, resumeToken: 't', world }],
    ['spectating', { type: 'spectating', roomId: 'r1', world }],
    ['resumed', { type: 'resumed', roomId: 'r1', playerId: 3, world }],
    ['rejected', { type: 'rejected', reason: 'every room is full' }],
    ['left', { type: 'left', roomId: 'r1' }],
  ])('take %s', (_title, event) => {
    expect(v.parse(GameEventSchema, event)).toEqual(event);
  });

  it('refuse an event without what its type promises', () => {
    expect(fits(GameEventSchema, { type: 'joined', roomId: 'r1', playerId: 3, world })).toBe(false);
    expect(fits(GameEventSchema, { type: 'joined', roomId: 'r1', playerId: 3, resumeToken: 't' })).toBe(
      false,
    );
    expect(fits(GameEventSchema, { type: 'teleported' })).toBe(false);
  });

  it('check the room list entry by entry', () => {
    const room = { roomId: 'r1', players: 2, bots: 1, spectators: 0, capacity: 8 };
    expect(fits(RoomListSchema, [room])).toBe(true);
    expect(fits(RoomListSchema, [{ ...room, capacity: '8' }])).toBe(false);
  });
});

describe('JSON snapshots', () => {
  const player = {
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
  };
  const snapshot = { tick: 120, seq: 60, players: [player], orbs: [{ id: 0, x: 10, y: 20, value: 1 }] };

  it('are read whole, at full precision', () => {
    expect(parseJsonBody(GameSnapshotSchema, JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it.each([
    ['a header alone', '{"tick":1}'],
    ['text that is not JSON', 'not json'],
    [
      'a player without its velocity',
      JSON.stringify({ ...snapshot, players: [{ ...player, vx: undefined }] }),
    ],
    ['an orb without its value', JSON.stringify({ ...snapshot, orbs: [{ id: 0, x: 1, y: 1 }] })],
  ])('refuse %s', (_title, body) => {
    expect(parseJsonBody(GameSnapshotSchema, body)).toBeUndefined();
  });
});
