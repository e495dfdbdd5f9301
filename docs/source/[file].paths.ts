/**
 * One page per repository file or directory a lesson links to, showing the file itself (or the
 * directory's files): a visitor of the deployed site reads the code without a checkout. The files
 * are read at build time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import {
  codeLinkHref,
  linkedRepositoryPaths,
  REPOSITORY_ROOT,
  repositoryBaseUrl,
  sourcePageOf,
} from '../.vitepress/code-links';

const LANGUAGES: Record<string, string> = {
  '.ts': 'ts',
  '.js': 'js',
  '.mjs': 'js',
  '.json': 'json',
  '.md': 'md',
  '.sh': 'sh',
  '.yml': 'yaml',
  '.yaml': 'yaml',
  '.conf': 'nginx',
  '.css': 'css',
  '.html': 'html',
  '.vue': 'vue',
};

/** A fence longer than any run of backticks in the file, so the file cannot end it early. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
  return '`'.repeat(longest + 1);
}

function viewerLink(path: string): string {
  const base = repositoryBaseUrl();
  return base === '' ? '' : `\n[Open it in the repository](${base}${path})\n`;
}

function filePage(path: string) {
  const text = readFileSync(resolve(REPOSITORY_ROOT, path), 'utf8');
  const fence = fenceFor(text);
  const language = LANGUAGES[extname(path)] ?? 'text';
  return {
    params: { file: sourcePageOf(path) },
    content: `# \`${path}\`\n\nThe file as this site was built from it.\n${viewerLink(path)}\n${fence}${language}\n${text}${text.endsWith('\n') ? '' : '\n'}${fence}\n`,
  };
}

function directoryPage(path: string, shown: ReadonlySet<string>) {
  const entries = readdirSync(resolve(REPOSITORY_ROOT, path), { withFileTypes: true })
    .filter((entry) => entry.isFile() && shown.has(`${path}/${entry.name}`))
    .map((entry) => `- [\`${entry.name}\`](${codeLinkHref(`${path}/${entry.name}`, '')})`)
    .sort();
  return {
    params: { file: sourcePageOf(path) },
    content: `# \`${path}/\`\n\nThe files in this directory, as this site was built from them.\n${viewerLink(path)}\n${entries.join('\n')}\n`,
  };
}

export default {
  paths() {
    const { files, directories } = linkedRepositoryPaths();
    const shown = new Set(files);
    return [...files.map(filePage), ...directories.map((path) => directoryPage(path, shown))];
  },
};
