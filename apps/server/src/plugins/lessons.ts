/**
 * The lessons (the repository's `docs/*.md`) over HTTP: `/docs/` lists them as a plain HTML page,
 * and `/docs/{name}` serves `docs/{name}.md` as it is, `text/plain; charset=utf-8`. Markdown reads
 * well as text, and serving it untouched needs no renderer. The directory is read on each request,
 * so a lesson added while the server runs is listed at once.
 */
import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { appsDirectory } from './pages';

/** A lesson's name: the file name without `.md`; nothing that could climb out of the directory. */
const LESSON_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface Lesson {
  readonly name: string;
  readonly title: string;
}

/** The lessons in `root`, by file name, each titled by its first `# ` heading. */
export async function listLessons(root: string): Promise<Lesson[]> {
  let files: string[];
  try {
    files = await readdir(root);
  } catch {
    return [];
  }
  const names = files
    .filter((file) => file.endsWith('.md'))
    .map((file) => file.slice(0, -3))
    .filter((name) => LESSON_NAME.test(name))
    .sort();
  return Promise.all(
    names.map(async (name) => ({
      name,
      title: titleOf(await readFile(resolve(root, `${name}.md`), 'utf8'), name),
    })),
  );
}

function titleOf(markdown: string, fallback: string): string {
  const heading = /^#\s+(.+)$/m.exec(markdown);
  return heading?.[1]?.trim() || fallback;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

export function lessonsIndexHtml(lessons: readonly Lesson[]): string {
  const items =
    lessons.length === 0
      ? '<p>No lessons yet.</p>'
      : `<ol>\n${lessons
          .map(
            (lesson) => `<li><a href="/docs/${escapeHtml(lesson.name)}">${escapeHtml(lesson.title)}</a></li>`,
          )
          .join('\n')}\n</ol>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lessons · Stomping Ground</title><link rel="icon" href="data:,"></head>
<body>
<h1>Lessons</h1>
<p>Each lesson maps a realtime idea to the code that does it. They are Markdown, served as plain text.</p>
${items}
<p><a href="/">Stomping Ground</a></p>
</body>
</html>
`;
}

const lessonsPlugin: FastifyPluginAsync<{ root?: string }> = async (app, options) => {
  const root = options.root ?? resolve(appsDirectory(), '..', 'docs');
  app.get('/docs', async (_request, reply) => reply.redirect('/docs/', 301));
  app.get('/docs/', async (_request, reply) =>
    reply
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(lessonsIndexHtml(await listLessons(root))),
  );
  app.get<{ Params: { name: string } }>('/docs/:name', async (request, reply) => {
    const name = request.params.name.replace(/\.md$/, '');
    if (!LESSON_NAME.test(name)) return reply.code(404).send({ error: 'no such lesson' });
    let text: string;
    try {
      text = await readFile(resolve(root, `${name}.md`), 'utf8');
    } catch {
      return reply.code(404).send({ error: 'no such lesson' });
    }
    return reply.header('cache-control', 'no-cache').type('text/plain; charset=utf-8').send(text);
  });
};

export default fp(lessonsPlugin, { name: 'lessons', fastify: '5.x' });
