/**
 * The Origin check for browser WebSocket handshakes (RFC 6455, section 10.2: a server that only
 * wants its own pages must check Origin).
 *
 * Allowed origins are configured (`PUBLIC_ORIGIN`, `ALLOWED_ORIGINS`, and the dev servers in
 * development), never derived from the request's `Host` header: a page on a name the attacker
 * controls that resolves to this server (DNS rebinding) sends a `Host` and an `Origin` that match.
 *
 * A browser always sends Origin; other clients (stomp.py, `ws` in Node, curl) usually do not, and
 * are not subject to the browser's same-origin model, so a request without Origin is allowed.
 */
export function isOriginAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  return allowed.includes(origin);
}
