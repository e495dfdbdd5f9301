/**
 * Who this page trades as. No sign-up: on the first visit the broker mints a guest (name and
 * passcode, in CONNECTED), which the connection keeps in localStorage and presents on every
 * reconnect and reload, so the page is the same trader with the same orders and portfolio
 * (`@stomping-ground/client`). The top bar can switch to a demo user (guest, alice, bob, with their passcode)
 * or to a name of one's own, claimed with the passcode given the first time.
 */

/** What a login may hold: it travels in a CONNECT header, which is never escaped. */
const LOGIN_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

/** A typed name, trimmed, if it can be a login; undefined if not. */
export function normalizeLogin(text: string): string | undefined {
  const trimmed = text.trim();
  return LOGIN_PATTERN.test(trimmed) ? trimmed : undefined;
}
