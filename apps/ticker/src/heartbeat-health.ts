/**
 * Is the connection alive? With heart-beats negotiated, the broker sends *something* (a frame or
 * a bare EOL) at least every `expectEvery` ms. The page judges the silence since the last byte in.
 * @stomp/stompjs gives up on the connection after twice the interval (its tolerance multiplier).
 */
export type HeartbeatHealth = 'off' | 'ok' | 'late' | 'lost';

export function heartbeatHealth(silenceMs: number, expectEvery: number): HeartbeatHealth {
  if (expectEvery <= 0) return 'off';
  if (silenceMs <= expectEvery) return 'ok';
  if (silenceMs <= 2 * expectEvery) return 'late';
  return 'lost';
}

/** `0.4 s`, `12 s`, `3 min`. */
export function formatSilence(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
