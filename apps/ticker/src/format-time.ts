/**
 * `14:03:07`: local wall-clock time of a millisecond timestamp. One formatter for the page:
 * `toLocaleTimeString` would look the locale up again on every call, at trade rates.
 */
const timeFormat = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

export function formatTime(epochMs: number): string {
  return timeFormat.format(epochMs);
}
