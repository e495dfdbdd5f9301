import { describe, expect, it } from 'vitest';
import { type LatencySettings, OrderedDelayQueue } from '../src/net/latency-simulator';
import { FakeScheduler } from './support/fake-scheduler';

function setup(settings: LatencySettings, randoms: number[] = []) {
  const scheduler = new FakeScheduler();
  const delivered: Array<{ readonly item: string; readonly at: number }> = [];
  let current = settings;
  const queue = new OrderedDelayQueue<string>({
    deliver: (item) => delivered.push({ item, at: scheduler.now() }),
    settings: () => current,
    scheduler,
    // Each push takes the next number; 0.5 means "no jitter this time".
    random: () => randoms.shift() ?? 0.5,
  });
  return {
    scheduler,
    queue,
    delivered,
    set: (next: LatencySettings) => {
      current = next;
    },
  };
}

describe('OrderedDelayQueue', () => {
  it('delivers at once when latency and jitter are zero', () => {
    const { queue, delivered } = setup({ latencyMs: 0, jitterMs: 0 });
    queue.push('a');
    queue.push('b');
    expect(delivered).toEqual([
      { item: 'a', at: 0 },
      { item: 'b', at: 0 },
    ]);
  });

  it('holds each message for the configured latency', () => {
    const { queue, delivered, scheduler } = setup({ latencyMs: 100, jitterMs: 0 });
    queue.push('a');
    scheduler.advance(99);
    expect(delivered).toEqual([]);
    scheduler.advance(1);
    expect(delivered).toEqual([{ item: 'a', at: 100 }]);
  });

  it('keeps order when a later message draws a shorter delay', () => {
    // 'a' draws +50 ms of jitter (150 ms), 'b' draws −50 ms (50 ms): 'b' must wait for 'a'.
    const { queue, delivered, scheduler } = setup({ latencyMs: 100, jitterMs: 50 }, [1, 0]);
    queue.push('a');
    scheduler.advance(10);
    queue.push('b');
    scheduler.advance(1000);
    expect(delivered.map((d) => d.item)).toEqual(['a', 'b']);
    // Released together, as TCP releases a burst behind a late segment.
    expect(delivered[1]!.at).toBe(delivered[0]!.at);
    expect(delivered[0]!.at).toBeCloseTo(150);
  });

  it('releases each message at max(previous release, now + delay)', () => {
    const { queue, delivered, scheduler } = setup({ latencyMs: 100, jitterMs: 40 }, [0.75, 0.5, 0]);
    queue.push('a'); // 100 + 20 = 120
    scheduler.advance(5);
    queue.push('b'); // 5 + 100 = 105, but not before 120
    scheduler.advance(30);
    queue.push('c'); // 35 + 60 = 95 → 120
    scheduler.advance(200);
    expect(delivered.map((d) => [d.item, Math.round(d.at)])).toEqual([
      ['a', 120],
      ['b', 120],
      ['c', 120],
    ]);
  });

  it('never delays below zero when jitter exceeds latency', () => {
    const { queue, delivered, scheduler } = setup({ latencyMs: 10, jitterMs: 100 }, [0]);
    queue.push('a');
    scheduler.advance(0);
    expect(delivered).toEqual([{ item: 'a', at: 0 }]);
  });

  it('keeps order across a change of settings', () => {
    const { queue, delivered, scheduler, set } = setup({ latencyMs: 300, jitterMs: 0 });
    queue.push('slow');
    set({ latencyMs: 0, jitterMs: 0 });
    queue.push('fast');
    expect(delivered).toEqual([]);
    scheduler.advance(300);
    expect(delivered.map((d) => d.item)).toEqual(['slow', 'fast']);
  });

  it('spaces messages as they were sent when the delay is constant', () => {
    const { queue, delivered, scheduler } = setup({ latencyMs: 80, jitterMs: 0 });
    for (let i = 0; i < 4; i++) {
      queue.push(String(i));
      scheduler.advance(50);
    }
    scheduler.advance(100);
    expect(delivered.map((d) => d.at)).toEqual([80, 130, 180, 230]);
  });

  it('drops what is waiting on clear', () => {
    const { queue, delivered, scheduler } = setup({ latencyMs: 50, jitterMs: 0 });
    queue.push('a');
    expect(queue.size).toBe(1);
    queue.clear();
    scheduler.advance(100);
    expect(delivered).toEqual([]);
    expect(queue.size).toBe(0);
  });
});
