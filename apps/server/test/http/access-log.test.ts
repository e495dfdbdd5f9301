/**
 * Access logs: requests that went well are logged at debug only, while refusals, failures and
 * errors are still logged at the default level (info).
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { buildApp } from '../../src/app';
import { testConfig } from '../support/app';

interface Line {
  readonly level: number;
  readonly msg: string;
  readonly res?: { readonly statusCode?: number };
  readonly req?: { readonly url?: string };
}

const apps: FastifyInstance[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** The whole server, logging JSON lines at `level` into an array, with a route that works and one that fails. */
async function serverLoggingAt(level: 'info' | 'debug'): Promise<{ app: FastifyInstance; lines: Line[] }> {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  const app = await buildApp(testConfig({ logLevel: level, tcp: null }), { logger: { level, stream } });
  app.get('/works', async () => 'ok');
  app.get('/fails', async () => {
    throw new Error('something broke');
  });
  apps.push(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, lines };
}

const about = (lines: Line[], url: string) => lines.filter((line) => line.req?.url === url);

describe('access logs at the default level', () => {
  it('leave out requests that went well and paths that do not exist', async () => {
    const { app, lines } = await serverLoggingAt('info');
    expect((await app.inject('/works')).statusCode).toBe(200);
    expect((await app.inject('/no-such-page')).statusCode).toBe(404);
    const requestLines = lines.filter(
      (line) =>
        ['incoming request', 'request completed'].includes(line.msg) || line.msg.includes('/no-such-page'),
    );
    expect(requestLines).toEqual([]);
  });

  it('keep a refusal: a WebSocket handshake from a foreign origin', async () => {
    const { app, lines } = await serverLoggingAt('info');
    const { port } = app.server.address() as { port: number };
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['v12.stomp'], {
      origin: 'https://elsewhere.example',
    });
    const status = await new Promise<number>((resolve) => {
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    });
    socket.on('error', () => {});
    socket.terminate();
    expect(status).toBe(403);
    const refused = about(lines, '/ws').find((line) => line.msg === 'request refused');
    expect(refused?.res?.statusCode).toBe(403);
    expect(refused?.level).toBe(30);
  });

  it('keep errors, at error level', async () => {
    const { app, lines } = await serverLoggingAt('info');
    expect((await app.inject('/fails')).statusCode).toBe(500);
    expect(lines.some((line) => line.level === 50 && line.msg === 'something broke')).toBe(true);
  });
});

describe('access logs at LOG_LEVEL=debug', () => {
  it('show every request', async () => {
    const { app, lines } = await serverLoggingAt('debug');
    expect((await app.inject('/works')).statusCode).toBe(200);
    const completed = about(lines, '/works').find((line) => line.msg === 'request completed');
    expect(completed?.res?.statusCode).toBe(200);
  });
});
