export { type BotDecision, type BotMemory, botInput, createBotMemory } from './bot';
export { collidePlayers } from './collisions';
export {
  BUMP_STEAL,
  DEFAULT_ARENA,
  MAX_ARENA_SIDE,
  OrbRules,
  Physics,
  TICK_RATE,
  TICK_SECONDS,
} from './constants';
export { addPlayer, createGame, type NewGameOptions, removePlayer, step } from './game';
export { snapPosition, snapVelocity } from './grid';
export {
  applyInput,
  type Bounds,
  confine,
  IDLE_INPUT,
  inputDirection,
  keepInside,
  movePlayer,
} from './movement';
export { collectOrbs, respawnOrbs, spawnOrb } from './orbs';
export { Random } from './random';
export type { ArenaConfig, GameState, MovingPlayer, Orb, PlayerId, PlayerInput, PlayerState } from './types';
