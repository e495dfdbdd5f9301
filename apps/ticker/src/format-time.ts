/** `14:03:07`: local wall-clock time of a millisecond timestamp. */
export function formatTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString('en-GB', { hour12: false });
}
