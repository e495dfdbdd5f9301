/**
 * The game's wire contract: destinations shared by the game service and the game page, and the
 * JSON payloads on the control paths. World state travels as snapshots in the compact binary
 * encoding of `game-state.ts` (a binary WebSocket frame), or as JSON for teaching: a player gets
 * binary deltas of its own on `playerSnapshots`, a spectator the room's topic.
 *
 * Units: positions in world units (the arena is `GameWorld.width` × `GameWorld.height`), time in
 * server ticks.
 */

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

export interface JoinRequest {
  /** Display name; the login when absent. */
  readonly name?: string;
  /** A room to join; the fullest room with a free seat when absent. */
  readonly roomId?: string;
  /** Watch without playing. */
  readonly spectate?: boolean;
}

export interface ResumeRequest {
  readonly roomId: string;
  readonly resumeToken: string;
}

export interface GameWorld {
  readonly width: number;
  readonly height: number;
  /** Simulation steps per second on the server. */
  readonly tickRate: number;
  /** Snapshots per second, on the room's topics and on each player's own stream. */
  readonly snapshotRate: number;
}

export type GameEvent =
  | {
      readonly type: 'joined';
      readonly roomId: string;
      readonly playerId: number;
      /** Present it with `resume` to take the seat back after a dropped connection. */
      readonly resumeToken: string;
      readonly world: GameWorld;
    }
  | { readonly type: 'spectating'; readonly roomId: string; readonly world: GameWorld }
  | {
      readonly type: 'resumed';
      readonly roomId: string;
      readonly playerId: number;
      readonly world: GameWorld;
    }
  | { readonly type: 'rejected'; readonly reason: string }
  | { readonly type: 'left'; readonly roomId: string };

export interface RoomSummary {
  readonly roomId: string;
  readonly players: number;
  readonly bots: number;
  readonly spectators: number;
  readonly capacity: number;
}
