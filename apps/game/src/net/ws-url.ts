/**
 * Where the broker's WebSocket is: on the page's own host, at `/ws`. In development the page comes
 * from Vite (port 5173), whose proxy passes `/ws` on to the broker; in production the broker
 * serves the page itself. A page loaded over https must use wss (browsers block mixed content).
 */
/** `ws://host/ws` or `wss://host/ws`: the STOMP endpoint on the page's own origin. */
export function webSocketUrl(location: Pick<Location, 'protocol' | 'host'> = globalThis.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}
