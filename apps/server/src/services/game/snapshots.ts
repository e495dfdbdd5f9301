/**
 * From the simulation's state to what goes on the wire, and the memory of recent snapshots that
 * deltas are encoded against.
 *
 * Each snapshot is built once per room (`SnapshotBatch`) and then encoded for its audiences:
 *
 * - every player: a delta against the snapshot that player last acked, with its own exact state
 *   and last processed input; the shared part is encoded once per distinct baseline (players on
 *   similar connections ack the same snapshot, so that is usually one or two encodings, not one
 *   per player);
 * - the room's binary topic: a keyframe once a second, otherwise a delta against the topic's
 *   previous snapshot (spectators cannot ack);
 * - the room's JSON topic: everything, verbosely.
 */

import {
  encodeSnapshot,
  encodeWorld,
  type GameSnapshot,
  PlayerFlag,
  type SnapshotOrb,
  type SnapshotPlayer,
  type SnapshotSelf,
  type SnapshotWorld,
} from '@stomping-ground/contracts';
import type { GameState, PlayerState } from '@stomping-ground/game-sim';
import type { PlayerSeat } from './seats';

/** A player's shared view: whole units, which is all that drawing someone else needs. */
export function worldOf(state: GameState, seats: ReadonlyMap<number, PlayerSeat>): SnapshotWorld {
  const players: SnapshotPlayer[] = new Array(state.players.length);
  for (let i = 0; i < players.length; i++) {
    const player = state.players[i]!;
    const seat = seats.get(player.id);
    players[i] = {
      id: player.id,
      name: seat?.name ?? '',
      x: Math.round(player.x),
      y: Math.round(player.y),
      score: player.score,
      flags: flagsOf(player, seat),
    };
  }
  const orbs: SnapshotOrb[] = [];
  for (const orb of state.orbs) {
    if (orb.active) orbs.push({ id: orb.id, x: orb.x, y: orb.y, value: orb.value });
  }
  return { players, orbs };
}

function flagsOf(player: PlayerState, seat: PlayerSeat | undefined): number {
  let flags = 0;
  if (player.dashTicks > 0) flags |= PlayerFlag.DASHING;
  if (player.stunTicks > 0) flags |= PlayerFlag.STUNNED;
  if (seat?.kind === 'bot') flags |= PlayerFlag.BOT;
  if (seat?.kind === 'human' && seat.sessionId === undefined) flags |= PlayerFlag.AWAY;
  return flags;
}

/** The player's own state as the simulation has it: already on the 1/16 grid, so exact on the wire. */
export function selfOf(player: PlayerState): SnapshotSelf {
  const { id, x, y, vx, vy, score, dashTicks, dashCooldown, stunTicks } = player;
  return { id, x, y, vx, vy, score, dashTicks, dashCooldown, stunTicks };
}

export function jsonSnapshotOf(
  state: GameState,
  seq: number,
  seats: ReadonlyMap<number, PlayerSeat>,
): GameSnapshot {
  return {
    tick: state.tick,
    seq,
    players: state.players.map((player) => {
      const seat = seats.get(player.id);
      return {
        id: player.id,
        name: seat?.name ?? '',
        x: player.x,
        y: player.y,
        vx: player.vx,
        vy: player.vy,
        score: player.score,
        flags: flagsOf(player, seat),
        dashTicks: player.dashTicks,
        dashCooldown: player.dashCooldown,
        stunTicks: player.stunTicks,
        lastInput: seat?.kind === 'human' ? seat.lastInput : 0,
      };
    }),
    orbs: state.orbs.filter((orb) => orb.active).map(({ id, x, y, value }) => ({ id, x, y, value })),
  };
}

/** The last few worlds cut, by seq: the baselines a delta may be encoded against. */
export class SnapshotHistory {
  private readonly ring: Array<{ seq: number; world: SnapshotWorld } | undefined>;

  constructor(size: number) {
    this.ring = new Array(size);
  }

  add(seq: number, world: SnapshotWorld): void {
    this.ring[seq % this.ring.length] = { seq, world };
  }

  get(seq: number): SnapshotWorld | undefined {
    const entry = this.ring[seq % this.ring.length];
    return entry?.seq === seq ? entry.world : undefined;
  }
}

/** One snapshot, encoded lazily and at most once per baseline. */
export class SnapshotBatch {
  private readonly encoded = new Map<number, Uint8Array>();

  constructor(
    readonly tick: number,
    readonly seq: number,
    readonly world: SnapshotWorld,
    private readonly history: SnapshotHistory,
  ) {}

  /**
   * For a player who acked `ack` (0: nothing yet): a delta against it when it is still remembered,
   * a keyframe otherwise.
   */
  forPlayer(ack: number, lastInput: number, self: SnapshotSelf): Uint8Array {
    const baseline = this.known(ack) ? ack : 0;
    const header = { tick: this.tick, seq: this.seq, baseline, lastInput };
    return encodeSnapshot(header, self, this.worldAgainst(baseline));
  }

  /** For the topic: a delta against `previous` (the topic's last snapshot), or a keyframe when it is 0 or forgotten. */
  forTopic(previous: number): Uint8Array {
    const baseline = this.known(previous) ? previous : 0;
    const header = { tick: this.tick, seq: this.seq, baseline, lastInput: 0 };
    return encodeSnapshot(header, null, this.worldAgainst(baseline));
  }

  private known(seq: number): boolean {
    return seq > 0 && seq < this.seq && this.history.get(seq) !== undefined;
  }

  private worldAgainst(baseline: number): Uint8Array {
    let bytes = this.encoded.get(baseline);
    if (bytes === undefined) {
      bytes = encodeWorld(this.world, baseline === 0 ? undefined : this.history.get(baseline));
      this.encoded.set(baseline, bytes);
    }
    return bytes;
  }
}
