/**
 * What a page shows about its connection: one state, and the figures around it.
 *
 *   connecting ──CONNECTED──▶ connected ──socket closed──▶ reconnecting ──wait, retry──▶ connecting
 *        │                                                     ▲
 *        └──────────────── refused (ERROR) ────────────────────┘  unless retrying cannot help:
 *                                                                 then refused, and no more retries
 *
 * `stopped` is the page's own doing (`stop()`); `refused` is the broker's, with the reason.
 */

export const ConnectionState = {
  /** Opening the WebSocket and waiting for CONNECTED. */
  CONNECTING: 'connecting',
  CONNECTED: 'connected',
  /** Lost; waiting before the next attempt (`nextAttemptAt`). */
  RECONNECTING: 'reconnecting',
  /** The broker refused the login and the same CONNECT would be refused again: not retrying. */
  REFUSED: 'refused',
  /** Not trying: not started yet, or stopped by the page. */
  STOPPED: 'stopped',
} as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/** Why the broker will not let this page in. */
export const RefusalReason = {
  /**
   * A CONNECT without a login was refused: this broker mints no guests (`STOMP_GUESTS=off`), it
   * admits its accounts only.
   */
  ACCOUNTS_ONLY: 'accounts-only',
  /** The login and passcode the page gave were refused (a wrong passcode, a name someone claimed). */
  LOGIN_REFUSED: 'login-refused',
} as const;
export type RefusalReason = (typeof RefusalReason)[keyof typeof RefusalReason];

export interface Refusal {
  readonly reason: RefusalReason;
  /** The ERROR frame's `message` (and body), with its `code`. */
  readonly error: string;
}

export interface ConnectionStatus {
  readonly state: ConnectionState;
  /** The login CONNECTED named (`user-name`); '' before the first one, for a guest yet to be minted. */
  readonly login: string;
  /** The CONNECTED frame's `session` header: the broker's name for this STOMP session. */
  readonly session: string | undefined;
  /** Attempts that failed since the last CONNECTED. */
  readonly failedAttempts: number;
  /** Times the page connected again after losing a connection. */
  readonly reconnects: number;
  /** When the next attempt starts (`Date.now()` time), while reconnecting. */
  readonly nextAttemptAt: number | undefined;
  /** The last time anything (a frame or a heart-beat) came in. */
  readonly lastReceivedAt: number | undefined;
  /** How often the broker promised to send something, per the CONNECTED heart-beat; 0: not at all. */
  readonly expectEvery: number;
  /** How often this page sends heart-beats; 0: not at all. */
  readonly sendEvery: number;
  readonly version: string | undefined;
  readonly server: string | undefined;
  /** The last ERROR frame's message, with its code. */
  readonly error: string | undefined;
  /** Set while `state` is `refused`. */
  readonly refusal: Refusal | undefined;
}

export const INITIAL_STATUS: ConnectionStatus = Object.freeze({
  state: ConnectionState.STOPPED,
  login: '',
  session: undefined,
  failedAttempts: 0,
  reconnects: 0,
  nextAttemptAt: undefined,
  lastReceivedAt: undefined,
  expectEvery: 0,
  sendEvery: 0,
  version: undefined,
  server: undefined,
  error: undefined,
  refusal: undefined,
});

/**
 * One line for a status bar: `connecting…`, `connected`, `reconnecting in 2.5 s`,
 * `refused: Authentication failed (STOMP_ERR_AUTH_FAILED)`, `stopped`. `now` is `Date.now()`.
 */
export function describeStatus(status: ConnectionStatus, now: number): string {
  switch (status.state) {
    case ConnectionState.CONNECTING:
      return 'connecting…';
    case ConnectionState.CONNECTED:
      return 'connected';
    case ConnectionState.RECONNECTING:
      return status.nextAttemptAt === undefined
        ? 'reconnecting…'
        : `reconnecting in ${formatWait(Math.max(0, status.nextAttemptAt - now))}`;
    case ConnectionState.REFUSED:
      return `refused: ${status.refusal?.error ?? status.error ?? 'the broker refused the login'}`;
    case ConnectionState.STOPPED:
      return 'stopped';
  }
}

/** `0.4 s`, `12 s`, `3 min`: a wait or a silence, as precise as a reader needs. */
export function formatWait(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
