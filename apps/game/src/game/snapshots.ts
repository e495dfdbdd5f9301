/**
 * Snapshots as the page uses them, whichever format they came in.
 *
 * A binary snapshot (`game-state.ts`) is small because it is lossy where loss does not show: other
 * players in whole units and without velocity, deltas against a snapshot the page acknowledged.
 * Only the receiver's own state (`you`) is exact, because prediction replays inputs from it. A JSON
 * snapshot (`GameSnapshot`) carries everything for everyone at full precision. Both become a
 * `WorldSnapshot` here, and the size of the same snapshot in the other format is worked out so the
 * page can show what the binary encoding saves.
 */
import {
  type DecodedSnapshot,
  encodeSnapshot,
  encodeWorld,
  type GameSnapshot,
  PlayerFlag,
  type SnapshotPlayer,
  type SnapshotSelf,
  type SnapshotWorld,
} from '@stomping-ground/contracts';
import { SnapshotFormat } from '../netcode/settings';

export interface WorldSnapshot extends SnapshotWorld {
  /** The simulation tick this is the state after. */
  readonly tick: number;
  /** The snapshot's number in the room. */
  readonly seq: number;
  /** The own player's exact state, when the snapshot was addressed to a player. */
  readonly you: SnapshotSelf | null;
  /** The last input sequence the server applied for the own player (0: none yet). */
  readonly lastInput: number;
  readonly format: SnapshotFormat;
  /** The message body's size in the format it came in. */
  readonly bytes: number;
}

const utf8 = new TextEncoder();

export function fromBinary(decoded: DecodedSnapshot, bytes: number): WorldSnapshot {
  return {
    tick: decoded.tick,
    seq: decoded.seq,
    players: decoded.players,
    orbs: decoded.orbs,
    you: decoded.you,
    lastInput: decoded.lastInput,
    format: SnapshotFormat.BINARY,
    bytes,
  };
}

/** A JSON snapshot; `playerId` picks out the own player, whose entry carries its exact state. */
export function fromJson(snapshot: GameSnapshot, playerId: number | undefined, bytes: number): WorldSnapshot {
  const own = playerId === undefined ? undefined : snapshot.players.find((player) => player.id === playerId);
  return {
    tick: snapshot.tick,
    seq: snapshot.seq,
    players: snapshot.players.map(({ id, name, x, y, score, flags }) => ({ id, name, x, y, score, flags })),
    orbs: snapshot.orbs,
    you:
      own === undefined
        ? null
        : {
            id: own.id,
            x: own.x,
            y: own.y,
            vx: own.vx,
            vy: own.vy,
            score: own.score,
            dashTicks: own.dashTicks,
            dashCooldown: own.dashCooldown,
            stunTicks: own.stunTicks,
          },
    lastInput: own?.lastInput ?? 0,
    format: SnapshotFormat.JSON,
    bytes,
  };
}

/**
 * How big this snapshot would be in the other format:
 * - for a binary one, the JSON text of the same room (velocities and timers of the others are not
 *   in the binary snapshot, so they count as zeros: the real JSON is a little bigger still);
 * - for a JSON one, the binary message encoded as a delta against `previous` (as the room's topic
 *   sends between keyframes), or as a keyframe when there is none.
 */
export function otherFormatBytes(snapshot: WorldSnapshot, previous: WorldSnapshot | undefined): number {
  if (snapshot.format === SnapshotFormat.BINARY) return utf8.encode(JSON.stringify(asJson(snapshot))).length;
  const quantise = (world: SnapshotWorld): SnapshotWorld => ({
    players: world.players.map((player) => ({ ...player, x: Math.round(player.x), y: Math.round(player.y) })),
    orbs: world.orbs.map((orb) => ({ ...orb, x: Math.round(orb.x), y: Math.round(orb.y) })),
  });
  const baseline = previous === undefined ? undefined : quantise(previous);
  const world = encodeWorld(quantise(snapshot), baseline);
  const header = {
    tick: snapshot.tick,
    seq: snapshot.seq,
    baseline: previous?.seq ?? 0,
    lastInput: snapshot.lastInput,
  };
  return encodeSnapshot(header, snapshot.you, world).length;
}

function asJson(snapshot: WorldSnapshot): GameSnapshot {
  return {
    tick: snapshot.tick,
    seq: snapshot.seq,
    players: snapshot.players.map((player) => {
      const exact = snapshot.you?.id === player.id ? snapshot.you : undefined;
      return {
        ...player,
        x: exact?.x ?? player.x,
        y: exact?.y ?? player.y,
        vx: exact?.vx ?? 0,
        vy: exact?.vy ?? 0,
        dashTicks: exact?.dashTicks ?? 0,
        dashCooldown: exact?.dashCooldown ?? 0,
        stunTicks: exact?.stunTicks ?? 0,
        lastInput: exact ? snapshot.lastInput : 0,
      };
    }),
    orbs: snapshot.orbs,
  };
}

export function isDashing(player: SnapshotPlayer): boolean {
  return (player.flags & PlayerFlag.DASHING) !== 0;
}

export function isStunned(player: SnapshotPlayer): boolean {
  return (player.flags & PlayerFlag.STUNNED) !== 0;
}

export function isAway(player: SnapshotPlayer): boolean {
  return (player.flags & PlayerFlag.AWAY) !== 0;
}
