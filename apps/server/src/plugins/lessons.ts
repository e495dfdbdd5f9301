/**
 * The lessons site at `/docs/`: the VitePress build of the repository's `docs/` (`docs/dist`).
 * Like the pages (see pages.ts), hashed assets are cached for a year and HTML is revalidated on
 * every load (the same `cacheHeaders`); an old plain-text address (`/docs/{name}`) is redirected to
 * its page; any other path under `/docs/` that is not in the build gets the site's own 404 page.
 * Not built, the site is simply not served (in development its dev server serves it).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { appsDirectory, cacheHeaders } from './pages';

export const LESSONS_PREFIX = '/docs';

/** `/docs/{name}` or `/docs/{name}.md`: a lesson's address before the site; nothing that climbs out. */
const OLD_LESSON_URL = /^\/docs\/([A-Za-z0-9][A-Za-z0-9_-]*)(?:\.md)?$/;

/** Where the built site is: `docs/dist` beside `apps/`. */
export function lessonsSiteDirectory(): string {
  return resolve(appsDirectory(), '..', 'docs', 'dist');
}

const lessonsPlugin: FastifyPluginAsync<{ root?: string }> = async (app, options) => {
  const root = options.root ?? lessonsSiteDirectory();
  if (!existsSync(resolve(root, 'index.html'))) {
    app.log.debug({ root }, 'the lessons site is not built: not serving /docs/');
    return;
  }
  const notFoundPage = existsSync(resolve(root, '404.html'))
    ? await readFile(resolve(root, '404.html'), 'utf8')
    : '<!doctype html><title>Not found</title><p>No such lesson.</p>';
  await app.register(
    async (site) => {
      await site.register(fastifyStatic, {
        root,
        prefix: '/',
        // One route per built file (no wildcard), so the 404 below answers for anything else.
        wildcard: false,
        decorateReply: false,
        cacheControl: false,
        setHeaders: cacheHeaders(root),
      });
      site.setNotFoundHandler(async (request, reply) => {
        // The lessons used to live at `/docs/{name}` (and `{name}.md`): lead old links to the page.
        const old = OLD_LESSON_URL.exec(request.url.split('?', 1)[0] ?? '');
        if (old?.[1] !== undefined && existsSync(resolve(root, `${old[1]}.html`))) {
          return reply.redirect(`${LESSONS_PREFIX}/${old[1]}.html`, 301);
        }
        return reply
          .code(404)
          .header('cache-control', 'no-cache')
          .type('text/html; charset=utf-8')
          .send(notFoundPage);
      });
    },
    { prefix: LESSONS_PREFIX },
  );
};

export default fp(lessonsPlugin, { name: 'lessons', fastify: '5.x' });
