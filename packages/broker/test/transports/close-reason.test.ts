import { utf8Length } from '@stomping-ground/protocol';
import { describe, expect, it } from 'vitest';
import { closeReason } from '../../src/transports/websocket';

describe('closeReason', () => {
  it('keeps a short reason as it is', () => {
    expect(closeReason('disconnect')).toBe('disconnect');
  });

  it('puts a reason on one line', () => {
    expect(closeReason('too slow\r\nreading /topic/a')).toBe('too slow reading /topic/a');
  });

  it('keeps a reason of exactly 123 bytes whole', () => {
    const reason = 'a'.repeat(123);
    expect(closeReason(reason)).toBe(reason);
  });

  it('cuts a longer reason at a character boundary and marks the cut, within 123 bytes', () => {
    // 38 bytes, then 4-byte characters: a cut at byte 120 would fall inside one.
    for (const filler of ['😀', 'é', '€', 'a']) {
      const reason = closeReason(`clients may not send to /topic/market/${filler.repeat(100)}`);
      expect(utf8Length(reason)).toBeLessThanOrEqual(123);
      expect(reason.endsWith('…')).toBe(true);
      expect(reason).not.toContain('\uFFFD');
      expect(reason.slice(0, -1)).toBe(
        `clients may not send to /topic/market/${filler.repeat([...reason].length - 39)}`,
      );
    }
  });
});
