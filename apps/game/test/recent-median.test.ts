import { describe, expect, it } from 'vitest';
import { RecentMedian } from '../src/netcode/recent-median';

describe('RecentMedian', () => {
  it('is undefined until a sample comes, then the median of what came', () => {
    const median = new RecentMedian(5);
    expect(median.value).toBeUndefined();
    median.add(10);
    expect(median.value).toBe(10);
    median.add(30);
    expect(median.value).toBe(20);
    median.add(12);
    expect(median.value).toBe(12);
  });

  it('ignores a lone outlier', () => {
    const median = new RecentMedian(5);
    for (const sample of [2, 3, 250, 2, 3]) median.add(sample);
    expect(median.value).toBe(3);
  });

  it('forgets a slow start: after a window of fresh samples only they count', () => {
    const median = new RecentMedian(5);
    for (const sample of [300, 280, 2, 2, 3]) median.add(sample);
    expect(median.value).toBe(3);
    for (const sample of [101, 102, 103]) median.add(sample);
    expect(median.value).toBe(101);
  });

  it('starts afresh after a reset', () => {
    const median = new RecentMedian(3);
    median.add(5);
    median.reset();
    expect(median.value).toBeUndefined();
  });
});
