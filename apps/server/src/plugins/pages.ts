/**
 * Serves the built pages in production: `/ticker/` and `/game/` from each app's `dist/`.
 *
 * Vite names built assets by content hash, so `assets/*` are cached for a year as immutable;
 * `index.html` is revalidated on every load so a deploy shows at once. A page not built yet is
 * simply not served (in development Vite serves it).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/** Where the apps live: this file runs from `apps/server/src/plugins` (tsx) or `apps/server/dist` (bundled). */
function appsDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(directory, 'package.json'))) directory = dirname(directory);
  return resolve(directory, '..');
}

export const PAGES = ['ticker', 'game'] as const;

const pagesPlugin: FastifyPluginAsync<{ root?: string }> = async (app, options) => {
  const apps = options.root ?? appsDirectory();
  let decorated = false;
  for (const page of PAGES) {
    const root = resolve(apps, page, 'dist');
    if (!existsSync(resolve(root, 'index.html'))) continue;
    await app.register(fastifyStatic, {
      root,
      prefix: `/${page}/`,
      decorateReply: !decorated,
      wildcard: true,
      setHeaders(reply, path) {
        const immutable = path.includes(`${resolve(root, 'assets')}`);
        reply.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    decorated = true;
    app.get(`/${page}`, async (_request, reply) => reply.redirect(`/${page}/`, 301));
    app.log.debug({ page, root }, 'serving a built page');
  }
};

export default fp(pagesPlugin, { name: 'pages', fastify: '5.x' });
