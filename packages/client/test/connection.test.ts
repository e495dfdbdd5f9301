/**
 * The connection against the real server (a child process, as `pnpm dev` runs it), over `ws`:
 * the minted guest kept and presented again, subscriptions made again on each new session,
 * retries with backoff while the broker is away, refusals that stop the retries, receipts, and
 * every frame shown to the inspector.
 */
import { GUEST_IDENTITY_STORAGE_KEY } from '@stomping-ground/protocol';
import { freePort, ServerProcess } from '@stomping-ground/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionState, describeStatus, NotConnectedError, RefusalReason } from '../src/index';
import { MemoryStorage, openConnection, stompUrl } from './support/node-connection';

const GUEST_NAME = /^guest-[0-9a-f]{16}$/;

describe('a connection to a broker that mints guests', () => {
  let server: ServerProcess;
  let url: string;

  beforeAll(async () => {
    server = new ServerProcess(await freePort(), { MARKET_UPDATES_PER_SECOND: '0' });
    await server.start();
    url = stompUrl(server.baseUrl);
  });

  afterAll(async () => {
    await server.stop();
  });

  it('is a minted guest, keeps it in storage, and is the same guest after the connection drops', async () => {
    const storage = new MemoryStorage();
    const { connection, statuses, until, untilState } = openConnection(url, { identityStorage: storage });
    connection.start();
    const first = await untilState(ConnectionState.CONNECTED);
    expect(first.login).toMatch(GUEST_NAME);
    expect(first.version).toBe('1.2');
    expect(first.session).toBeTruthy();
    expect(JSON.parse(storage.getItem(GUEST_IDENTITY_STORAGE_KEY) ?? '{}')).toMatchObject({
      login: first.login,
    });

    connection.drop();
    const again = await until(
      (status) => status.state === ConnectionState.CONNECTED && status.reconnects === 1,
    );
    expect(again.login).toBe(first.login);
    expect(again.session).not.toBe(first.session);
    expect(statuses.map((status) => status.state)).toContain(ConnectionState.RECONNECTING);
    await connection.stop();
    expect(connection.currentStatus.state).toBe(ConnectionState.STOPPED);
  });

  it('without storage, is a new guest on each connection (the landing page)', async () => {
    const { connection, until, untilState } = openConnection(url, { identityStorage: undefined });
    connection.start();
    const first = await untilState(ConnectionState.CONNECTED);
    connection.drop();
    const again = await until(
      (status) => status.state === ConnectionState.CONNECTED && status.reconnects === 1,
    );
    expect(again.login).toMatch(GUEST_NAME);
    expect(again.login).not.toBe(first.login);
    await connection.stop();
  });

  it('subscribes again on each new session, and a subscription given up stays given up', async () => {
    const { connection, until, untilState } = openConnection(url, { identityStorage: new MemoryStorage() });
    const kept: string[] = [];
    const dropped: string[] = [];
    connection.subscribe('/topic/client-test/kept', (message) => kept.push(message.body));
    const unsubscribe = connection.subscribe('/topic/client-test/dropped', (message) =>
      dropped.push(message.body),
    );
    connection.start();
    await untilState(ConnectionState.CONNECTED);
    unsubscribe();

    connection.drop();
    await until((status) => status.state === ConnectionState.CONNECTED && status.reconnects === 1);
    // The SUBSCRIBEs went out before these SENDs on the same connection, so the broker has them.
    await connection.sendWithReceipt('/topic/client-test/dropped', 'not for us', 'receipt-dropped');
    await connection.sendWithReceipt('/topic/client-test/kept', 'after the reconnect', 'receipt-kept');
    await expect.poll(() => kept).toEqual(['after the reconnect']);
    expect(dropped).toEqual([]);
    await connection.stop();
  });

  it('shows every frame in and out to the inspector, from a fresh log on each socket', async () => {
    const recorded: string[] = [];
    let restarts = 0;
    const inspector = {
      record: (direction: 'in' | 'out', data: string | Uint8Array) =>
        recorded.push(`${direction} ${typeof data === 'string' ? data.split('\n')[0] : 'bytes'}`),
      note: () => {},
      restart: () => {
        restarts++;
      },
    };
    const { connection, untilState } = openConnection(url, {
      identityStorage: new MemoryStorage(),
      inspector,
    });
    connection.start();
    await untilState(ConnectionState.CONNECTED);
    await connection.sendWithReceipt('/topic/client-test/inspected', 'hello', 'receipt-inspected');
    expect(recorded).toEqual(['out CONNECT', 'in CONNECTED', 'out SEND', 'in RECEIPT']);
    expect(restarts).toBe(1);
    await connection.stop();
  });

  it('refuses to SEND while not connected, and a receipt resolves when the RECEIPT comes', async () => {
    const { connection, untilState } = openConnection(url, { identityStorage: new MemoryStorage() });
    expect(() => connection.send('/topic/client-test/early', 'too early')).toThrow(NotConnectedError);
    await expect(connection.sendWithReceipt('/topic/client-test/early', 'too early', 'r')).rejects.toThrow(
      NotConnectedError,
    );
    connection.start();
    await untilState(ConnectionState.CONNECTED);
    await expect(
      connection.sendWithReceipt('/topic/client-test/on-time', 'on time', 'r'),
    ).resolves.toBeUndefined();
    await connection.stop();
  });

  it('logs in as an account, and a wrong passcode is refused without retrying', async () => {
    const { connection, untilState } = openConnection(url, { identityStorage: new MemoryStorage() });
    connection.start();
    await untilState(ConnectionState.CONNECTED);
    await connection.changeLogin('alice', 'alice');
    expect((await untilState(ConnectionState.CONNECTED)).login).toBe('alice');

    await connection.changeLogin('alice', 'not her passcode');
    const refused = await untilState(ConnectionState.REFUSED);
    expect(refused.refusal?.reason).toBe(RefusalReason.LOGIN_REFUSED);
    expect(refused.refusal?.error).toContain('STOMP_ERR_AUTH_FAILED');
    expect(describeStatus(refused, Date.now())).toContain('refused: ');
    expect(connection.client.active).toBe(false);
  });
});

describe('a connection to a broker that mints no guests', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = new ServerProcess(await freePort(), { MARKET_UPDATES_PER_SECOND: '0', STOMP_GUESTS: 'off' });
    await server.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('is refused without a login, says why, stops retrying, and can log in with an account', async () => {
    const sent: string[] = [];
    const inspector = {
      record: (direction: 'in' | 'out', data: string | Uint8Array) => {
        if (direction === 'out' && typeof data === 'string') sent.push(data.split('\n')[0] ?? '');
      },
      note: () => {},
      restart: () => {},
    };
    const { connection, untilState } = openConnection(stompUrl(server.baseUrl), {
      identityStorage: new MemoryStorage(),
      inspector,
    });
    connection.start();
    const refused = await untilState(ConnectionState.REFUSED);
    expect(refused.refusal?.reason).toBe(RefusalReason.ACCOUNTS_ONLY);
    expect(refused.error).toContain('STOMP_ERR_AUTH_FAILED');
    expect(connection.client.active).toBe(false);
    // One CONNECT, no retry.
    expect(sent).toEqual(['CONNECT']);

    await connection.changeLogin('alice', 'alice');
    expect((await untilState(ConnectionState.CONNECTED)).login).toBe('alice');
    await connection.stop();
  });
});

describe('a connection whose broker goes away', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = new ServerProcess(await freePort(), { MARKET_UPDATES_PER_SECOND: '0' });
    await server.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('retries after a backoff wait, and comes back as a new guest when the restarted broker forgot the old one', async () => {
    const storage = new MemoryStorage();
    const { connection, statuses, until, untilState } = openConnection(stompUrl(server.baseUrl), {
      identityStorage: storage,
    });
    connection.start();
    const before = await untilState(ConnectionState.CONNECTED);

    await server.stop();
    const waiting = await until(
      (status) =>
        status.state === ConnectionState.RECONNECTING &&
        status.nextAttemptAt !== undefined &&
        status.failedAttempts >= 3,
    );
    expect(waiting.nextAttemptAt).toBeDefined();
    expect(describeStatus(waiting, Date.now())).toMatch(/^reconnecting in \d+\.\d s$/);

    // A new process has a new identity secret: the stored guest is refused once, forgotten, and a
    // new guest minted on the next attempt.
    await server.start();
    const after = await until(
      (status) => status.state === ConnectionState.CONNECTED && status.reconnects === 1,
    );
    expect(after.login).toMatch(GUEST_NAME);
    expect(after.login).not.toBe(before.login);
    expect(JSON.parse(storage.getItem(GUEST_IDENTITY_STORAGE_KEY) ?? '{}')).toMatchObject({
      login: after.login,
    });
    expect(statuses.some((status) => status.error?.includes('STOMP_ERR_AUTH_FAILED'))).toBe(true);
    expect(statuses.some((status) => status.state === ConnectionState.REFUSED)).toBe(false);
    await connection.stop();
  });
});
