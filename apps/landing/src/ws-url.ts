/**
 * Where the broker's WebSocket is: on the page's own host, at `/ws`. In production the broker
 * serves this page; in development the landing page's Vite server passes `/ws` on to it.
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
