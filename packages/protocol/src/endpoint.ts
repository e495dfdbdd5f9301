/**
 * Where STOMP over WebSocket lives: `/ws` on the page's own origin. The broker serves it there, and
 * in development each page's dev server passes `/ws` on to the broker, so a page never needs to
 * know the broker's port. A page loaded over https must use wss (browsers block mixed content).
 */
export const STOMP_WEBSOCKET_PATH = '/ws';

/** The parts of a page's `location` the URL is made from. */
export interface PageOrigin {
  readonly protocol: string;
  readonly host: string;
}

/** `ws://host/ws` or `wss://host/ws`: the STOMP endpoint on the page's own origin. */
export function webSocketUrl(location: PageOrigin, path: string = STOMP_WEBSOCKET_PATH): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}
