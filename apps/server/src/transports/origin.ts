/**
 * The Origin check for browser WebSocket handshakes (RFC 6455, section 10.2: a server that only
 * wants its own pages must check Origin). A browser always sends Origin; other clients (stomp.py,
 * `ws` in Node, curl) usually do not, and are not subject to the browser's same-origin model,
 * so a request without Origin is allowed.
 */
export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  // Same origin: the page was served by this server, so its Origin names the Host it asked for.
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
