import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import lessonsPlugin from '../../src/plugins/lessons';
import pagesPlugin from '../../src/plugins/pages';

let directory: string;
let app: FastifyInstance;

function write(path: string, text: string): void {
  mkdirSync(join(directory, path, '..'), { recursive: true });
  writeFileSync(join(directory, path), text);
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'pages-'));
  write('apps/landing/dist/index.html', '<title>landing</title>');
  write('apps/landing/dist/assets/index-abc.js', 'console.log(1)');
  write('apps/ticker/dist/index.html', '<title>ticker</title>');
  write('apps/ticker/dist/assets/index-def.js', 'console.log(2)');
  write('apps/landing/dist/assets/index-abc.js.map', '{"version":3}');
  write('apps/ticker/dist/assets/index-def.js.map', '{"version":3}');
  write('docs/dist/index.html', '<title>lessons</title>');
  write('docs/dist/01-frames.html', '<title>frames</title>');
  write('docs/dist/404.html', '<title>not found</title>');
  write('docs/dist/assets/app-123.js', 'console.log(3)');
  write('docs/01-frames.md', '# Frames on the wire');
  app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.register(pagesPlugin, { root: join(directory, 'apps') });
  await app.register(lessonsPlugin, { root: join(directory, 'docs', 'dist') });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('the landing page', () => {
  it('is served at / and revalidated on every load', async () => {
    const response = await app.inject('/');
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('<title>landing</title>');
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('has its hashed assets cached as immutable', async () => {
    for (const path of ['/assets/index-abc.js', '/ticker/assets/index-def.js']) {
      const response = await app.inject(path);
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
  });

  it('shadows neither the other routes nor the other pages, and unknown paths stay 404', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/ticker/')).body).toBe('<title>ticker</title>');
    expect((await app.inject('/no-such-page')).statusCode).toBe(404);
    // No icon to serve, and no 404 in the browser's console for it either.
    expect((await app.inject('/favicon.ico')).statusCode).toBe(204);
  });
});

describe('source maps', () => {
  const MAPS = ['/assets/index-abc.js.map', '/ticker/assets/index-def.js.map'];

  it('are not served by default', async () => {
    for (const path of MAPS) expect((await app.inject(path)).statusCode).toBe(404);
  });

  it('are not served at the default configuration either', () => {
    expect(loadConfig({}).serveSourceMaps).toBe(false);
  });

  it('are served when asked for (SERVE_SOURCE_MAPS=true)', async () => {
    expect(loadConfig({ SERVE_SOURCE_MAPS: 'true' }).serveSourceMaps).toBe(true);
    const withMaps = Fastify({ logger: false });
    await withMaps.register(pagesPlugin, { root: join(directory, 'apps'), serveSourceMaps: true });
    try {
      for (const path of MAPS) {
        const response = await withMaps.inject(path);
        expect(response.statusCode).toBe(200);
        expect(response.body).toBe('{"version":3}');
      }
    } finally {
      await withMaps.close();
    }
  });
});

describe('the lessons site', () => {
  it('is served at /docs/ from its build, HTML revalidated and hashed assets immutable', async () => {
    const home = await app.inject('/docs/');
    expect(home.statusCode).toBe(200);
    expect(home.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(home.headers['cache-control']).toBe('no-cache');
    expect(home.body).toBe('<title>lessons</title>');
    expect((await app.inject('/docs/01-frames.html')).body).toBe('<title>frames</title>');
    const asset = await app.inject('/docs/assets/app-123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('leads the old plain-text addresses of a lesson to its page', async () => {
    for (const path of ['/docs/01-frames', '/docs/01-frames.md']) {
      const response = await app.inject(path);
      expect(response.statusCode).toBe(301);
      expect(response.headers.location).toBe('/docs/01-frames.html');
    }
  });

  it("answers anything else under /docs/ with the site's own 404 page", async () => {
    for (const path of ['/docs/missing', '/docs/..%2Fpackage.json', '/docs/notes.txt', '/docs/missing.md']) {
      const response = await app.inject(path);
      expect(response.statusCode).toBe(404);
      expect(response.body).toBe('<title>not found</title>');
    }
  });
});
