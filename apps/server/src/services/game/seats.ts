/** Who is in a room: people playing, bots playing, and people watching. */
import type { BotMemory } from '@stomping-ground/game-sim';
import type { InputQueue } from './inputs';

export interface HumanSeat {
  readonly kind: 'human';
  readonly playerId: number;
  readonly name: string;
  /** The ticks this player's snapshots are cut on: those where `tick % ticksPerSnapshot` equals it. */
  readonly phase: number;
  /** Presented with `resume` to take the seat back from a new connection. */
  readonly resumeToken: string;
  /** Who holds the seat now; a resume may come from another login (a page that lost its stored guest is minted a new one). */
  login: string;
  /** The session playing it; undefined while the player is away (connection dropped, seat held). */
  sessionId: string | undefined;
  /** When the connection dropped (the loop clock's milliseconds). */
  awaySince: number | undefined;
  readonly inputs: InputQueue;
  /** The seq of the last input applied: each snapshot tells the player, for reconciliation. */
  lastInput: number;
  /** The newest snapshot the player says it decoded: the baseline of its next delta. */
  ack: number;
}

export interface BotSeat {
  readonly kind: 'bot';
  readonly playerId: number;
  readonly name: string;
  memory: BotMemory;
}

export type PlayerSeat = HumanSeat | BotSeat;

export interface Spectator {
  readonly login: string;
  readonly sessionId: string;
}

const BOT_NAMES = ['Ada', 'Bit', 'Cog', 'Dot', 'Echo', 'Flux', 'Gizmo', 'Hex', 'Ion', 'Jolt', 'Kilo', 'Lux'];

/** A bot's display name, e.g. "Cog (bot)"; numbered once the names run out. */
export function botName(index: number): string {
  const base = BOT_NAMES[index % BOT_NAMES.length]!;
  const round = Math.floor(index / BOT_NAMES.length);
  return round === 0 ? `${base} (bot)` : `${base} ${round + 1} (bot)`;
}
