/**
 * Who this browser is: a guest name kept in localStorage, so a reload (or a reconnect) logs in
 * under the same name. The broker's demo authenticator lets any unknown login in without a
 * passcode, as a guest under that name; `/user/queue/game` is private to that login.
 */

const NAME_KEY = 'stomping-ground.game.name';
const SEAT_KEY = 'stomping-ground.game.seat';

/** A seat the server handed out, kept so a reconnect can `resume` it. */
export interface StoredSeat {
  readonly roomId: string;
  readonly resumeToken: string;
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    // Storage can be switched off (some privacy modes): the page still works, names just don't stick.
    return undefined;
  }
}

/** A name such as `guest-4821`: short, readable, and unlikely to clash with a demo user. */
export function randomGuestName(): string {
  return `guest-${Math.floor(1000 + Math.random() * 9000)}`;
}

/** The stored guest name, or a new one (stored for next time). */
export function guestName(): string {
  const store = storage();
  const stored = store?.getItem(NAME_KEY);
  if (stored && isValidName(stored)) return stored;
  const name = randomGuestName();
  store?.setItem(NAME_KEY, name);
  return name;
}

export function setGuestName(name: string): void {
  storage()?.setItem(NAME_KEY, name);
}

/** Letters, digits, `-`, `_` and `.`, 1 to 24 of them: safe as a STOMP login and on screen. */
export function isValidName(name: string): boolean {
  return /^[\w.-]{1,24}$/.test(name);
}

/**
 * The seat is kept in sessionStorage: per tab, so two tabs of one browser are two players, and it
 * survives a reload of that tab.
 */
export function loadSeat(): StoredSeat | undefined {
  try {
    const raw = globalThis.sessionStorage?.getItem(SEAT_KEY);
    if (!raw) return undefined;
    const seat = JSON.parse(raw) as Partial<StoredSeat>;
    if (typeof seat.roomId === 'string' && typeof seat.resumeToken === 'string') {
      return { roomId: seat.roomId, resumeToken: seat.resumeToken };
    }
  } catch {
    // unreadable: start afresh
  }
  return undefined;
}

export function saveSeat(seat: StoredSeat | undefined): void {
  try {
    if (seat === undefined) globalThis.sessionStorage?.removeItem(SEAT_KEY);
    else globalThis.sessionStorage?.setItem(SEAT_KEY, JSON.stringify(seat));
  } catch {
    // storage off: resume still works within this page's life, from memory
  }
}
