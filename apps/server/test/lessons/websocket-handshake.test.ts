/**
 * The claims of docs/websocket-handshake.md, checked against the real server with a hand-written
 * HTTP upgrade over a plain TCP socket, as the lesson shows it.
 */
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { Versions } from '@stomp/stompjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/app';

/** The key the lesson's capture uses (RFC 6455's own example, section 1.3). */
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
/** The answer the lesson shows for it. */
const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';
/** RFC 6455, section 1.3 and 4.2.2. */
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

interface RawResponse {
  readonly statusLine: string;
  readonly headers: Array<[string, string]>;
  readonly body: string;
}

/** The lesson's request, byte for byte, with `Host` naming the test server's port. */
function upgradeRequest(port: number, origin: string): string {
  return [
    'GET /ws HTTP/1.1',
    `Host: localhost:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${KEY}`,
    'Sec-WebSocket-Version: 13',
    `Origin: ${origin}`,
    'Sec-WebSocket-Protocol: v10.stomp, v11.stomp, v12.stomp',
    'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits',
    '',
    '',
  ].join('\r\n');
}

/** Sends `request` and reads the response head (and, when it has a content-length, its body). */
function exchange(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let received = '';
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return;
      const [statusLine, ...lines] = received.slice(0, end).split('\r\n');
      const headers = lines.map((line): [string, string] => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon), line.slice(colon + 1).trim()];
      });
      const length = Number(headers.find(([name]) => name.toLowerCase() === 'content-length')?.[1] ?? 0);
      const body = received.slice(end + 4);
      if (body.length < length) return;
      socket.destroy();
      resolve({ statusLine: statusLine!, headers, body });
    });
  });
}

function portOf(server: RunningServer): number {
  return Number(new URL(server.httpUrl).port);
}

describe('websocket-handshake.md', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it('computes Sec-WebSocket-Accept as base64(SHA-1(key + GUID)), as the lesson works it out', () => {
    const digest = createHash('sha1')
      .update(KEY + GUID)
      .digest();
    expect(digest.toString('hex')).toBe('b37a4f2cc0624f1690f64606cf385945b2bec4ea');
    expect(digest.toString('base64')).toBe(ACCEPT);
  });

  it('answers the documented request with exactly the documented 101 response', async () => {
    const response = await exchange(portOf(server), upgradeRequest(portOf(server), 'http://localhost:5173'));
    expect(response.statusLine).toBe('HTTP/1.1 101 Switching Protocols');
    expect(response.headers).toEqual([
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Accept', ACCEPT],
      ['Sec-WebSocket-Protocol', 'v12.stomp'],
    ]);
  });

  it('@stomp/stompjs 7 offers the subprotocols newest first when it opens the socket itself', () => {
    expect(Versions.default.protocolVersions()).toEqual(['v12.stomp', 'v11.stomp', 'v10.stomp']);
  });

  it('picks v12.stomp though the client offers the subprotocols oldest first', async () => {
    const response = await exchange(portOf(server), upgradeRequest(portOf(server), 'http://localhost:5174'));
    expect(response.headers).toContainEqual(['Sec-WebSocket-Protocol', 'v12.stomp']);
  });

  it('refuses a foreign Origin with 403 before the upgrade: no 101, no session', async () => {
    const before = server.app.broker.stats().sessions;
    const response = await exchange(portOf(server), upgradeRequest(portOf(server), 'https://evil.example'));
    expect(response.statusLine).toBe('HTTP/1.1 403 Forbidden');
    expect(response.headers.map(([name]) => name.toLowerCase())).not.toContain('sec-websocket-accept');
    expect(JSON.parse(response.body)).toEqual({
      error: 'Forbidden',
      message: 'this Origin may not open /ws',
    });
    expect(server.app.broker.stats().sessions).toBe(before);
  });

  it('accepts a configured origin and never compares Origin with Host (DNS rebinding)', async () => {
    const port = portOf(server);
    const allowed = await exchange(port, upgradeRequest(port, 'http://localhost:5173'));
    expect(allowed.statusLine).toBe('HTTP/1.1 101 Switching Protocols');
    const rebinding = upgradeRequest(port, 'http://evil.example').replace(
      /^Host: .*$/m,
      'Host: evil.example',
    );
    const refused = await exchange(port, rebinding);
    expect(refused.statusLine).toBe('HTTP/1.1 403 Forbidden');
  });
});

describe('websocket-handshake.md, with WS_PERMESSAGE_DEFLATE=true', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ perMessageDeflate: true });
  });

  afterAll(async () => {
    await server.close();
  });

  it('agrees to permessage-deflate only when it is turned on', async () => {
    const response = await exchange(portOf(server), upgradeRequest(portOf(server), 'http://localhost:5173'));
    expect(response.statusLine).toBe('HTTP/1.1 101 Switching Protocols');
    expect(response.headers).toContainEqual(['Sec-WebSocket-Extensions', 'permessage-deflate']);
  });
});
