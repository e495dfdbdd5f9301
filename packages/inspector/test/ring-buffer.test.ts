import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../src/ring-buffer';

describe('RingBuffer', () => {
  it('keeps items oldest first until full', () => {
    const ring = new RingBuffer<number>(3);
    ring.push(1);
    ring.push(2);
    expect(ring.toArray()).toEqual([1, 2]);
    expect(ring.oldest()).toBe(1);
    expect(ring.newest()).toBe(2);
  });

  it('drops the oldest item when full and returns it', () => {
    const ring = new RingBuffer<number>(3);
    for (const n of [1, 2, 3]) ring.push(n);
    expect(ring.push(4)).toBe(1);
    expect(ring.toArray()).toEqual([2, 3, 4]);
    expect(ring.at(0)).toBe(2);
    expect(ring.at(2)).toBe(4);
    expect(ring.at(3)).toBeUndefined();
  });

  it('empties on clear', () => {
    const ring = new RingBuffer<number>(2);
    ring.push(1);
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.oldest()).toBeUndefined();
  });

  it('refuses a capacity below one', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
