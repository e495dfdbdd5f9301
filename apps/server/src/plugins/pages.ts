/**
 * Serves the built pages in production: the landing page at `/`, `/ticker/` and `/game/`, each
 * from its app's `dist/`.
 *
 * Vite names built assets by content hash, so `assets/*` are cached for a year as immutable;
 * `index.html` is revalidated on every load so a deploy shows at once. A page not built yet is
 * simply not served (in development Vite serves it). Source maps (`*.map`) are built but not served
 * unless `SERVE_SOURCE_MAPS=true`: they would publish the whole source, megabytes of it.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/** Where the apps live: this file runs from `apps/server/src/plugins` (tsx) or `apps/server/dist` (bundled). */
export function appsDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(directory, 'package.json'))) directory = dirname(directory);
  return resolve(directory, '..');
}

export const PAGES = ['ticker', 'game'] as const;

/** The app served at `/`. */
export const LANDING_PAGE = 'landing';

/** Built assets (`assets/`, named by content hash) are cached for a year; everything else is revalidated. */
export function cacheHeaders(root: string) {
  const assets = resolve(root, 'assets');
  return (reply: { setHeader(name: string, value: string): unknown }, path: string) => {
    const immutable = path.includes(assets);
    reply.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  };
}

export interface PagesOptions {
  /** The directory holding `landing/`, `ticker/` and `game/`. Default: beside the server's own. */
  readonly root?: string;
  /** Serve `*.map` files. Default: the config's `serveSourceMaps`, or false. */
  readonly serveSourceMaps?: boolean;
}

const pagesPlugin: FastifyPluginAsync<PagesOptions> = async (app, options) => {
  const apps = options.root ?? appsDirectory();
  const serveSourceMaps =
    options.serveSourceMaps ?? (app.hasDecorator('config') ? app.config.serveSourceMaps : false);
  // A refused path answers 404, as if the file were not there.
  const allowedPath = (path: string) => serveSourceMaps || !path.endsWith('.map');
  let decorated = false;
  for (const page of PAGES) {
    const root = resolve(apps, page, 'dist');
    if (!existsSync(resolve(root, 'index.html'))) continue;
    await app.register(fastifyStatic, {
      root,
      prefix: `/${page}/`,
      decorateReply: !decorated,
      wildcard: true,
      // Our own cache-control (below) instead of send's `public, max-age=0`, which would override it.
      cacheControl: false,
      setHeaders: cacheHeaders(root),
      allowedPath,
    });
    decorated = true;
    app.get(`/${page}`, async (_request, reply) => reply.redirect(`/${page}/`, 301));
    app.log.debug({ page, root }, 'serving a built page');
  }
  const landing = resolve(apps, LANDING_PAGE, 'dist');
  if (existsSync(resolve(landing, 'index.html'))) {
    // No wildcard at `/`: one route per file built, so `/ws`, `/healthz`, `/metrics`, `/docs/` and
    // the pages above keep their own routes and an unknown path stays a 404.
    await app.register(fastifyStatic, {
      root: landing,
      prefix: '/',
      decorateReply: !decorated,
      wildcard: false,
      cacheControl: false,
      setHeaders: cacheHeaders(landing),
      allowedPath,
    });
    app.log.debug({ page: LANDING_PAGE, root: landing }, 'serving a built page');
  }
  // The pages declare an empty icon; a browser still asks for one on plain-text pages (the lessons).
  if (!existsSync(resolve(landing, 'favicon.ico'))) {
    app.get('/favicon.ico', { logLevel: 'warn' }, async (_request, reply) =>
      reply.code(204).header('cache-control', 'public, max-age=86400').send(),
    );
  }
};

export default fp(pagesPlugin, { name: 'pages', fastify: '5.x' });
