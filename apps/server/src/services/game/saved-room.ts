/**
 * A room as data: what a cluster node writes to Redis about once a second so that another node can
 * take the room over, seats, scores, positions, bots and all, when its owner dies.
 *
 * Everything in it is plain JSON. The game state already is (`GameState` is data by design); a
 * seat's transient parts (its input queue, its ack) are left out because a new owner starts them
 * afresh, as a resume does. Times are stored as durations, not as the loop clock's readings, which
 * mean nothing in another process.
 */
import type { BotMemory, GameState } from '@stomping-ground/game-sim';
import type { Spectator } from './seats';

export const SAVED_ROOM_VERSION = 1;

export interface SavedHuman {
  readonly playerId: number;
  readonly name: string;
  readonly phase: number;
  readonly resumeToken: string;
  readonly login: string;
  /** The session playing the seat; null while away. */
  readonly sessionId: string | null;
  /** How long the seat had been away when saved; null while played. */
  readonly awayMs: number | null;
  readonly lastInput: number;
}

export interface SavedBot {
  readonly playerId: number;
  readonly name: string;
  readonly memory: BotMemory;
}

export interface SavedRoom {
  readonly version: typeof SAVED_ROOM_VERSION;
  readonly id: string;
  /** Wall-clock milliseconds (`Date.now()`) when saved: how far the world is behind when restored. */
  readonly savedAt: number;
  readonly state: GameState;
  /** The last snapshot number sent. */
  readonly seq: number;
  readonly nextPlayerId: number;
  readonly botsMade: number;
  readonly humans: readonly SavedHuman[];
  readonly bots: readonly SavedBot[];
  readonly spectators: readonly Spectator[];
}

/** Whether a parsed value looks like a room this version saved (a quick check, not a full schema). */
export function isSavedRoom(value: unknown): value is SavedRoom {
  if (typeof value !== 'object' || value === null) return false;
  const room = value as Partial<SavedRoom>;
  return (
    room.version === SAVED_ROOM_VERSION &&
    typeof room.id === 'string' &&
    typeof room.savedAt === 'number' &&
    typeof room.state === 'object' &&
    room.state !== null &&
    Array.isArray(room.state.players) &&
    Array.isArray(room.humans) &&
    Array.isArray(room.bots) &&
    Array.isArray(room.spectators)
  );
}
