/**
 * The tick grid: every order price is a multiple of the instrument's `tickSize` (in cents). The
 * server refuses an off-tick price (`price-off-tick`), so the ticket snaps to the grid first.
 */
import type { Cents } from '@stomping-ground/contracts';

export type Rounding = 'nearest' | 'down' | 'up';

/** `price` on the grid of `tickSize`. Ties round up. Never below one tick. */
export function roundToTick(price: Cents, tickSize: Cents, rounding: Rounding = 'nearest'): Cents {
  if (!(tickSize > 0)) throw new RangeError(`tick size must be positive, got ${tickSize}`);
  const ticks = price / tickSize;
  const rounded =
    rounding === 'down' ? Math.floor(ticks) : rounding === 'up' ? Math.ceil(ticks) : Math.round(ticks);
  return Math.max(1, rounded) * tickSize;
}

export function isOnTick(price: Cents, tickSize: Cents): boolean {
  return Number.isInteger(price) && price > 0 && price % tickSize === 0;
}

/**
 * `steps` ticks up (or down, when negative) from `price`. An off-grid price first moves to the
 * grid in the direction of the step, so one click up from 100.03 on a 0.05 grid is 100.05.
 */
export function stepPrice(price: Cents, tickSize: Cents, steps: number): Cents {
  if (steps === 0) return roundToTick(price, tickSize);
  const onGrid = isOnTick(price, tickSize);
  const start = onGrid ? price : roundToTick(price, tickSize, steps > 0 ? 'up' : 'down');
  const remaining = onGrid ? steps : steps - Math.sign(steps);
  return Math.max(tickSize, start + remaining * tickSize);
}
