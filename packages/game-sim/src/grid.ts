/**
 * The fixed grid the state lives on (see `Physics.gridScale`). Multiples of 1/16 are exact in
 * binary floating point, so snapping loses nothing further and encodes to integers exactly.
 */
import { Physics } from './constants';

const SCALE = Physics.gridScale;

/** Positions round to the nearest step. */
export function snapPosition(value: number): number {
  return Math.round(value * SCALE) / SCALE;
}

/**
 * Velocities round toward zero: rounding to nearest would let drag, which shrinks a small velocity
 * by a fifth a tick, round it back up forever, and a player would never quite stop.
 */
export function snapVelocity(value: number): number {
  // `+ 0` turns a -0 into 0, so states compare equal however they were reached.
  return Math.trunc(value * SCALE) / SCALE + 0;
}
