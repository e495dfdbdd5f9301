/**
 * The simulation's data. Everything is plain, readonly data: a `GameState` can be compared, copied,
 * stored and sent as JSON, and a step never changes the state it was given.
 */

export type PlayerId = number;

export interface ArenaConfig {
  readonly width: number;
  readonly height: number;
  /** Orbs in play (collected ones respawn). */
  readonly orbCount: number;
}

export interface PlayerState {
  readonly id: PlayerId;
  readonly x: number;
  readonly y: number;
  /** Velocity, units per second. */
  readonly vx: number;
  readonly vy: number;
  readonly score: number;
  /** Ticks left of the current dash (0: not dashing). */
  readonly dashTicks: number;
  /** Ticks until the next dash is allowed. */
  readonly dashCooldown: number;
  /** Ticks left without control after being bumped. */
  readonly stunTicks: number;
}

/** A player the step is working on: a private copy, changed in place to save allocations. */
export type MovingPlayer = { -readonly [K in keyof PlayerState]: PlayerState[K] };

export interface Orb {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  /** Points for collecting it. */
  readonly value: number;
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
 * it goes; the step decides that, the same way for everyone.
 */
export interface PlayerInput {
  /** The client's sequence number, increasing by one per input. */
  readonly seq: number;
  readonly up: boolean;
  readonly down: boolean;
  readonly left: boolean;
  readonly right: boolean;
  /** Dash (when the cooldown allows). */
  readonly action?: boolean | undefined;
}
