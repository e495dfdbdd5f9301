/**
 * A bot is just another source of `PlayerInput`s: it reads the state, as a player reads the
 * screen, and presses keys. It heads for the nearest orb, dashes now and then when the orb is far,
 * and wanders to random spots when there is nothing to collect. Its memory (where it wanders to,
 * its own seeded generator) is plain data, so bots are as reproducible as the rest of the game.
 */
import { TICK_RATE } from './constants';
import { Random } from './random';
import type { GameState, PlayerId, PlayerInput } from './types';

export interface BotMemory {
  /** The bot's own generator state, apart from the game's. */
  readonly seed: number;
  readonly wanderX: number;
  readonly wanderY: number;
  /** The tick after which it picks a new wander target. */
  readonly wanderUntil: number;
}

export interface BotDecision {
  readonly input: PlayerInput;
  readonly memory: BotMemory;
}

const Steering = {
  /** Closer than this along an axis counts as there: no key, so bots do not jitter across a target. */
  deadZone: 6,
  /** Dash only toward something at least this far away… */
  dashDistance: 180,
  /** …and then only sometimes, per tick. */
  dashChance: 0.04,
  wanderTicks: 3 * TICK_RATE,
} as const;

export function createBotMemory(seed: number): BotMemory {
  return { seed: seed >>> 0, wanderX: 0, wanderY: 0, wanderUntil: -1 };
}

/** The bot's keys for the next tick. Throws a `RangeError` if `playerId` is not playing. */
export function botInput(state: GameState, playerId: PlayerId, memory: BotMemory): BotDecision {
  const me = state.players.find((player) => player.id === playerId);
  if (me === undefined) throw new RangeError(`player ${playerId} is not playing`);
  const random = new Random(memory.seed);

  let targetX = memory.wanderX;
  let targetY = memory.wanderY;
  let wanderUntil = memory.wanderUntil;
  let nearest = Number.POSITIVE_INFINITY;
  for (const orb of state.orbs) {
    if (!orb.active) continue;
    const d = (orb.x - me.x) * (orb.x - me.x) + (orb.y - me.y) * (orb.y - me.y);
    if (d < nearest) {
      nearest = d;
      targetX = orb.x;
      targetY = orb.y;
    }
  }
  if (nearest === Number.POSITIVE_INFINITY) {
    const arrived = Math.abs(targetX - me.x) < 20 && Math.abs(targetY - me.y) < 20;
    if (arrived || state.tick > wanderUntil) {
      targetX = random.range(0, state.arena.width);
      targetY = random.range(0, state.arena.height);
      wanderUntil = state.tick + Steering.wanderTicks;
    }
  }

  const dx = targetX - me.x;
  const dy = targetY - me.y;
  const far = dx * dx + dy * dy > Steering.dashDistance * Steering.dashDistance;
  const input: PlayerInput = {
    seq: state.tick + 1,
    up: dy < -Steering.deadZone,
    down: dy > Steering.deadZone,
    left: dx < -Steering.deadZone,
    right: dx > Steering.deadZone,
    action: far && me.dashCooldown === 0 && random.next() < Steering.dashChance,
  };
  const wander =
    nearest === Number.POSITIVE_INFINITY
      ? { wanderX: targetX, wanderY: targetY, wanderUntil }
      : { wanderX: memory.wanderX, wanderY: memory.wanderY, wanderUntil: memory.wanderUntil };
  return { input, memory: { seed: random.seed, ...wander } };
}
