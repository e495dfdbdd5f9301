import { describe, expect, it } from 'vitest';
import { heartbeatHealth } from '../src/heartbeat-health';

describe('heart-beat health', () => {
  it('is ok within the interval, late within twice it, lost beyond', () => {
    expect(heartbeatHealth(9_000, 10_000)).toBe('ok');
    expect(heartbeatHealth(15_000, 10_000)).toBe('late');
    expect(heartbeatHealth(25_000, 10_000)).toBe('lost');
  });

  it('is off when no heart-beats were agreed', () => {
    expect(heartbeatHealth(60_000, 0)).toBe('off');
  });
});
