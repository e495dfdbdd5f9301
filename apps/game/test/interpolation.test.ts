import { describe, expect, it } from 'vitest';
import { InterpolationBuffer, lerpById, SampleStatus } from '../src/netcode/interpolation';
import { ServerClock } from '../src/netcode/server-clock';

describe('InterpolationBuffer', () => {
  it('returns nothing before the first snapshot', () => {
    expect(new InterpolationBuffer<number>().sample(100)).toBeUndefined();
  });

  it('finds the two snapshots around the render time and how far between them it lies', () => {
    const buffer = new InterpolationBuffer<string>();
    buffer.push(0, 'a');
    buffer.push(50, 'b');
    buffer.push(100, 'c');
    const sample = buffer.sample(75)!;
    expect(sample.status).toBe(SampleStatus.INTERPOLATING);
    expect(sample.from.value).toBe('b');
    expect(sample.to.value).toBe('c');
    expect(sample.t).toBeCloseTo(0.5);
  });

  it('lands exactly on a snapshot with t = 0', () => {
    const buffer = new InterpolationBuffer<string>();
    buffer.push(0, 'a');
    buffer.push(50, 'b');
    buffer.push(100, 'c');
    const sample = buffer.sample(50)!;
    expect([sample.from.value, sample.to.value, sample.t]).toEqual(['b', 'c', 0]);
  });

  it('holds the newest snapshot when the render time runs past it (starved)', () => {
    const buffer = new InterpolationBuffer<string>();
    buffer.push(0, 'a');
    buffer.push(50, 'b');
    const sample = buffer.sample(80)!;
    expect(sample.status).toBe(SampleStatus.STARVED);
    expect(sample.from.value).toBe('b');
    expect(sample.to.value).toBe('b');
  });

  it('shows the oldest snapshot while the render time has not reached it (waiting)', () => {
    const buffer = new InterpolationBuffer<string>();
    buffer.push(100, 'a');
    const sample = buffer.sample(40)!;
    expect(sample.status).toBe(SampleStatus.WAITING);
    expect(sample.from.value).toBe('a');
  });

  it('drops snapshots the render time has passed, keeping the one it interpolates from', () => {
    const buffer = new InterpolationBuffer<number>();
    for (let time = 0; time <= 200; time += 50) buffer.push(time, time);
    buffer.sample(120);
    expect(buffer.size).toBe(3); // 100, 150, 200
    expect(buffer.sample(120)!.from.value).toBe(100);
  });

  it('ignores a snapshot that is not newer than the newest', () => {
    const buffer = new InterpolationBuffer<string>();
    expect(buffer.push(50, 'a')).toBe(true);
    expect(buffer.push(50, 'again')).toBe(false);
    expect(buffer.push(10, 'old')).toBe(false);
    expect(buffer.size).toBe(1);
  });

  it('keeps at most its capacity', () => {
    const buffer = new InterpolationBuffer<number>(4);
    for (let time = 0; time < 10; time++) buffer.push(time, time);
    expect(buffer.size).toBe(4);
  });

  it('reports its depth: how far ahead of the render time the newest snapshot is', () => {
    const buffer = new InterpolationBuffer<number>();
    for (let time = 0; time <= 200; time += 50) buffer.push(time, time);
    expect(buffer.depth(100)).toEqual({ ms: 100, snapshots: 2 });
    expect(buffer.depth(250)).toEqual({ ms: -50, snapshots: 0 });
  });
});

describe('lerpById', () => {
  const a = { id: 1, x: 0, y: 0, name: 'a' };
  const b = { id: 2, x: 100, y: 100, name: 'b' };

  it('blends each entity between its two positions', () => {
    const [moved] = lerpById([a], [{ ...a, x: 10, y: -20 }], 0.25);
    expect(moved).toEqual({ id: 1, x: 2.5, y: -5, name: 'a' });
  });

  it('shows a newcomer where it first appears and leaves out one that is gone', () => {
    expect(lerpById([a], [b], 0.5)).toEqual([b]);
  });

  it('does not blend a jump longer than the snap distance', () => {
    const far = { ...a, x: 500 };
    expect(lerpById([a], [far], 0.5, 100)[0]!.x).toBe(0);
    expect(lerpById([a], [far], 1, 100)[0]!.x).toBe(500);
  });
});

describe('ServerClock', () => {
  it('maps local time to server time from the first snapshot', () => {
    const clock = new ServerClock();
    clock.observe(5000, 1000);
    expect(clock.now(1000)).toBe(5000);
    expect(clock.now(1100)).toBe(5100);
  });

  it('follows the mean offset, so one late snapshot barely moves it', () => {
    const clock = new ServerClock({ weight: 0.1 });
    clock.observe(1000, 1000);
    clock.now(1000);
    clock.observe(1050, 1090); // 40 ms later than usual: jitter
    // The mean moved by 4 ms; the clock heads there at no more than 5% of elapsed time.
    expect(clock.now(1100)).toBeCloseTo(1100 - 4);
  });

  it('drifts towards a new estimate at a bounded rate rather than jumping', () => {
    const clock = new ServerClock({ weight: 1, maxDriftRate: 0.1 });
    clock.observe(0, 0);
    expect(clock.now(1040)).toBe(1040);
    // Messages now arrive 50 ms later (latency went up): the clock heads there at 10% of elapsed time.
    clock.observe(1000, 1050);
    expect(clock.now(1050) - 1050).toBeCloseTo(-1);
    expect(clock.now(1150) - 1150).toBeCloseTo(-11);
    // Given long enough, it settles on the new offset.
    expect(clock.now(5000) - 5000).toBeCloseTo(-50);
  });

  it('jumps when the estimate moves by more than the snap threshold', () => {
    const clock = new ServerClock({ snapMs: 100, weight: 0.5 });
    clock.observe(0, 0);
    clock.observe(1000, 2000);
    expect(clock.now(2000)).toBe(1000);
  });

  it('starts over on reset', () => {
    const clock = new ServerClock();
    clock.observe(5000, 0);
    clock.reset();
    expect(clock.synced).toBe(false);
    expect(clock.now(10)).toBe(10);
  });
});
