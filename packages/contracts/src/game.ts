/**
 * The game's wire contract: destinations shared by the game service and the game page, and the
 * JSON payloads on the control paths. World state travels as snapshots in the compact binary
 * encoding of `game-state.ts` (a binary WebSocket frame), or as JSON for teaching: a player gets
 * binary deltas of its own on `playerSnapshots`, a spectator the room's topic.
 *
 * The JSON payloads are valibot schemas, their types derived from them.
 *
 * Units: positions in world units (the arena is `GameWorld.width` × `GameWorld.height`), time in
 * server ticks.
 */

import * as v from 'valibot';
import { list, record } from './schema';

export const GameDestination = {
  /** SEND `JoinRequest`; the answer is a `GameEvent` on `events`. */
  join: '/app/game/join',
  /** SEND `ResumeRequest` after a reconnect, to take the seat back within the grace period. */
  resume: '/app/game/resume',
  /** SEND an empty body to leave the room (a disconnect leaves after the grace period). */
  leave: '/app/game/leave',
  /**
   * SEND `PlayerInput` (JSON, or binary per `game-state.ts`) for your room, once per tick. Its `ack`
   * (the newest snapshot seq decoded) is what the next `playerSnapshots` delta is encoded against.
   */
  input: (roomId: string) => `/app/game/rooms/${roomId}/input`,
  /**
   * A player's own binary snapshots, at the snapshot rate: deltas against the snapshot its inputs
   * acked, its exact state, and the last input applied for it (decode with `SnapshotReader`).
   * Subscribe after `joined` or `resumed`. A slow reader's messages are conflated (deltas against
   * an acked snapshot stay decodable).
   */
  playerSnapshots: (roomId: string, playerId: number) =>
    `/user/queue/game/rooms/${roomId}/players/${playerId}`,
  /**
   * Binary snapshots of a room for spectators, at the snapshot rate: a keyframe every second, deltas
   * against the previous snapshot between them. Server-owned.
   */
  snapshots: (roomId: string) => `/topic/game/rooms/${roomId}/state`,
  /** The same snapshots as JSON (`GameSnapshot`), for teaching: the page shows the size of both. */
  snapshotsJson: (roomId: string) => `/topic/game/rooms/${roomId}/state.json`,
  /** Room list: `RoomSummary[]`, snapshot on subscribe, then on every change. */
  rooms: '/topic/game/rooms',
  /**
   * The sender's game events: `GameEvent`. They go to every session of the login; an answer to one
   * session's request carries a `session` header with that session's id (the CONNECTED frame's
   * `session`), so two tabs logged in under one name can tell whose answer it is.
   */
  events: '/user/queue/game',
} as const;

/** SENT to `GameDestination.join`; an empty body is `{}`: play, anywhere, under the login. */
export const JoinRequestSchema = record({
  /** Display name; the login when absent. */
  name: v.exactOptional(v.string()),
  /** A room to join; the fullest room with a free seat when absent. */
  roomId: v.exactOptional(v.string()),
  /** Watch without playing. */
  spectate: v.exactOptional(v.boolean()),
});
export type JoinRequest = v.InferOutput<typeof JoinRequestSchema>;

/** SENT to `GameDestination.resume`, with the token `joined` handed out. */
export const ResumeRequestSchema = record({
  roomId: v.string(),
  resumeToken: v.string(),
});
export type ResumeRequest = v.InferOutput<typeof ResumeRequestSchema>;

export const GameWorldSchema = record({
  width: v.number(),
  height: v.number(),
  /** Simulation steps per second on the server. */
  tickRate: v.number(),
  /** Snapshots per second, on the room's topics and on each player's own stream. */
  snapshotRate: v.number(),
});
export type GameWorld = v.InferOutput<typeof GameWorldSchema>;

/** What the service says on `GameDestination.events`: the answer to a request, or a change of seat. */
export const GameEventSchema = v.pipe(
  v.variant('type', [
    v.object({
      type: v.literal('joined'),
      roomId: v.string(),
      playerId: v.number(),
      /** Present it with `resume` to take the seat back after a dropped connection. */
      resumeToken: v.string(),
      world: GameWorldSchema,
    }),
    v.object({ type: v.literal('spectating'), roomId: v.string(), world: GameWorldSchema }),
    v.object({
      type: v.literal('resumed'),
      roomId: v.string(),
      playerId: v.number(),
      world: GameWorldSchema,
    }),
    v.object({ type: v.literal('rejected'), reason: v.string() }),
    v.object({ type: v.literal('left'), roomId: v.string() }),
  ]),
  v.readonly(),
);
export type GameEvent = v.InferOutput<typeof GameEventSchema>;

/** One entry of the room list on `GameDestination.rooms`. */
export const RoomSummarySchema = record({
  roomId: v.string(),
  players: v.number(),
  bots: v.number(),
  spectators: v.number(),
  capacity: v.number(),
});
export type RoomSummary = v.InferOutput<typeof RoomSummarySchema>;

/** The body on `GameDestination.rooms`. */
export const RoomListSchema = list(RoomSummarySchema);
