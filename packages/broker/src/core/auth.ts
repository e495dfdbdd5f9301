/**
 * Authentication is a port: the broker hands the CONNECT frame's credentials to an `Authenticator`
 * and either gets a login (the name `/user/…` destinations and app handlers see) or a refusal.
 */
import type { Header } from '@stomping-ground/protocol';
import { identityAuthenticator, MemoryClaimStore, randomSecret } from './identities';

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
  | {
      readonly ok: true;
      readonly login: string;
      /** Added to the CONNECTED frame (a minted guest's passcode, say). Values must need no escaping. */
      readonly headers?: readonly Header[];
    }
  | { readonly ok: false; readonly reason: string };

export type Authenticator = (credentials: Credentials) => Promise<AuthResult>;

/** The demo users: `guest`/`guest` is the login most STOMP snippets use. */
export const DEMO_USERS: Readonly<Record<string, string>> = Object.freeze({
  guest: 'guest',
  alice: 'alice',
  bob: 'bob',
});

/**
 * The broker's default authenticator, on a node of its own: the fixed `users`, guests minted under
 * a secret made up at start-up, and names claimed for the process's lifetime (`identities.ts`).
 */
export function demoAuthenticator(users: Readonly<Record<string, string>> = DEMO_USERS): Authenticator {
  return identityAuthenticator({
    users,
    guests: true,
    claims: new MemoryClaimStore(),
    secret: randomSecret(),
  });
}
