/**
 * How long to wait before reconnect attempt `n`: exponential backoff with jitter. The connection
 * (`connection.ts`) waits this long before each retry; a page can use it for any retry of its own.
 *
 * Doubling the wait spares a struggling server; the random part ("equal jitter": half fixed, half
 * random) spreads out a crowd of pages that all lost their connection at the same moment, so they
 * do not all come back in the same millisecond.
 */
export interface BackoffOptions {
  /** The wait before the first retry, before jitter. */
  readonly initialMs: number;
  /** No wait grows beyond this, before jitter. */
  readonly maxMs: number;
  /** Growth per attempt. */
  readonly factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = Object.freeze({ initialMs: 500, maxMs: 30_000, factor: 2 });

/** The ceiling for attempt `attempt` (1 is the first retry): `initial · factor^(attempt−1)`, capped. */
export function backoffCeiling(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  if (attempt < 1) return 0;
  return Math.min(options.maxMs, options.initialMs * options.factor ** (attempt - 1));
}

/**
 * The wait before retry `attempt`, between half the ceiling and the ceiling. `random` returns a
 * number in [0, 1), as `Math.random` does; tests pass their own.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = backoffCeiling(attempt, options);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
