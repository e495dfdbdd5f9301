/**
 * The handshake lab's mirror at /lab/handshake: it sends the requester its own upgrade request and
 * the Accept computed from its key, never its cookies, and refuses a foreign Origin like /ws does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { acceptFor, type HandshakeMirror } from '../../src/plugins/handshake-lab';
import { type RunningServer, startServer } from '../support/app';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ allowedOrigins: ['http://pages.example'] });
});

afterAll(async () => {
  await server.close();
});

function mirrorUrl(): string {
  return server.wsUrl.replace(/\/ws$/, '/lab/handshake');
}

/** Opens the mirror and resolves with its one message and the close that follows it. */
function openMirror(
  headers: Record<string, string>,
): Promise<{ mirror: HandshakeMirror; closeCode: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(mirrorUrl(), ['v10.stomp', 'v12.stomp'], { headers });
    let mirror: HandshakeMirror | undefined;
    socket.on('message', (data) => {
      mirror = JSON.parse(String(data)) as HandshakeMirror;
    });
    socket.on('close', (code) =>
      mirror ? resolve({ mirror, closeCode: code }) : reject(new Error('no mirror')),
    );
    socket.on('error', reject);
  });
}

describe('the handshake mirror', () => {
  it("computes RFC 6455's example Accept from its example key", () => {
    expect(acceptFor('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('sends the requester its request line, its headers in order, its key and the Accept, then closes', async () => {
    const { mirror, closeCode } = await openMirror({ Origin: 'http://pages.example', 'X-Lab': 'one' });
    expect(mirror.requestLine).toBe('GET /lab/handshake HTTP/1.1');
    const names = mirror.headers.map(([name]) => name.toLowerCase());
    expect(names).toEqual(
      expect.arrayContaining(['sec-websocket-key', 'sec-websocket-version', 'upgrade', 'x-lab']),
    );
    expect(mirror.headers).toContainEqual(['X-Lab', 'one']);
    expect(mirror.key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(mirror.accept).toBe(acceptFor(mirror.key));
    // The highest STOMP version offered, as on /ws.
    expect(mirror.subprotocol).toBe('v12.stomp');
    expect(closeCode).toBe(1000);
  });

  it('withholds cookies and credentials from what it echoes', async () => {
    const { mirror } = await openMirror({ Cookie: 'session=secret', Authorization: 'Basic c2VjcmV0' });
    expect(mirror.headers).toContainEqual(['Cookie', '(withheld)']);
    expect(mirror.headers).toContainEqual(['Authorization', '(withheld)']);
    expect(JSON.stringify(mirror)).not.toContain('secret');
  });

  it('refuses a foreign Origin with a 403 before any upgrade', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(mirrorUrl(), ['v12.stomp'], {
        headers: { Origin: 'http://evil.example' },
      });
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => reject(new Error('opened')));
      socket.on('error', () => undefined);
    });
    expect(status).toBe(403);
  });
});
