/**
 * The whole world's step, and the few changes made between steps (players joining and leaving).
 *
 * `step` is a pure function: the new state depends only on the old state and the inputs, and the
 * old state is left untouched. That is what lets the server be the authority and the client be a
 * faithful predictor running the same code, what makes a game reproducible from its seed and its
 * inputs, and what makes every rule testable without a server.
 */
import { collidePlayers } from './collisions';
import { DEFAULT_ARENA, MAX_ARENA_SIDE, Physics, TICK_SECONDS } from './constants';
import { confine, IDLE_INPUT, movePlayer } from './movement';
import { collectOrbs, respawnOrbs, spawnOrb } from './orbs';
import { Random } from './random';
import type { ArenaConfig, GameState, MovingPlayer, Orb, PlayerId, PlayerInput, PlayerState } from './types';

export interface NewGameOptions {
  /** The generator's seed: the same seed and the same inputs give the same game. */
  readonly seed: number;
  readonly arena?: ArenaConfig;
}

/** A new game: the orbs placed, nobody playing yet. */
export function createGame(options: NewGameOptions): GameState {
  const arena = options.arena ?? DEFAULT_ARENA;
  checkArena(arena);
  const random = new Random(options.seed);
  const orbs: Orb[] = [];
  for (let id = 0; id < arena.orbCount; id++) orbs.push(spawnOrb(id, arena, random));
  return { tick: 0, rng: random.seed, arena, players: [], orbs };
}

function checkArena(arena: ArenaConfig): void {
  const minSide = 4 * Physics.playerRadius;
  for (const side of [arena.width, arena.height]) {
    if (!Number.isInteger(side) || side < minSide || side > MAX_ARENA_SIDE) {
      throw new RangeError(`arena sides must be whole numbers from ${minSide} to ${MAX_ARENA_SIDE}`);
    }
  }
  if (!Number.isInteger(arena.orbCount) || arena.orbCount < 0 || arena.orbCount > 1000) {
    throw new RangeError('orbCount must be a whole number from 0 to 1000');
  }
}

/**
 * The state with a new player at a free spot (the best of a few random tries: the one farthest
 * from everyone). Throws a `RangeError` if the id is taken or not a positive whole number.
 */
export function addPlayer(state: GameState, id: PlayerId, random: Random = new Random(state.rng)): GameState {
  if (!Number.isSafeInteger(id) || id < 1)
    throw new RangeError(`a player id is a whole number ≥ 1, got ${id}`);
  if (state.players.some((player) => player.id === id))
    throw new RangeError(`player ${id} is already playing`);
  const r = Physics.playerRadius;
  let best = { x: 0, y: 0, room: -1 };
  for (let attempt = 0; attempt < 8; attempt++) {
    const x = Math.floor(random.range(r, state.arena.width - r));
    const y = Math.floor(random.range(r, state.arena.height - r));
    let room = Number.POSITIVE_INFINITY;
    for (const other of state.players) {
      room = Math.min(room, (other.x - x) * (other.x - x) + (other.y - y) * (other.y - y));
    }
    if (room > best.room) best = { x, y, room };
  }
  const player: PlayerState = {
    id,
    x: best.x,
    y: best.y,
    vx: 0,
    vy: 0,
    score: 0,
    dashTicks: 0,
    dashCooldown: 0,
    stunTicks: 0,
  };
  const players = [...state.players, player].sort((a, b) => a.id - b.id);
  return { ...state, rng: random.seed, players };
}

/** The state without that player (unchanged if there is none). */
export function removePlayer(state: GameState, id: PlayerId): GameState {
  const players = state.players.filter((player) => player.id !== id);
  return players.length === state.players.length ? state : { ...state, players };
}

/**
 * One tick: every player moves by their input (a player without one coasts), players collide,
 * orbs are collected and respawn. Pure: `state` is not changed. `random` defaults to the state's
 * own seeded generator, whose new state is kept in the result.
 */
export function step(
  state: GameState,
  inputs: ReadonlyMap<PlayerId, PlayerInput>,
  random: Random = new Random(state.rng),
): GameState {
  const tick = state.tick + 1;
  const { arena } = state;
  // One copy of each player, made here and changed in place by every rule below: private to this
  // step, so the step stays pure while allocating once per player.
  const players: MovingPlayer[] = new Array(state.players.length);
  for (let i = 0; i < players.length; i++) {
    const player: MovingPlayer = { ...state.players[i]! };
    movePlayer(player, inputs.get(player.id) ?? IDLE_INPUT, TICK_SECONDS, arena);
    players[i] = player;
  }
  collidePlayers(players);
  for (const player of players) confine(player, arena);
  const orbs = [...state.orbs];
  collectOrbs(players, orbs, tick);
  respawnOrbs(orbs, tick, arena, random);
  return { tick, rng: random.seed, arena, players, orbs };
}
