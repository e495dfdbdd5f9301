/** The game service's settings, their defaults, and the checks run once when it is created. */
import { type ArenaConfig, DEFAULT_ARENA, MAX_ARENA_SIDE, TICK_RATE } from '@stomping-ground/game-sim';

export interface GameOptions {
  /** People who may play in one room (spectators are not counted). Default 8. */
  readonly roomCapacity?: number;
  /** Bots fill a room up to this many players, and leave as people join. Default 4. */
  readonly minPlayers?: number;
  /** How long a dropped player's seat waits for `resume`. Default 15 000 ms. */
  readonly resumeGraceMs?: number;
  /** Rooms that may run at once. Default 100. */
  readonly maxRooms?: number;
  /** Snapshots per second; must divide the tick rate (30). Default 15. */
  readonly snapshotRate?: number;
  /** Called after every tick of every room together, with what it took (for benchmarks). */
  readonly onTick?: ((timing: TickTiming) => void) | undefined;
}

export interface TickTiming {
  /** Wall-clock milliseconds, from the tick's start to its end. */
  readonly wallMs: number;
  /**
   * Milliseconds of CPU the process used meanwhile: unlike wall time, not inflated when the
   * operating system gives the CPU to another process mid-tick.
   */
  readonly cpuMs: number;
}

export interface ResolvedGameOptions {
  readonly roomCapacity: number;
  readonly minPlayers: number;
  readonly resumeGraceMs: number;
  readonly maxRooms: number;
  readonly tickRate: number;
  readonly snapshotRate: number;
  /** Ticks between two snapshots. */
  readonly ticksPerSnapshot: number;
  /** The room topic's keyframe comes every this many snapshots (one a second). */
  readonly keyframeEvery: number;
  /** Inputs a player may have waiting beyond the one applied each tick: network jitter, not more speed. */
  readonly inputSlack: number;
  readonly arena: ArenaConfig;
  readonly onTick: ((timing: TickTiming) => void) | undefined;
}

export function resolveGameOptions(options: GameOptions = {}): ResolvedGameOptions {
  const roomCapacity = whole('roomCapacity', options.roomCapacity ?? 8, 1, 250);
  const minPlayers = whole('minPlayers', options.minPlayers ?? 4, 0, 250);
  const resumeGraceMs = whole('resumeGraceMs', options.resumeGraceMs ?? 15_000, 0, 3_600_000);
  const maxRooms = whole('maxRooms', options.maxRooms ?? 100, 1, 10_000);
  const snapshotRate = whole('snapshotRate', options.snapshotRate ?? 15, 1, TICK_RATE);
  if (TICK_RATE % snapshotRate !== 0) {
    throw new RangeError(`snapshotRate must divide the tick rate (${TICK_RATE}), got ${snapshotRate}`);
  }
  return {
    roomCapacity,
    minPlayers,
    resumeGraceMs,
    maxRooms,
    tickRate: TICK_RATE,
    snapshotRate,
    ticksPerSnapshot: TICK_RATE / snapshotRate,
    keyframeEvery: snapshotRate,
    inputSlack: 4,
    arena: arenaFor(Math.max(roomCapacity, minPlayers)),
    onTick: options.onTick,
  };
}

/**
 * The arena for a room of this many players: the default one for an ordinary room, larger (same
 * room per player, same shape) for big ones, up to what the wire format can address.
 */
export function arenaFor(players: number): ArenaConfig {
  const ordinary = 12;
  if (players <= ordinary) return DEFAULT_ARENA;
  const scale = Math.sqrt(players / ordinary);
  const width = Math.min(MAX_ARENA_SIDE, Math.round(DEFAULT_ARENA.width * scale));
  const height = Math.min(MAX_ARENA_SIDE, Math.round(DEFAULT_ARENA.height * scale));
  return { width, height, orbCount: Math.round((DEFAULT_ARENA.orbCount * players) / ordinary) };
}

function whole(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}
