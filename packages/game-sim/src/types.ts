/**
 * The simulation's data. Everything is plain, readonly data: a `GameState` can be compared, copied,
 * stored and sent as JSON, and a step never changes the state it was given.
 *
 * A player's state, an orb's place and an input are also what travels on the wire, so their shapes
 * come from `@stomping-ground/contracts`: a snapshot's `you` block is exactly a `PlayerState`, and
 * the step takes the very `PlayerInput` a client sends. Only types are imported, so the simulation
 * carries no schema code into a bundle.
 */
import type { PlayerInput, SnapshotOrb, SnapshotSelf } from '@stomping-ground/contracts';

export type PlayerId = number;

export interface ArenaConfig {
  readonly width: number;
  readonly height: number;
  /** Orbs in play (collected ones respawn). */
  readonly orbCount: number;
}

/**
 * A player, exactly: position in world units, velocity in units per second, and the dash and stun
 * timers in ticks (see `SnapshotSelf` for each field).
 */
export type PlayerState = SnapshotSelf;

/** A player the step is working on: a private copy, changed in place to save allocations. */
export type MovingPlayer = { -readonly [K in keyof PlayerState]: PlayerState[K] };

/** An orb as a snapshot shows it (id, place, points), plus what only the simulation needs. */
export interface Orb extends SnapshotOrb {
  readonly active: boolean;
  /** For a collected orb: the tick at which it reappears. */
  readonly respawnAt: number;
}

export interface GameState {
  /** Steps taken since the game was created. */
  readonly tick: number;
  /** The seeded generator's state (see `Random`). */
  readonly rng: number;
  readonly arena: ArenaConfig;
  /** Sorted by id, so every loop over them runs in the same order everywhere. */
  readonly players: readonly PlayerState[];
  /** Indexed by id. */
  readonly orbs: readonly Orb[];
}

/**
 * What a player wants in one tick: intentions only. A client never says where it is or how fast
 * it goes; the step decides that, the same way for everyone. (Its `ack` is for the snapshot
 * encoder; the step ignores it.)
 */
export type { PlayerInput };
