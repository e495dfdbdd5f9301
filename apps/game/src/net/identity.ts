/**
 * Who this browser is. Two things, both kept in localStorage:
 *
 * - the STOMP identity: a guest the broker mints on the first CONNECT (name and passcode, from
 *   CONNECTED), presented on every reconnect and reload so `/user/queue/game` stays this browser's
 *   (kept by `@stomping-ground/client`'s connection; the format is `@stomping-ground/protocol`'s
 *   `GuestIdentity`);
 * - the display name shown in the game, which the player may change at will.
 */
import { browserStorage } from '@stomping-ground/client';

const NAME_KEY = 'stomping-ground.game.name';
const SEAT_KEY = 'stomping-ground.game.seat';

/** A seat the server handed out, kept so a reconnect can `resume` it. */
export interface StoredSeat {
  readonly roomId: string;
  readonly resumeToken: string;
}

/** A display name such as `guest-4821`: short and readable. */
export function randomGuestName(): string {
  return `guest-${Math.floor(1000 + Math.random() * 9000)}`;
}

/** The stored display name, or a new one (stored for next time). */
export function guestName(): string {
  // Storage can be switched off (some privacy modes): the page still works, names just don't stick.
  const store = browserStorage();
  const stored = store?.getItem(NAME_KEY);
  if (stored && isValidName(stored)) return stored;
  const name = randomGuestName();
  store?.setItem(NAME_KEY, name);
  return name;
}

export function setGuestName(name: string): void {
  browserStorage()?.setItem(NAME_KEY, name);
}

/** Letters, digits, `-`, `_` and `.`, 1 to 24 of them: safe on screen and in a snapshot. */
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
