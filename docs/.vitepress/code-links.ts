/**
 * Links from a lesson to the code it explains. In the Markdown they are relative paths out of
 * `docs/` (`../packages/broker/src/core/session.ts`), which read well in a repository viewer and in an
 * editor. On the site they lead either to the file in the repository viewer, when
 * `DOCS_REPOSITORY_URL` names one (`https://github.com/owner/repo/blob/main/`), or to a page of
 * this site that shows the file itself (`/source/…`), so a visitor without a checkout can read it.
 * Absolute paths (`/ticker/`) name the server's other pages and are left as they are.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MarkdownRenderer } from 'vitepress';

export const DOCS_DIRECTORY = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPOSITORY_ROOT = resolve(DOCS_DIRECTORY, '..');

/** The repository viewer's base URL for a file path, ending in `/`; empty when not configured. */
export function repositoryBaseUrl(): string {
  const configured = process.env.DOCS_REPOSITORY_URL?.trim() ?? '';
  if (configured === '') return '';
  return configured.endsWith('/') ? configured : `${configured}/`;
}

/** A link's target when it leaves `docs/` for a file of the repository, else undefined. */
export function repositoryPathOf(href: string): { path: string; hash: string } | undefined {
  if (!href.startsWith('../')) return undefined;
  const [target = '', hash = ''] = href.split('#', 2);
  const path = posix.normalize(posix.join('docs', target));
  // Only files inside the repository, never above it.
  if (path.startsWith('..') || path.startsWith('/')) return undefined;
  return { path, hash };
}

/** Whether a repository path names a directory. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(resolve(REPOSITORY_ROOT, path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The page of this site that shows a repository path, without `.html`: a file's own path (a
 * Markdown file gets `.txt` added, or the site would take it for one of its pages), a directory's
 * listing at `<directory>/index`.
 */
export function sourcePageOf(path: string): string {
  const clean = path.replace(/\/+$/, '');
  if (isDirectory(clean)) return `${clean}/index`;
  return clean.endsWith('.md') ? `${clean}.txt` : clean;
}

/** Where a code link leads on the site. */
export function codeLinkHref(path: string, hash: string): string {
  const base = repositoryBaseUrl();
  if (base !== '') {
    const viewer = isDirectory(path) ? base.replace(/\/blob\/([^/]+)\/$/, '/tree/$1/') : base;
    return `${viewer}${path}${hash === '' ? '' : `#${hash}`}`;
  }
  const page = sourcePageOf(path);
  // `.html` spelled out: VitePress would otherwise take `.ts` for an asset to download.
  return page.endsWith('/index') ? `/source/${page.slice(0, -'index'.length)}` : `/source/${page}.html`;
}

/** Rewrites every link out of `docs/` while the Markdown is parsed (before links are checked). */
export function codeLinksPlugin(md: MarkdownRenderer): void {
  md.core.ruler.push('stomping-ground-code-links', (state) => {
    for (const block of state.tokens) {
      for (const token of block.children ?? []) {
        if (token.type !== 'link_open') continue;
        const href = token.attrGet('href');
        if (href?.startsWith('/') && !href.startsWith('//')) {
          // An absolute path is one of the server's own pages beside the lessons (`/ticker/`,
          // `/game/`, `/metrics`): a plain link, not a page of this site under its base.
          token.attrSet('target', '_self');
          continue;
        }
        const target = href === null ? undefined : repositoryPathOf(href);
        if (target === undefined) continue;
        token.attrSet('href', codeLinkHref(target.path, target.hash));
        if (repositoryBaseUrl() !== '') {
          token.attrSet('target', '_blank');
          token.attrSet('rel', 'noreferrer');
        }
      }
    }
  });
}

/** Text files worth showing: not images, archives or lock files. */
const SHOWN = /\.(ts|js|mjs|json|md|sh|ya?ml|conf|toml|txt|css|html|vue)$|(^|\/)(Dockerfile|Caddyfile)$/;

/**
 * Every repository path the lessons link to, for the pages that show them: the files, the
 * directories, and the files directly inside those directories.
 */
export function linkedRepositoryPaths(): { files: string[]; directories: string[] } {
  const files = new Set<string>();
  const directories = new Set<string>();
  for (const name of readdirSync(DOCS_DIRECTORY)) {
    if (!name.endsWith('.md')) continue;
    const markdown = readFileSync(join(DOCS_DIRECTORY, name), 'utf8');
    for (const match of markdown.matchAll(/\]\((\.\.\/[^)\s]+)\)/g)) {
      const target = repositoryPathOf(match[1] ?? '');
      if (target === undefined) continue;
      const path = target.path.replace(/\/+$/, '');
      if (isDirectory(path)) {
        directories.add(path);
        for (const entry of readdirSync(resolve(REPOSITORY_ROOT, path), { withFileTypes: true })) {
          if (entry.isFile() && SHOWN.test(entry.name)) files.add(`${path}/${entry.name}`);
        }
      } else if (existsSync(resolve(REPOSITORY_ROOT, path))) {
        files.add(path);
      }
    }
  }
  return { files: [...files].sort(), directories: [...directories].sort() };
}
