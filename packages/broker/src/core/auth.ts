/**
 * Authentication is a port: the broker hands the CONNECT frame's credentials to an `Authenticator`
 * and either gets a login (the name `/user/…` destinations and app handlers see) or a refusal. The
 * implementations (fixed accounts, minted guests, claimed names, the demo default) are in `identities.ts`.
 */
import type { Header } from '@stomping-ground/protocol';

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
