import { describe, expect, it } from 'vitest';
import { isOnTick, roundToTick, stepPrice } from '../src/ticks';

describe('the tick grid', () => {
  it('rounds to the nearest tick, ties up', () => {
    expect(roundToTick(10003, 5)).toBe(10005);
    expect(roundToTick(10002, 5)).toBe(10000);
    expect(roundToTick(10025, 50)).toBe(10050);
  });

  it('rounds down or up when asked', () => {
    expect(roundToTick(10004, 5, 'down')).toBe(10000);
    expect(roundToTick(10001, 5, 'up')).toBe(10005);
    expect(roundToTick(10005, 5, 'up')).toBe(10005);
  });

  it('never rounds below one tick', () => {
    expect(roundToTick(1, 5)).toBe(5);
    expect(roundToTick(0, 1)).toBe(1);
  });

  it('refuses a tick size that is not positive', () => {
    expect(() => roundToTick(100, 0)).toThrow(RangeError);
  });

  it('knows whether a price is on the grid', () => {
    expect(isOnTick(10005, 5)).toBe(true);
    expect(isOnTick(10003, 5)).toBe(false);
    expect(isOnTick(0, 5)).toBe(false);
  });

  it('steps whole ticks from a price on the grid', () => {
    expect(stepPrice(10000, 5, 1)).toBe(10005);
    expect(stepPrice(10000, 5, -3)).toBe(9985);
  });

  it('steps from an off-grid price to the grid first, in the direction of the step', () => {
    expect(stepPrice(10003, 5, 1)).toBe(10005);
    expect(stepPrice(10003, 5, -1)).toBe(10000);
    expect(stepPrice(10003, 5, 2)).toBe(10010);
  });

  it('does not step below one tick', () => {
    expect(stepPrice(5, 5, -1)).toBe(5);
  });
});
