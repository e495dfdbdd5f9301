/**
 * A `StompConnection` under Node, against the real server: `ws` stands in for the browser's
 * WebSocket, a Map for localStorage, and every status is recorded so a test can wait for one
 * (never for a length of time).
 */
import type { IdentityStorage } from '@stomping-ground/protocol';
import NodeWebSocket from 'ws';
import {
  type ConnectionState,
  type ConnectionStatus,
  StompConnection,
  type StompConnectionOptions,
} from '../../src/index';

/** localStorage's part the connection uses, in memory. */
export class MemoryStorage implements IdentityStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/** Retries come quickly in tests: 20 ms, doubling, at most 200 ms. */
export const QUICK_BACKOFF = { initialMs: 20, maxMs: 200, factor: 2 } as const;

export interface WatchedConnection {
  readonly connection: StompConnection;
  /** Every status, in order. */
  readonly statuses: ConnectionStatus[];
  /** Resolves with the first status (from now on, or the current one) that `test` accepts. */
  until(test: (status: ConnectionStatus) => boolean): Promise<ConnectionStatus>;
  /** Resolves once the state is `state`. */
  untilState(state: ConnectionState): Promise<ConnectionStatus>;
}

export function openConnection(
  url: string,
  options: Partial<StompConnectionOptions> & { readonly identityStorage: IdentityStorage | undefined },
): WatchedConnection {
  const statuses: ConnectionStatus[] = [];
  const waiters = new Set<{
    test: (status: ConnectionStatus) => boolean;
    resolve: (s: ConnectionStatus) => void;
  }>();
  const connection = new StompConnection({
    url,
    backoff: QUICK_BACKOFF,
    // ws's WebSocket has everything the connection and the inspector use (send, close,
    // addEventListener, binaryType, url, protocol); its type is not the DOM's.
    openWebSocket: (address, protocols) => new NodeWebSocket(address, protocols) as unknown as WebSocket,
    ...options,
    onStatus: (status) => {
      statuses.push(status);
      for (const waiter of [...waiters]) {
        if (!waiter.test(status)) continue;
        waiters.delete(waiter);
        waiter.resolve(status);
      }
      options.onStatus?.(status);
    },
  });
  const until = (test: (status: ConnectionStatus) => boolean) =>
    test(connection.currentStatus)
      ? Promise.resolve(connection.currentStatus)
      : new Promise<ConnectionStatus>((resolve) => waiters.add({ test, resolve }));
  return {
    connection,
    statuses,
    until,
    untilState: (state) => until((status) => status.state === state),
  };
}

/** `ws://127.0.0.1:port/ws` of a server's base URL. */
export function stompUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/ws`;
}
