import { GUEST_PASSCODE_HEADER } from '@stomping-ground/protocol';
import { describe, expect, it } from 'vitest';
import type { AuthResult } from '../../src/core/auth';
import {
  DEMO_USERS,
  demoAuthenticator,
  GuestIdentities,
  hashPasscode,
  IdentityRefusal,
  identityAuthenticator,
  MemoryClaimStore,
  randomSecret,
  verifyPasscode,
} from '../../src/core/identities';

const remoteAddress = '127.0.0.1';

function guestPasscode(result: AuthResult): string {
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  const header = result.headers?.find(([name]) => name === GUEST_PASSCODE_HEADER);
  if (header === undefined) throw new Error('no guest passcode');
  return header[1];
}

function refusal(reason: IdentityRefusal): AuthResult {
  return { ok: false, reason };
}

describe('the authenticator', () => {
  describe('with fixed accounts', () => {
    const authenticate = demoAuthenticator();

    it('knows guest, alice and bob, each with their name as passcode', async () => {
      expect(DEMO_USERS).toEqual({ guest: 'guest', alice: 'alice', bob: 'bob' });
      for (const login of ['guest', 'alice', 'bob']) {
        expect(await authenticate({ login, passcode: login, remoteAddress })).toEqual({ ok: true, login });
      }
    });

    it('refuses a fixed account with a wrong or missing passcode', async () => {
      expect(await authenticate({ login: 'guest', passcode: 'nope', remoteAddress })).toEqual(
        refusal(IdentityRefusal.WRONG_PASSCODE),
      );
      expect(await authenticate({ login: 'alice', remoteAddress })).toEqual(
        refusal(IdentityRefusal.WRONG_PASSCODE),
      );
    });

    it('takes its own list of users', async () => {
      const custom = demoAuthenticator({ root: 'hunter2' });
      expect(await custom({ login: 'root', passcode: 'hunter2', remoteAddress })).toEqual({
        ok: true,
        login: 'root',
      });
      expect(await custom({ login: 'root', passcode: 'hunter', remoteAddress })).toMatchObject({ ok: false });
    });
  });

  describe('with minted guests', () => {
    const authenticate = demoAuthenticator();

    it('names a client without login guest- and 16 hex digits, a new name each time, with a passcode', async () => {
      const first = await authenticate({ remoteAddress });
      const second = await authenticate({ login: '', passcode: '', remoteAddress });
      expect(first.ok && first.login).toMatch(/^guest-[0-9a-f]{16}$/);
      expect(second.ok && second.login).toMatch(/^guest-[0-9a-f]{16}$/);
      expect(first.ok && second.ok && first.login !== second.login).toBe(true);
      expect(guestPasscode(first)).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(guestPasscode(first)).not.toBe(guestPasscode(second));
    });

    it('lets the guest back in under its name with the passcode it was given', async () => {
      const minted = await authenticate({ remoteAddress });
      const login = minted.ok ? minted.login : '';
      const again = await authenticate({ login, passcode: guestPasscode(minted), remoteAddress });
      expect(again).toEqual({ ok: true, login, headers: [[GUEST_PASSCODE_HEADER, guestPasscode(minted)]] });
    });

    it('refuses a minted name without its passcode, with another guest’s, or with a near miss', async () => {
      const victim = await authenticate({ remoteAddress });
      const other = await authenticate({ remoteAddress });
      const login = victim.ok ? victim.login : '';
      const passcode = guestPasscode(victim);
      const nearMiss = `${passcode.slice(0, -1)}${passcode.endsWith('A') ? 'B' : 'A'}`;
      expect(await authenticate({ login, remoteAddress })).toEqual(
        refusal(IdentityRefusal.PASSCODE_REQUIRED),
      );
      for (const wrong of [guestPasscode(other), nearMiss, 'guest', login]) {
        expect(await authenticate({ login, passcode: wrong, remoteAddress })).toEqual(
          refusal(IdentityRefusal.NOT_A_GUEST),
        );
      }
    });

    it('refuses the passcode of a guest minted under another secret (another server)', async () => {
      const elsewhere = await demoAuthenticator()({ remoteAddress });
      const login = elsewhere.ok ? elsewhere.login : '';
      expect(await authenticate({ login, passcode: guestPasscode(elsewhere), remoteAddress })).toEqual(
        refusal(IdentityRefusal.NOT_A_GUEST),
      );
    });

    it('accepts a guest on every server that shares the secret', async () => {
      const secret = randomSecret();
      const options = { users: {}, guests: true, secret } as const;
      const one = identityAuthenticator({ ...options, claims: new MemoryClaimStore() });
      const two = identityAuthenticator({ ...options, claims: new MemoryClaimStore() });
      const minted = await one({ remoteAddress });
      const login = minted.ok ? minted.login : '';
      expect(await two({ login, passcode: guestPasscode(minted), remoteAddress })).toMatchObject({
        ok: true,
        login,
      });
    });

    it('refuses a passcode without a login', async () => {
      expect(await authenticate({ passcode: 'x', remoteAddress })).toEqual(
        refusal(IdentityRefusal.LOGIN_REQUIRED),
      );
    });
  });

  describe('with claimed names', () => {
    it('lets the first login under a free name claim it with its passcode, and only that passcode after', async () => {
      const authenticate = demoAuthenticator();
      expect(await authenticate({ login: 'zoe', passcode: 'first', remoteAddress })).toEqual({
        ok: true,
        login: 'zoe',
      });
      expect(await authenticate({ login: 'zoe', passcode: 'first', remoteAddress })).toEqual({
        ok: true,
        login: 'zoe',
      });
      expect(await authenticate({ login: 'zoe', passcode: 'second', remoteAddress })).toEqual(
        refusal(IdentityRefusal.WRONG_PASSCODE),
      );
    });

    it('refuses a name given without a passcode, claimed or not', async () => {
      const authenticate = demoAuthenticator();
      expect(await authenticate({ login: 'zoe', remoteAddress })).toEqual(
        refusal(IdentityRefusal.PASSCODE_REQUIRED),
      );
      expect(await authenticate({ login: 'zoe', passcode: '', remoteAddress })).toEqual(
        refusal(IdentityRefusal.PASSCODE_REQUIRED),
      );
      await authenticate({ login: 'zoe', passcode: 'mine', remoteAddress });
      expect(await authenticate({ login: 'zoe', remoteAddress })).toEqual(
        refusal(IdentityRefusal.PASSCODE_REQUIRED),
      );
    });

    it('gives a name to one of two claimants racing for it, and refuses the other', async () => {
      const authenticate = demoAuthenticator();
      const results = await Promise.all([
        authenticate({ login: 'race', passcode: 'one', remoteAddress }),
        authenticate({ login: 'race', passcode: 'two', remoteAddress }),
      ]);
      expect(results.filter((result) => result.ok)).toHaveLength(1);
    });

    it('keeps guest names for the server to mint, in any case', async () => {
      const authenticate = demoAuthenticator({});
      for (const login of ['guest', 'Guest', 'guest-0123456789abcdef', 'GUEST-me', 'guest-']) {
        expect(await authenticate({ login, passcode: 'chosen', remoteAddress })).toEqual(
          refusal(IdentityRefusal.NOT_A_GUEST),
        );
      }
    });

    it('refuses names that are not plain letters, digits and a few marks', async () => {
      const authenticate = demoAuthenticator();
      for (const login of ['alice ', 'a\0b', 'a:b', 'a/b', 'ä', 'x'.repeat(65)]) {
        expect(await authenticate({ login, passcode: 'p', remoteAddress })).toEqual(
          refusal(IdentityRefusal.BAD_NAME),
        );
      }
      expect(await authenticate({ login: 'long', passcode: 'p'.repeat(257), remoteAddress })).toEqual(
        refusal(IdentityRefusal.BAD_PASSCODE),
      );
    });

    it('stops taking claims when the store is full, and still lets claimants in', async () => {
      const authenticate = identityAuthenticator({
        users: {},
        guests: true,
        claims: new MemoryClaimStore(1),
        secret: randomSecret(),
      });
      expect(await authenticate({ login: 'one', passcode: 'p', remoteAddress })).toMatchObject({ ok: true });
      expect(await authenticate({ login: 'two', passcode: 'p', remoteAddress })).toEqual(
        refusal(IdentityRefusal.CLAIMS_FULL),
      );
      expect(await authenticate({ login: 'one', passcode: 'p', remoteAddress })).toMatchObject({ ok: true });
    });

    it('keeps a salted scrypt hash, never the passcode', async () => {
      const claims = new MemoryClaimStore();
      const authenticate = identityAuthenticator({ users: {}, guests: true, claims, secret: randomSecret() });
      await authenticate({ login: 'zoe', passcode: 'correct horse', remoteAddress });
      const record = await claims.find('zoe');
      expect(record).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
      expect(record).not.toContain('correct horse');
      expect(await hashPasscode('correct horse')).not.toBe(record);
      expect(await verifyPasscode('correct horse', record ?? '')).toBe(true);
      expect(await verifyPasscode('correct horsE', record ?? '')).toBe(false);
      expect(await verifyPasscode('correct horse', 'plain')).toBe(false);
    });
  });

  describe('with guests off', () => {
    const authenticate = identityAuthenticator({
      users: { guest: 'guest', ops: 's3cret' },
      guests: false,
      claims: new MemoryClaimStore(),
      secret: randomSecret(),
    });

    it('lets only the fixed accounts in', async () => {
      expect(await authenticate({ login: 'ops', passcode: 's3cret', remoteAddress })).toEqual({
        ok: true,
        login: 'ops',
      });
      expect(await authenticate({ login: 'guest', passcode: 'guest', remoteAddress })).toEqual({
        ok: true,
        login: 'guest',
      });
      expect(await authenticate({ remoteAddress })).toEqual(refusal(IdentityRefusal.GUESTS_OFF));
      expect(await authenticate({ login: 'zoe', passcode: 'p', remoteAddress })).toEqual(
        refusal(IdentityRefusal.GUESTS_OFF),
      );
    });

    it('refuses a guest minted under the same secret while guests were on', async () => {
      const secret = randomSecret();
      const minted = await identityAuthenticator({
        users: {},
        guests: true,
        claims: new MemoryClaimStore(),
        secret,
      })({ remoteAddress });
      const closed = identityAuthenticator({
        users: {},
        guests: false,
        claims: new MemoryClaimStore(),
        secret,
      });
      const login = minted.ok ? minted.login : '';
      expect(await closed({ login, passcode: guestPasscode(minted), remoteAddress })).toEqual(
        refusal(IdentityRefusal.GUESTS_OFF),
      );
    });
  });

  it('answers "unavailable" by throwing while the secret cannot be had, and recovers after', async () => {
    let failures = 1;
    const guests = new GuestIdentities(async () => {
      if (failures-- > 0) throw new Error('redis is away');
      return new Uint8Array(32).fill(7);
    });
    await expect(guests.mint()).rejects.toThrow('redis is away');
    const minted = await guests.mint();
    expect(await guests.verify(minted.login, minted.passcode)).toBe(true);
  });
});
