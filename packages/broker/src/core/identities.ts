/**
 * Identities nobody can take: the broker's authenticator.
 *
 * Three kinds of login, checked in this order:
 *
 * 1. **Fixed accounts** (`STOMP_USERS`): the login and its configured passcode, or a refusal.
 * 2. **Guests, minted by the server.** A CONNECT with no login gets a fresh name, `guest-` and 16
 *    hex digits, and a passcode the server chose: an HMAC-SHA256 of the name under the server's
 *    identity secret. CONNECTED carries both (`user-name` and `guest-passcode`); the client presents
 *    them as `login`/`passcode` to be that guest again. The token is checked, not stored, so every
 *    node holding the same secret accepts it. Nobody can log in under a minted name without it, and
 *    no name of that shape can be claimed by choice.
 * 3. **Claimed names.** The first login under a free name with a passcode claims the name with that
 *    passcode (kept as a salted scrypt hash in a `ClaimStore`, for the store's lifetime); every later
 *    login under that name needs it.
 *
 * A login with a name and no passcode is refused, as RabbitMQ and Artemis refuse a user without a
 * password: a name alone proves nothing. With guests off, only fixed accounts log in.
 */
import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { GUEST_PASSCODE_HEADER, type Header } from '@stomping-ground/protocol';
import type { Authenticator, AuthResult } from './auth';

/** Every minted name starts so; no name starting so (in any case), nor `guest` itself, can be claimed. */
export const GUEST_PREFIX = 'guest-';

const MINTED_NAME = /^guest-[0-9a-f]{16}$/;
const RESERVED_NAME = /^guest(-|$)/i;

/** What a claimed name may be: it travels in a CONNECT header, in logs and on screen. */
export const CLAIMABLE_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

/** The longest passcode accepted when claiming a name, in characters. */
export const MAX_PASSCODE_LENGTH = 256;

/** Refusal reasons, for logs and the ERROR frame's body (the ERROR's `message` stays "authentication failed"). */
export const IdentityRefusal = {
  PASSCODE_REQUIRED: 'a passcode is required with a login',
  LOGIN_REQUIRED: 'a passcode was given without a login',
  WRONG_PASSCODE: 'wrong passcode',
  GUESTS_OFF: 'only the configured accounts may log in',
  NOT_A_GUEST: 'this guest name was not issued with that passcode',
  RESERVED: 'guest names are issued by the server and cannot be claimed',
  BAD_NAME: 'a name is 1 to 64 letters, digits, ".", "_", "@" or "-"',
  BAD_PASSCODE: `a passcode is at most ${MAX_PASSCODE_LENGTH} characters`,
  CLAIMS_FULL: 'no more names can be claimed on this server',
} as const;
export type IdentityRefusal = (typeof IdentityRefusal)[keyof typeof IdentityRefusal];

// ── Claimed names ────────────────────────────────────────────────────────────────────────────────

export type ClaimOutcome =
  | { readonly kind: 'stored' }
  | { readonly kind: 'taken'; readonly record: string }
  | { readonly kind: 'full' };

/**
 * Where claimed names live: in memory on a node on its own, in Redis in a cluster. A record is an
 * opaque string (a passcode hash, never the passcode).
 */
export interface ClaimStore {
  /** The record of a claimed name, or undefined if nobody has claimed it. */
  find(name: string): Promise<string | undefined>;
  /** Stores `record` for `name` unless the name is claimed already (then its record) or the store is full. */
  claim(name: string, record: string): Promise<ClaimOutcome>;
}

/** Claimed names for the lifetime of this process, at most `maxClaims` of them. */
export class MemoryClaimStore implements ClaimStore {
  private readonly records = new Map<string, string>();

  constructor(private readonly maxClaims = 100_000) {}

  get size(): number {
    return this.records.size;
  }

  async find(name: string): Promise<string | undefined> {
    return this.records.get(name);
  }

  async claim(name: string, record: string): Promise<ClaimOutcome> {
    const existing = this.records.get(name);
    if (existing !== undefined) return { kind: 'taken', record: existing };
    if (this.records.size >= this.maxClaims) return { kind: 'full' };
    this.records.set(name, record);
    return { kind: 'stored' };
  }
}

// ── Passcode hashes ──────────────────────────────────────────────────────────────────────────────

/**
 * scrypt (RFC 7914) with N = 2^14, r = 8, p = 1: the "interactive login" cost, about 16 MiB and a
 * few tens of milliseconds, run on libuv's thread pool so the event loop never waits on it.
 */
const SCRYPT = { N: 16_384, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

/**
 * Hashes running at once. libuv's pool has four threads, shared with file and DNS work: a crowd of
 * logins under claimed names waits its turn here rather than taking all four.
 */
const MAX_CONCURRENT_HASHES = 2;
let hashing = 0;
const waitingToHash: Array<() => void> = [];

async function scryptAsync(passcode: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  // A slot is taken here, or handed over by the hash that ends before this one starts.
  if (hashing < MAX_CONCURRENT_HASHES) hashing++;
  else await new Promise<void>((resolve) => waitingToHash.push(resolve));
  try {
    return await new Promise((resolve, reject) => {
      scrypt(
        passcode,
        salt,
        SCRYPT.keyLength,
        { N, r, p, maxmem: 256 * N * r + 1024 * 1024 },
        (error, key) => (error ? reject(error) : resolve(key)),
      );
    });
  } finally {
    const next = waitingToHash.shift();
    if (next === undefined) hashing--;
    else next();
  }
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
export async function hashPasscode(passcode: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltLength);
  const key = await scryptAsync(passcode, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

/** Whether `passcode` is the one `record` was made from. A record this code cannot read matches nothing. */
export async function verifyPasscode(passcode: string, record: string): Promise<boolean> {
  const parts = record.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every(Number.isSafeInteger) || N > 1 << 20 || r > 32 || p > 16) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== SCRYPT.keyLength) return false;
  const key = await scryptAsync(passcode, Buffer.from(parts[4]!, 'base64url'), N, r, p);
  return timingSafeEqual(key, expected);
}

/** Compares two strings in time that does not depend on where they differ. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

// ── Minted guests ────────────────────────────────────────────────────────────────────────────────

/** The identity secret, fetched once (from configuration, or from Redis in a cluster). */
export type SecretSource = () => Promise<Uint8Array>;

/** A secret made up at start-up: guest passcodes stay valid for this process's lifetime. */
export function randomSecret(): SecretSource {
  const secret = randomBytes(32);
  return async () => secret;
}

/** Remembers the first secret `source` gives; asks again after a failure (Redis away, say). */
export function memoizedSecret(source: SecretSource): SecretSource {
  let pending: Promise<Uint8Array> | undefined;
  return () => {
    pending ??= source().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/** Mints guest names and checks their passcodes: an HMAC of the name, so nothing is stored. */
export class GuestIdentities {
  private readonly secret: SecretSource;

  constructor(secret: SecretSource) {
    this.secret = memoizedSecret(secret);
  }

  async mint(): Promise<{ readonly login: string; readonly passcode: string }> {
    const login = `${GUEST_PREFIX}${randomBytes(8).toString('hex')}`;
    return { login, passcode: await this.passcodeOf(login) };
  }

  async verify(login: string, passcode: string): Promise<boolean> {
    if (!MINTED_NAME.test(login)) return false;
    return sameSecret(passcode, await this.passcodeOf(login));
  }

  async passcodeOf(login: string): Promise<string> {
    return createHmac('sha256', await this.secret())
      .update(`stomping-ground guest\0${login}`)
      .digest('base64url');
  }
}

// ── The authenticator ────────────────────────────────────────────────────────────────────────────

export interface IdentityOptions {
  /** Fixed accounts: login → passcode. */
  readonly users: Readonly<Record<string, string>>;
  /** Minted guests and claimed names; `false` lets only fixed accounts in (`STOMP_GUESTS=off`). */
  readonly guests: boolean;
  readonly claims: ClaimStore;
  readonly secret: SecretSource;
}

export function identityAuthenticator(options: IdentityOptions): Authenticator {
  const fixed = new Map(Object.entries(options.users));
  const guests = new GuestIdentities(options.secret);
  const refuse = (reason: IdentityRefusal): AuthResult => ({ ok: false, reason });
  const asGuest = (login: string, passcode: string): AuthResult => {
    const headers: Header[] = [[GUEST_PASSCODE_HEADER, passcode]];
    return { ok: true, login, headers };
  };

  return async ({ login, passcode }) => {
    const hasLogin = login !== undefined && login !== '';
    const hasPasscode = passcode !== undefined && passcode !== '';
    if (!hasLogin) {
      if (hasPasscode) return refuse(IdentityRefusal.LOGIN_REQUIRED);
      if (!options.guests) return refuse(IdentityRefusal.GUESTS_OFF);
      const minted = await guests.mint();
      return asGuest(minted.login, minted.passcode);
    }
    const expected = fixed.get(login);
    if (expected !== undefined) {
      return passcode !== undefined && sameSecret(passcode, expected)
        ? { ok: true, login }
        : refuse(IdentityRefusal.WRONG_PASSCODE);
    }
    if (!options.guests) return refuse(IdentityRefusal.GUESTS_OFF);
    if (!hasPasscode) return refuse(IdentityRefusal.PASSCODE_REQUIRED);
    if (RESERVED_NAME.test(login)) {
      return (await guests.verify(login, passcode))
        ? asGuest(login, passcode)
        : refuse(IdentityRefusal.NOT_A_GUEST);
    }
    if (!CLAIMABLE_NAME.test(login)) return refuse(IdentityRefusal.BAD_NAME);
    if (passcode.length > MAX_PASSCODE_LENGTH) return refuse(IdentityRefusal.BAD_PASSCODE);

    const record = await options.claims.find(login);
    if (record !== undefined) {
      return (await verifyPasscode(passcode, record))
        ? { ok: true, login }
        : refuse(IdentityRefusal.WRONG_PASSCODE);
    }
    const outcome = await options.claims.claim(login, await hashPasscode(passcode));
    switch (outcome.kind) {
      case 'stored':
        return { ok: true, login };
      case 'full':
        return refuse(IdentityRefusal.CLAIMS_FULL);
      case 'taken':
        // Someone claimed it between the look-up and the claim: their passcode decides.
        return (await verifyPasscode(passcode, outcome.record))
          ? { ok: true, login }
          : refuse(IdentityRefusal.WRONG_PASSCODE);
    }
  };
}

/** The demo users: `guest`/`guest` is the login most STOMP snippets use. */
export const DEMO_USERS: Readonly<Record<string, string>> = Object.freeze({
  guest: 'guest',
  alice: 'alice',
  bob: 'bob',
});

/**
 * The broker's default authenticator, on a node of its own: the fixed `users`, guests minted under
 * a secret made up at start-up, and names claimed for the process's lifetime (above).
 */
export function demoAuthenticator(users: Readonly<Record<string, string>> = DEMO_USERS): Authenticator {
  return identityAuthenticator({
    users,
    guests: true,
    claims: new MemoryClaimStore(),
    secret: randomSecret(),
  });
}
