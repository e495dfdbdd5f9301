/**
 * Waits for a state, polling: for what has no event to wait on (a socket released, a counter
 * reached). Fails with `what` named after `timeoutMs`.
 */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'a condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = predicate();
    if (typeof result === 'boolean' ? result : await result) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, typeof result === 'boolean' ? 5 : 20));
  }
}
