/**
 * The claims of docs/connecting.md: the CONNECTED frame's headers, the kinds of login (fixed,
 * minted guest, claimed name), and what a refused CONNECT's ERROR holds, over both transports.
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

  it('refuses a name given without a passcode', async () => {
    const probe = await pool.probe(kind);
    probe.sendRaw('CONNECT\naccept-version:1.2\nlogin:zoe\n\n\0');
    const error = await probe.nextFrame();
    expect(header(error, 'code')).toBe('STOMP_ERR_AUTH_FAILED');
    expect(text(error)).toBe('a passcode is required with a login\n');
  });

  it('lets a name be claimed with a passcode, and only that passcode in after', async () => {
    const login = `zoe-${kind}`;
    const first = await pool.probe(kind);
    const claimed = await first.connect([
      ['login', login],
      ['passcode', 'chosen'],
    ]);
    expect(header(claimed, 'user-name')).toBe(login);
    expect(header(claimed, 'guest-passcode')).toBeUndefined();
    const impostor = await pool.probe(kind);
    impostor.sendRaw(`CONNECT\naccept-version:1.2\nlogin:${login}\npasscode:guessed\n\n\0`);
    expect(header(await impostor.nextFrame(), 'code')).toBe('STOMP_ERR_AUTH_FAILED');
  });

  it('mints a guest- name with 16 hex digits for a client without login, and a passcode to come back with', async () => {
    const probe = await pool.probe(kind);
    const connected = await probe.connect();
    const login = header(connected, 'user-name') ?? '';
    expect(login).toMatch(/^guest-[0-9a-f]{16}$/);
    expect(names(connected).slice(-2)).toEqual(['user-name', 'guest-passcode']);
    const again = await pool.probe(kind);
    const back = await again.connect([
      ['login', login],
      ['passcode', header(connected, 'guest-passcode') ?? ''],
    ]);
    expect(header(back, 'user-name')).toBe(login);
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
    expect(text(error)).toBe('wrong passcode\n');
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
