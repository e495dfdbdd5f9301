import { StompErrorCode } from '@stomping-ground/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Authenticator } from '../../src/core/auth';
import { Broker } from '../../src/core/broker';
import { BrokerErrorCode } from '../../src/core/errors';
import { CloseCode } from '../../src/core/transport';
import { connectClient, header, settle, stomp, TestClient, text } from '../support/fake-transport';

afterEach(() => {
  vi.useRealTimers();
});

describe('CONNECT', () => {
  it('answers with CONNECTED carrying version, server, session, heart-beat and user-name', async () => {
    const broker = new Broker({
      serverName: 'test-server/1',
      heartBeat: { canSend: 4000, wantsToReceive: 6000 },
    });
    const client = await connectClient(broker, { login: 'alice', passcode: 'alice' });
    const connected = client.last('CONNECTED');
    expect(header(connected, 'version')).toBe('1.2');
    expect(header(connected, 'server')).toBe('test-server/1');
    expect(header(connected, 'session')).toBe(client.connection.id);
    expect(header(connected, 'heart-beat')).toBe('4000,6000');
    expect(header(connected, 'user-name')).toBe('alice');
  });

  it('accepts the STOMP command as well as CONNECT', async () => {
    const broker = new Broker();
    const client = new TestClient(broker);
    client.raw(stomp('STOMP', { 'accept-version': '1.2', login: 'guest', passcode: 'guest' }));
    await settle();
    expect(client.commands()).toEqual(['CONNECTED']);
  });

  it('speaks 1.0, without heart-beats, when accept-version is absent', async () => {
    const broker = new Broker();
    const client = await connectClient(broker, { acceptVersion: undefined });
    const connected = client.last('CONNECTED');
    expect(header(connected, 'version')).toBe('1.0');
    expect(header(connected, 'heart-beat')).toBeUndefined();
  });

  it('picks the highest version both sides speak', async () => {
    const broker = new Broker();
    const client = await connectClient(broker, { acceptVersion: '1.1,1.0,2.0' });
    expect(header(client.last('CONNECTED'), 'version')).toBe('1.1');
  });

  it('speaks the WebSocket subprotocol’s version when accept-version lists it', async () => {
    const broker = new Broker();
    const client = await connectClient(broker, {
      acceptVersion: '1.0,1.1,1.2',
      info: { subprotocolVersion: '1.1' },
    });
    expect(header(client.last('CONNECTED'), 'version')).toBe('1.1');
  });

  it('falls back to the highest common version when accept-version does not list the subprotocol’s', async () => {
    const broker = new Broker();
    const client = await connectClient(broker, {
      acceptVersion: '1.1,1.2',
      info: { subprotocolVersion: '1.0' },
    });
    expect(header(client.last('CONNECTED'), 'version')).toBe('1.2');
  });

  it('refuses a client that shares no version, listing the versions it speaks', async () => {
    const broker = new Broker();
    const client = new TestClient(broker);
    client.send('CONNECT', { 'accept-version': '2.0,3.1' });
    await settle();
    const error = client.last('ERROR');
    expect(header(error, 'code')).toBe(StompErrorCode.UNSUPPORTED_VERSION);
    expect(header(error, 'version')).toBe('1.0,1.1,1.2');
    expect(client.closedWith?.code).toBe(CloseCode.PROTOCOL_ERROR);
  });

  it('sends the refusal of an unagreed version unescaped, so any client can read it', async () => {
    const broker = new Broker();
    const client = new TestClient(broker);
    client.send('CONNECT', { 'accept-version': '2.0' });
    await settle();
    const wire = client.transport.sent.map((chunk) => text(chunk.bytes)).join('');
    expect(wire).toMatch(/^ERROR\nmessage:no common STOMP version: /);
    expect(wire).not.toContain('\\c');
  });

  it('names the receipt of a CONNECT it refuses', async () => {
    const broker = new Broker();
    const client = new TestClient(broker);
    client.send('CONNECT', { 'accept-version': '1.2', login: 'guest', passcode: 'nope', receipt: 'login-1' });
    await settle();
    expect(header(client.last('ERROR'), 'receipt-id')).toBe('login-1');
  });

  it('refuses a wrong passcode for a known user', async () => {
    const broker = new Broker();
    const client = new TestClient(broker);
    client.send('CONNECT', { 'accept-version': '1.2', login: 'guest', passcode: 'nope' });
    await settle();
    expect(client.error()).toMatchObject({
      code: BrokerErrorCode.AUTH_FAILED,
      close: CloseCode.POLICY_VIOLATION,
    });
    expect(text(client.last('ERROR').body)).toContain('wrong passcode');
    expect(client.received('CONNECTED')).toEqual([]);
  });

  it('names a client without login a minted guest, and hands it the passcode to come back with', async () => {
    const broker = new Broker();
    const client = new TestClient(broker);
    client.send('CONNECT', { 'accept-version': '1.2' });
    await settle();
    const connected = client.last('CONNECTED');
    const login = header(connected, 'user-name') ?? '';
    const passcode = header(connected, 'guest-passcode') ?? '';
    expect(login).toMatch(/^guest-[0-9a-f]{16}$/);
    const again = new TestClient(broker);
    again.send('CONNECT', { 'accept-version': '1.2', login, passcode });
    await settle();
    expect(header(again.last('CONNECTED'), 'user-name')).toBe(login);
  });

  it('adds the headers the authenticator gives to CONNECTED, after user-name', async () => {
    const broker = new Broker({
      authenticator: async () => ({ ok: true, login: 'carol', headers: [['guest-passcode', 'abc']] }),
    });
    const client = new TestClient(broker);
    client.send('CONNECT', { 'accept-version': '1.2' });
    await settle();
    expect(client.last('CONNECTED').headers.slice(-2)).toEqual([
      ['user-name', 'carol'],
      ['guest-passcode', 'abc'],
    ]);
  });

  it('passes login, passcode, host and the remote address to the authenticator', async () => {
    const authenticator = vi.fn<Authenticator>(async () => ({ ok: true, login: 'carol' }));
    const broker = new Broker({ authenticator });
    const client = new TestClient(broker, { remoteAddress: '10.0.0.7' });
    client.send('CONNECT', { 'accept-version': '1.2', login: 'c', passcode: 'p', host: 'example.org' });
    await settle();
    expect(authenticator).toHaveBeenCalledWith({
      login: 'c',
      passcode: 'p',
      host: 'example.org',
      remoteAddress: '10.0.0.7',
    });
    expect(header(client.last('CONNECTED'), 'user-name')).toBe('carol');
  });

  it('reports an authenticator that throws as an internal error and logs it', async () => {
    const logger = recordingLogger();
    const broker = new Broker({
      authenticator: async () => {
        throw new Error('directory down');
      },
      logger,
    });
    const client = new TestClient(broker);
    client.send('CONNECT', { 'accept-version': '1.2' });
    await settle();
    expect(client.error()).toMatchObject({ code: BrokerErrorCode.INTERNAL, close: CloseCode.SERVER_ERROR });
    expect(text(client.last('ERROR').body)).not.toContain('directory down');
    expect(logger.errors).toHaveLength(1);
  });

  it('refuses any other frame before CONNECT', async () => {
    const broker = new Broker();
    const client = new TestClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/a', receipt: 'r1' });
    await settle();
    expect(client.error()).toEqual({
      code: BrokerErrorCode.NOT_CONNECTED,
      message: 'SUBSCRIBE before CONNECT',
      receiptId: 'r1',
      close: CloseCode.PROTOCOL_ERROR,
    });
  });

  it('refuses a second CONNECT', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('CONNECT', { 'accept-version': '1.2' });
    await settle();
    expect(client.error().code).toBe(BrokerErrorCode.ALREADY_CONNECTED);
  });

  it('handles CONNECT, SUBSCRIBE and SEND pipelined in one chunk', async () => {
    const broker = new Broker();
    const client = new TestClient(broker);
    client.raw(
      stomp('CONNECT', { 'accept-version': '1.2', login: 'guest', passcode: 'guest' }) +
        stomp('SUBSCRIBE', { id: 's1', destination: '/topic/chat' }) +
        stomp('SEND', { destination: '/topic/chat', receipt: 'sent' }, 'hello'),
    );
    await settle();
    expect(client.commands()).toEqual(['CONNECTED', 'MESSAGE', 'RECEIPT']);
    expect(client.bodies()).toEqual(['hello']);
  });

  it('reads frames pipelined behind CONNECT with the negotiated version’s escaping', async () => {
    const broker = new Broker();
    const client = new TestClient(broker);
    // STOMP 1.0 has no escapes: `\c` stays a backslash and a c.
    client.raw(
      'CONNECT\nlogin:guest\npasscode:guest\n\n\0' +
        'SUBSCRIBE\ndestination:/topic/raw\n\n\0' +
        'SEND\ndestination:/topic/raw\nnote:a\\cb\n\nx\0',
    );
    await settle();
    expect(header(client.last('MESSAGE'), 'note')).toBe('a\\cb');
  });

  it('bounds the frames a client may pipeline behind an unanswered CONNECT', async () => {
    const broker = new Broker({ authenticator: () => new Promise(() => {}) });
    const client = new TestClient(broker);
    let chunk = stomp('CONNECT', { 'accept-version': '1.2' });
    for (let i = 0; i < 40; i++) chunk += stomp('SEND', { destination: '/topic/a' }, `${i}`);
    client.raw(chunk);
    await settle();
    expect(client.error().code).toBe(BrokerErrorCode.LIMIT);
  });

  it('applies the pre-login frame limit until CONNECTED, then the post-login one', async () => {
    const broker = new Broker({ limits: { preLogin: { maxFrameBytes: 1024 } } });
    const refused = new TestClient(broker);
    refused.send('CONNECT', {
      'accept-version': '1.2',
      login: 'guest',
      passcode: 'guest',
      padding: 'x'.repeat(2000),
    });
    await settle();
    expect(refused.error()).toMatchObject({
      code: StompErrorCode.FRAME_TOO_LARGE,
      close: CloseCode.TOO_BIG,
    });

    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/big' });
    client.send('SEND', { destination: '/topic/big' }, 'y'.repeat(10_000));
    await settle();
    expect(client.bodies()[0]).toHaveLength(10_000);
  });

  it('replaces every decoder limit at login, not only those the post-login set names', async () => {
    const broker = new Broker({ limits: { preLogin: { maxHeaders: 4 } } });
    const client = await connectClient(broker);
    const many: Record<string, string> = { destination: '/topic/h' };
    for (let i = 0; i < 10; i++) many[`h${i}`] = `${i}`;
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/h' });
    client.send('SEND', many, 'ok');
    await settle();
    expect(client.bodies()).toEqual(['ok']);
  });

  it('closes a connection that sends no CONNECT in time', async () => {
    vi.useFakeTimers();
    const broker = new Broker({ connectTimeoutMs: 5000, timerResolutionMs: 100 });
    const client = new TestClient(broker);
    await vi.advanceTimersByTimeAsync(4800);
    expect(client.closedWith).toBeUndefined();
    await vi.advanceTimersByTimeAsync(300);
    expect(client.error()).toMatchObject({
      code: BrokerErrorCode.CONNECT_TIMEOUT,
      close: CloseCode.POLICY_VIOLATION,
    });
  });

  it('closes a connection whose authentication never finishes', async () => {
    vi.useFakeTimers();
    const broker = new Broker({
      connectTimeoutMs: 2000,
      timerResolutionMs: 100,
      authenticator: () => new Promise(() => {}),
    });
    const client = new TestClient(broker);
    client.send('CONNECT', { 'accept-version': '1.2' });
    await vi.advanceTimersByTimeAsync(2200);
    expect(client.error().code).toBe(BrokerErrorCode.CONNECT_TIMEOUT);
  });

  it('ignores what comes after a refused CONNECT', async () => {
    const broker = new Broker();
    const listener = await connectClient(broker);
    listener.send('SUBSCRIBE', { id: '1', destination: '/topic/a' });
    const client = new TestClient(broker);
    client.raw(
      stomp('CONNECT', { 'accept-version': '1.2', login: 'bob', passcode: 'wrong' }) +
        stomp('SEND', { destination: '/topic/a' }, 'sneaky'),
    );
    await settle();
    expect(client.error().code).toBe(BrokerErrorCode.AUTH_FAILED);
    expect(listener.messages()).toEqual([]);
  });
});

function recordingLogger() {
  const errors: unknown[] = [];
  const logger = {
    errors,
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (bindings: object) => {
      errors.push(bindings);
    },
    child: () => logger,
  };
  return logger;
}
