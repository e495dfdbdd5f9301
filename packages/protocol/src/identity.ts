/**
 * Guest identities between the broker and the pages.
 *
 * A CONNECT with no login makes the broker mint a guest: CONNECTED's `user-name` is the new name
 * (`guest-` and 16 hex digits) and its `guest-passcode` header the passcode the broker chose. A page
 * keeps both (localStorage) and sends them as `login` and `passcode` on every later CONNECT, a
 * reconnect or a reload, to be the same guest with the same orders, portfolio and game seat.
 */

/** The CONNECTED header carrying a minted guest's passcode. */
export const GUEST_PASSCODE_HEADER = 'guest-passcode';

/** Where the pages keep their guest identity (one per origin: the game and the ticker share it in production). */
export const GUEST_IDENTITY_STORAGE_KEY = 'stomping-ground.guest';

export interface GuestIdentity {
  readonly login: string;
  readonly passcode: string;
}

/** The part of the Web Storage API used here; `undefined` where storage is switched off. */
export interface IdentityStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The guest identity a CONNECTED frame's headers hand out, if it minted one (or confirmed one). */
export function guestIdentityFrom(
  headers: Readonly<Record<string, string | undefined>>,
): GuestIdentity | undefined {
  const login = headers['user-name'];
  const passcode = headers[GUEST_PASSCODE_HEADER];
  return login && passcode ? { login, passcode } : undefined;
}

/** CONNECT headers for a stored identity, or none: the broker then mints a guest. */
export function connectHeadersFor(identity: GuestIdentity | undefined): Record<string, string> {
  return identity === undefined ? {} : { login: identity.login, passcode: identity.passcode };
}

/** The stored guest identity, if there is a readable one. Storage may be missing or throw. */
export function loadGuestIdentity(storage: IdentityStorage | undefined): GuestIdentity | undefined {
  const raw = quietly(() => storage?.getItem(GUEST_IDENTITY_STORAGE_KEY));
  if (!raw) return undefined;
  const parsed = quietly(() => JSON.parse(raw) as unknown);
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { login, passcode } = parsed as Record<string, unknown>;
  return typeof login === 'string' && typeof passcode === 'string' && login !== '' && passcode !== ''
    ? { login, passcode }
    : undefined;
}

export function saveGuestIdentity(storage: IdentityStorage | undefined, identity: GuestIdentity): void {
  quietly(() => storage?.setItem(GUEST_IDENTITY_STORAGE_KEY, JSON.stringify(identity)));
}

/** Forgets an identity the broker no longer knows (its secret changed), so the next CONNECT mints a new one. */
export function forgetGuestIdentity(storage: IdentityStorage | undefined): void {
  quietly(() => storage?.removeItem(GUEST_IDENTITY_STORAGE_KEY));
}

/** Web Storage throws in some private modes and sandboxed frames. */
function quietly<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch {
    return undefined;
  }
}
