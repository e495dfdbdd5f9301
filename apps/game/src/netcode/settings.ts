/**
 * The netcode switches a learner can flip. Each technique can be turned off on its own, so its
 * effect is visible: turn prediction off under 150 ms of latency and your own circle answers the
 * keys late; turn interpolation off and the others move in steps at the snapshot rate.
 */

export const SnapshotFormat = {
  /** The compact binary encoding (`game-state.ts`), sent as binary WebSocket frames. */
  BINARY: 'binary',
  /** The same snapshot as JSON text: easy to read in the inspector, several times larger. */
  JSON: 'json',
} as const;
export type SnapshotFormat = (typeof SnapshotFormat)[keyof typeof SnapshotFormat];

export interface NetcodeSettings {
  /** Apply your own inputs at once instead of waiting for the server to echo them. */
  readonly prediction: boolean;
  /** On each snapshot, rewind to the server's state and replay the inputs it has not seen yet. */
  readonly reconciliation: boolean;
  /** Draw other players between two buffered snapshots instead of at the newest one. */
  readonly interpolation: boolean;
  /** How far in the past the interpolated world is drawn. */
  readonly interpolationDelayMs: number;
  /** Outline where the server last put your player. */
  readonly showServerPosition: boolean;
  /** Simulated one-way latency, each direction. */
  readonly latencyMs: number;
  /** Simulated jitter: each message's delay varies by up to ± this much. */
  readonly jitterMs: number;
  readonly snapshotFormat: SnapshotFormat;
}

export const DEFAULT_SETTINGS: NetcodeSettings = Object.freeze({
  prediction: true,
  reconciliation: true,
  interpolation: true,
  interpolationDelayMs: 100,
  showServerPosition: false,
  latencyMs: 0,
  jitterMs: 0,
  snapshotFormat: SnapshotFormat.BINARY,
});

export const LIMITS = {
  latencyMs: { min: 0, max: 1000, step: 10 },
  jitterMs: { min: 0, max: 300, step: 5 },
  interpolationDelayMs: { min: 0, max: 500, step: 10 },
} as const;

/**
 * Settings from the page's query string, so a lesson can link to a prepared situation:
 * `?latency=200&jitter=40&prediction=0&format=json`.
 */
export function settingsFromQuery(search: string, base: NetcodeSettings = DEFAULT_SETTINGS): NetcodeSettings {
  const params = new URLSearchParams(search);
  const flag = (name: string, fallback: boolean) => {
    const value = params.get(name);
    if (value === null) return fallback;
    return !['0', 'false', 'off', 'no'].includes(value.toLowerCase());
  };
  const number = (name: string, fallback: number, limits: { readonly min: number; readonly max: number }) => {
    const value = Number(params.get(name) ?? Number.NaN);
    return Number.isFinite(value) ? Math.min(limits.max, Math.max(limits.min, value)) : fallback;
  };
  const format = params.get('format');
  return {
    prediction: flag('prediction', base.prediction),
    reconciliation: flag('reconciliation', base.reconciliation),
    interpolation: flag('interpolation', base.interpolation),
    interpolationDelayMs: number('delay', base.interpolationDelayMs, LIMITS.interpolationDelayMs),
    showServerPosition: flag('ghost', base.showServerPosition),
    latencyMs: number('latency', base.latencyMs, LIMITS.latencyMs),
    jitterMs: number('jitter', base.jitterMs, LIMITS.jitterMs),
    snapshotFormat:
      format === SnapshotFormat.JSON || format === SnapshotFormat.BINARY ? format : base.snapshotFormat,
  };
}
