/**
 * The claims of docs/connecting.md: the CONNECTED frame's headers, the demo authenticator's three
 * cases, and what a refused CONNECT's ERROR holds, over both transports.
 */
import type { Frame } from '@stomping-ground/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { type RunningServer, startServer } from '../support/app';
import { header, ProbePool, TRANSPORTS, text } from '../support/raw';

let server: RunningServer;
const pool = new ProbePool(() => server);

beforeAll(async () => {
  // The default offer of STOMP_HEARTBEAT, as the lesson's transcript shows it.
  server = await startServer({ heartBeat: loadConfig({}).heartBeat });
});

afterEach(() => pool.closeAll());

afterAll(async () => {
  await server.close();
});

const names = (frame: Frame) => frame.headers.map(([name]) => name);

describe.each(TRANSPORTS)('connecting.md over %s', (kind) => {
  it('answers CONNECT with exactly version, server, session, heart-beat and user-name, in that order', async () => {
    const probe = await pool.probe(kind);
    const connected = await probe.connect(
      [
        ['login', 'guest'],
        ['passcode', 'guest'],
        ['heart-beat', '0,0'],
      ],
      '1.0,1.1,1.2',
    );
    expect(connected.command).toBe('CONNECTED');
    expect(names(connected)).toEqual(['version', 'server', 'session', 'heart-beat', 'user-name']);
    expect(header(connected, 'version')).toBe('1.2');
    expect(header(connected, 'server')).toBe('stomping-ground/0.1.0');
    expect(header(connected, 'session')).toMatch(/^[0-9a-f]{8}-s[0-9]+$/);
    expect(header(connected, 'heart-beat')).toBe('1000,1000');
    expect(header(connected, 'user-name')).toBe('guest');
    expect(connected.body.length).toBe(0);
  });

  it('leaves heart-beat out of CONNECTED for a STOMP 1.0 client', async () => {
    const probe = await pool.probe(kind);
    const connected = await probe.connect(
      [
        ['login', 'guest'],
        ['passcode', 'guest'],
      ],
      '1.0',
    );
    expect(header(connected, 'version')).toBe('1.0');
    expect(names(connected)).toEqual(['version', 'server', 'session', 'user-name']);
  });

  it('accepts a CONNECT without host, as stompjs sends it', async () => {
    const probe = await pool.probe(kind);
    probe.sendRaw('CONNECT\naccept-version:1.2\nlogin:guest\npasscode:guest\n\n\0');
    expect((await probe.nextFrame()).command).toBe('CONNECTED');
  });

  it('lets an unknown login without passcode in under that name', async () => {
    const probe = await pool.probe(kind);
    const connected = await probe.connect([['login', 'zoe']]);
    expect(header(connected, 'user-name')).toBe('zoe');
  });

  it('names a client without login guest- and eight hex digits', async () => {
    const probe = await pool.probe(kind);
    const connected = await probe.connect();
    expect(header(connected, 'user-name')).toMatch(/^guest-[0-9a-f]{8}$/);
  });

  it('refuses a wrong passcode with an ERROR of message, code and content-type, then closes', async () => {
    const probe = await pool.probe(kind);
    probe.sendRaw('CONNECT\naccept-version:1.2\nhost:localhost\nlogin:guest\npasscode:nope\n\n\0');
    const error = await probe.nextFrame();
    expect(error.command).toBe('ERROR');
    expect(error.headers).toEqual([
      ['message', 'authentication failed'],
      ['code', 'STOMP_ERR_AUTH_FAILED'],
      ['content-type', 'text/plain'],
    ]);
    expect(text(error)).toBe('wrong passcode for user guest\n');
    const closed = await probe.closed;
    if (kind === 'ws') expect(closed.code).toBe(1008);
  });

  it('names the frame at fault with receipt-id when it had a receipt', async () => {
    const probe = await pool.probe(kind);
    await probe.connect([
      ['login', 'guest'],
      ['passcode', 'guest'],
    ]);
    probe.sendRaw('SUBSCRIBE\nid:0\ndestination:/queue/nowhere\nack:sometimes\nreceipt:sub-1\n\n\0');
    const error = await probe.nextFrame();
    expect(error.command).toBe('ERROR');
    expect(error.headers).toEqual([
      ['message', 'ack must be auto, client or client-individual'],
      ['code', 'STOMP_ERR_INVALID_HEADER'],
      ['receipt-id', 'sub-1'],
      ['content-type', 'text/plain'],
    ]);
  });
});
