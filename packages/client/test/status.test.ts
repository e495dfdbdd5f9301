import { describe, expect, it } from 'vitest';
import { ConnectionState, describeStatus, formatWait, INITIAL_STATUS, RefusalReason } from '../src/index';

describe('the status line', () => {
  const now = 1_000_000;

  it('names each state', () => {
    expect(describeStatus({ ...INITIAL_STATUS, state: ConnectionState.CONNECTING }, now)).toBe('connecting…');
    expect(describeStatus({ ...INITIAL_STATUS, state: ConnectionState.CONNECTED }, now)).toBe('connected');
    expect(describeStatus(INITIAL_STATUS, now)).toBe('stopped');
  });

  it('says how long until the next attempt', () => {
    const reconnecting = { ...INITIAL_STATUS, state: ConnectionState.RECONNECTING };
    expect(describeStatus({ ...reconnecting, nextAttemptAt: now + 2_500 }, now)).toBe(
      'reconnecting in 2.5 s',
    );
    expect(describeStatus({ ...reconnecting, nextAttemptAt: now - 10 }, now)).toBe('reconnecting in 0.0 s');
    expect(describeStatus(reconnecting, now)).toBe('reconnecting…');
  });

  it('says why the broker refused', () => {
    const refusal = {
      reason: RefusalReason.ACCOUNTS_ONLY,
      error: 'Authentication failed (STOMP_ERR_AUTH_FAILED)',
    };
    expect(describeStatus({ ...INITIAL_STATUS, state: ConnectionState.REFUSED, refusal }, now)).toBe(
      'refused: Authentication failed (STOMP_ERR_AUTH_FAILED)',
    );
  });

  it('writes a wait as precisely as a reader needs', () => {
    expect(formatWait(400)).toBe('0.4 s');
    expect(formatWait(12_345)).toBe('12 s');
    expect(formatWait(180_000)).toBe('3 min');
  });
});
