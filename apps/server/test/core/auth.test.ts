import { describe, expect, it } from 'vitest';
import { DEMO_USERS, demoAuthenticator } from '../../src/core/auth';

const remoteAddress = '127.0.0.1';

describe('the demo authenticator', () => {
  const authenticate = demoAuthenticator();

  it('knows guest, alice and bob, each with their name as passcode', async () => {
    expect(DEMO_USERS).toEqual({ guest: 'guest', alice: 'alice', bob: 'bob' });
    for (const login of ['guest', 'alice', 'bob']) {
      expect(await authenticate({ login, passcode: login, remoteAddress })).toEqual({ ok: true, login });
    }
  });

  it('refuses a known user with a wrong or missing passcode', async () => {
    expect(await authenticate({ login: 'guest', passcode: 'nope', remoteAddress })).toMatchObject({
      ok: false,
    });
    expect(await authenticate({ login: 'alice', remoteAddress })).toMatchObject({ ok: false });
  });

  it('lets any other login without passcode join under that name', async () => {
    expect(await authenticate({ login: 'zoe', remoteAddress })).toEqual({ ok: true, login: 'zoe' });
  });

  it('refuses an unknown login that brings a passcode', async () => {
    expect(await authenticate({ login: 'zoe', passcode: 'secret', remoteAddress })).toMatchObject({
      ok: false,
    });
  });

  it('names a client without login guest- and eight hex digits, a new name each time', async () => {
    const first = await authenticate({ remoteAddress });
    const second = await authenticate({ login: '', remoteAddress });
    expect(first.ok && first.login).toMatch(/^guest-[0-9a-f]{8}$/);
    expect(second.ok && second.login).toMatch(/^guest-[0-9a-f]{8}$/);
    expect(first).not.toEqual(second);
  });

  it('takes its own list of users', async () => {
    const custom = demoAuthenticator({ root: 'hunter2' });
    expect(await custom({ login: 'root', passcode: 'hunter2', remoteAddress })).toEqual({
      ok: true,
      login: 'root',
    });
    expect(await custom({ login: 'guest', remoteAddress })).toEqual({ ok: true, login: 'guest' });
  });
});
