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
