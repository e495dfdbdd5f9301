/**
 * Who this page trades as. No login form: a random guest name is made up on the first visit and
 * kept in localStorage, so a reload (or a reconnect) is the same trader with the same orders and
 * portfolio. The broker lets any login without a passcode in as a guest under that name; the demo
 * users (guest, alice, bob) need their passcode.
 */

export const LOGIN_STORAGE_KEY = 'stomping-ground.ticker.login';

/** What a login may hold: it travels in a CONNECT header, which is never escaped. */
const LOGIN_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;

const ADJECTIVES = ['swift', 'calm', 'bold', 'keen', 'lucky', 'quiet', 'brave', 'sunny', 'witty', 'nimble'];
const ANIMALS = ['otter', 'heron', 'lynx', 'badger', 'falcon', 'marten', 'ibex', 'puffin', 'gecko', 'koala'];

/** `keen-heron-417`. `random` returns a number in [0, 1), as `Math.random` does. */
export function randomGuestName(random: () => number = Math.random): string {
  const pick = (words: readonly string[]) => words[Math.floor(random() * words.length)] ?? words[0]!;
  const number = 100 + Math.floor(random() * 900);
  return `${pick(ADJECTIVES)}-${pick(ANIMALS)}-${number}`;
}

/** A typed name, trimmed, if it can be a login; undefined if not. */
export function normalizeLogin(text: string): string | undefined {
  const trimmed = text.trim();
  return LOGIN_PATTERN.test(trimmed) ? trimmed : undefined;
}

/** The stored login, or a new guest name (stored at once). Storage may be missing or refuse. */
export function loadLogin(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined): string {
  const stored = safely(() => storage?.getItem(LOGIN_STORAGE_KEY) ?? undefined);
  const valid = stored === undefined ? undefined : normalizeLogin(stored);
  if (valid !== undefined) return valid;
  const fresh = randomGuestName();
  saveLogin(storage, fresh);
  return fresh;
}

export function saveLogin(storage: Pick<Storage, 'setItem'> | undefined, login: string): void {
  safely(() => storage?.setItem(LOGIN_STORAGE_KEY, login));
}

/** localStorage throws in some private modes and sandboxed frames. */
function safely<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch {
    return undefined;
  }
}
