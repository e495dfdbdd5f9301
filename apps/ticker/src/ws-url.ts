/**
 * Where the broker's WebSocket is: on the page's own host, at `/ws`. In development the page comes
 * from Vite (port 5174), whose proxy passes `/ws` on to the broker; in production the broker
 * serves the page itself. A page loaded over https must use wss (browsers block mixed content).
 */
export interface PageLocation {
  readonly protocol: string;
  readonly host: string;
}

export function webSocketUrl(location: PageLocation, path = '/ws'): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}

/** The subprotocols offered, newest first: the broker picks the highest it speaks. */
export const STOMP_SUBPROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'] as const;
