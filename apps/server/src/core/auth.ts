/**
 * Authentication is a port: the broker hands the CONNECT frame's credentials to an `Authenticator`
 * and either gets a login (the name `/user/…` destinations and app handlers see) or a refusal.
 */
import { randomBytes } from 'node:crypto';

export interface Credentials {
  /** The CONNECT frame's `login` header. */
  readonly login?: string | undefined;
  /** The CONNECT frame's `passcode` header. */
  readonly passcode?: string | undefined;
  /** The CONNECT frame's `host` header (STOMP 1.2 requires it; many clients, stompjs among them, leave it out). */
  readonly host?: string | undefined;
  readonly remoteAddress: string;
}

export type AuthResult =
  | { readonly ok: true; readonly login: string }
  | { readonly ok: false; readonly reason: string };

export type Authenticator = (credentials: Credentials) => Promise<AuthResult>;

/** The demo users: `guest`/`guest` is the login most STOMP snippets use. */
export const DEMO_USERS: Readonly<Record<string, string>> = Object.freeze({
  guest: 'guest',
  alice: 'alice',
  bob: 'bob',
});

/**
 * An authenticator for demos and development:
 *
 * - a known user must give their passcode, or is refused;
 * - any other login given without a passcode joins under that name, as a guest;
 * - no login at all joins as a fresh `guest-` name with 8 random hex digits.
 *
 * Anyone can claim an unknown name, so `/user/…` destinations are only as private as this allows.
 */
export function demoAuthenticator(users: Readonly<Record<string, string>> = DEMO_USERS): Authenticator {
  const known = new Map(Object.entries(users));
  return async ({ login, passcode }) => {
    if (login === undefined || login === '') {
      return { ok: true, login: `guest-${randomBytes(4).toString('hex')}` };
    }
    const expected = known.get(login);
    if (expected !== undefined) {
      return passcode === expected
        ? { ok: true, login }
        : { ok: false, reason: `wrong passcode for user ${login}` };
    }
    if (passcode === undefined || passcode === '') return { ok: true, login };
    return { ok: false, reason: `unknown user ${login}` };
  };
}
