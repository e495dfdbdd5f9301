import fc from 'fast-check';
import {
  addPlayer,
  createGame,
  type GameState,
  type PlayerInput,
  type PlayerState,
  step,
} from '../src/index';

export function input(keys: Partial<Omit<PlayerInput, 'seq'>> = {}, seq = 1): PlayerInput {
  return { seq, up: false, down: false, left: false, right: false, action: false, ...keys };
}

/** A game with players 1..count and no orbs unless asked, so tests control what happens. */
export function gameWith(count: number, options: { seed?: number; orbCount?: number } = {}): GameState {
  let state = createGame({
    seed: options.seed ?? 7,
    arena: { width: 1600, height: 1000, orbCount: options.orbCount ?? 0 },
  });
  for (let id = 1; id <= count; id++) state = addPlayer(state, id);
  return state;
}

/** The state with one player's fields replaced. */
export function withPlayer(state: GameState, id: number, fields: Partial<PlayerState>): GameState {
  return {
    ...state,
    players: state.players.map((player) => (player.id === id ? { ...player, ...fields } : player)),
  };
}

export function player(state: GameState, id: number): PlayerState {
  const found = state.players.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no player ${id}`);
  return found;
}

export function speed(p: PlayerState): number {
  return Math.sqrt(p.vx * p.vx + p.vy * p.vy);
}

/** Steps `ticks` times with the same input for every listed player. */
export function run(state: GameState, ticks: number, inputs: Record<number, PlayerInput>): GameState {
  const map = new Map(Object.entries(inputs).map(([id, value]) => [Number(id), value]));
  let current = state;
  for (let i = 0; i < ticks; i++) current = step(current, map);
  return current;
}

export const inputArbitrary: fc.Arbitrary<PlayerInput> = fc.record({
  seq: fc.nat(),
  up: fc.boolean(),
  down: fc.boolean(),
  left: fc.boolean(),
  right: fc.boolean(),
  action: fc.boolean(),
});

/** For each tick, an input (or none) for each of `players` players. */
export function scriptArbitrary(
  players: number,
  maxTicks: number,
): fc.Arbitrary<Array<Array<PlayerInput | null>>> {
  return fc.array(
    fc.array(fc.option(inputArbitrary, { nil: null }), { minLength: players, maxLength: players }),
    {
      minLength: 1,
      maxLength: maxTicks,
    },
  );
}

export function play(
  state: GameState,
  script: ReadonlyArray<ReadonlyArray<PlayerInput | null>>,
): GameState[] {
  const states = [state];
  let current = state;
  for (const tick of script) {
    const inputs = new Map<number, PlayerInput>();
    tick.forEach((value, index) => {
      if (value !== null) inputs.set(index + 1, value);
    });
    current = step(current, inputs);
    states.push(current);
  }
  return states;
}
