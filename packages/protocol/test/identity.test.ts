import { describe, expect, it } from 'vitest';
import {
  connectHeadersFor,
  forgetGuestIdentity,
  GUEST_IDENTITY_STORAGE_KEY,
  guestIdentityFrom,
  loadGuestIdentity,
  saveGuestIdentity,
} from '../src/index';

function memoryStorage(initial: Record<string, string> = {}) {
  const values = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    removeItem: (key: string) => void values.delete(key),
    values,
  };
}

describe('the guest identity', () => {
  const identity = { login: 'guest-0123456789abcdef', passcode: 'c2VjcmV0' };

  it('is read from CONNECTED only when it carries a guest passcode', () => {
    expect(guestIdentityFrom({ 'user-name': identity.login, 'guest-passcode': identity.passcode })).toEqual(
      identity,
    );
    expect(guestIdentityFrom({ 'user-name': 'alice' })).toBeUndefined();
  });

  it('becomes login and passcode on CONNECT, or nothing so that the broker mints one', () => {
    expect(connectHeadersFor(identity)).toEqual({ login: identity.login, passcode: identity.passcode });
    expect(connectHeadersFor(undefined)).toEqual({});
  });

  it('is kept, read back and forgotten', () => {
    const storage = memoryStorage();
    expect(loadGuestIdentity(storage)).toBeUndefined();
    saveGuestIdentity(storage, identity);
    expect(loadGuestIdentity(storage)).toEqual(identity);
    forgetGuestIdentity(storage);
    expect(storage.values.has(GUEST_IDENTITY_STORAGE_KEY)).toBe(false);
  });

  it('ignores what it cannot read, and storage that throws', () => {
    for (const stored of ['not json', '"a string"', '{"login":"x"}', '{"login":"","passcode":"p"}']) {
      expect(loadGuestIdentity(memoryStorage({ [GUEST_IDENTITY_STORAGE_KEY]: stored }))).toBeUndefined();
    }
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(loadGuestIdentity(broken)).toBeUndefined();
    expect(() => saveGuestIdentity(broken, identity)).not.toThrow();
    expect(() => forgetGuestIdentity(broken)).not.toThrow();
    expect(loadGuestIdentity(undefined)).toBeUndefined();
  });
});
