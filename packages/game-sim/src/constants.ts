/**
 * The arena's rules as numbers. Distances are world units (a unit is a pixel at zoom 1), speeds
 * are units per second, durations are ticks.
 */
import type { ArenaConfig } from './types';

/** Simulation steps per second: the server and the client's prediction both step at this rate. */
export const TICK_RATE = 30;

/** The length of one step in seconds: the `dt` of every step. */
export const TICK_SECONDS = 1 / TICK_RATE;

export const Physics = {
  playerRadius: 16,
  /** The top speed under your own power. */
  maxSpeed: 220,
  /** Units per second, per second, while a direction is held. */
  acceleration: 2000,
  /** The share of velocity lost per second (linear drag): what stops you when you let go. */
  drag: 6,
  /** When a dash ends, speed above `maxSpeed` bleeds off by this factor per tick rather than at once. */
  overspeedDecay: 0.8,
  /** A wall returns this share of the speed that hit it. */
  wallBounce: 0.5,
  dashSpeed: 560,
  dashTicks: 6,
  dashCooldownTicks: 45,
  /** A dash that hits a player knocks them away at this speed and stuns them. */
  bumpSpeed: 420,
  stunTicks: 15,
  /**
   * Positions and velocities are kept on a grid of 1/16 unit (and 1/16 unit per second) after every
   * step: the binary snapshot carries the player's own state at exactly that precision, so the
   * client's replay of its inputs starts from exactly the server's numbers.
   */
  gridScale: 16,
} as const;

export const OrbRules = {
  radius: 8,
  /** An orb reappears elsewhere this many ticks after it was collected (3 s). */
  respawnTicks: 90,
  value: 1,
  /** The chance that a respawning orb is a gold one, worth `goldValue`. */
  goldChance: 0.1,
  goldValue: 3,
  /** Orbs keep this far from the walls. */
  margin: 24,
} as const;

/** A dash that hits takes this many points from the player it knocks away (never below zero). */
export const BUMP_STEAL = 1;

/** The default arena: room for the eight people and a few bots of an ordinary room. */
export const DEFAULT_ARENA: ArenaConfig = Object.freeze({ width: 1600, height: 1000, orbCount: 24 });

/** The largest arena side: positions travel as 16-bit fixed point with 1/16 unit steps. */
export const MAX_ARENA_SIDE = 4095;
