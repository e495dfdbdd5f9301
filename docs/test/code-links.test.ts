/**
 * Links from a lesson to the code: to the file's page on the site by default, to the repository
 * viewer when DOCS_REPOSITORY_URL names one, never above the repository, and absolute paths left to
 * the server's other pages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  codeLinkHref,
  linkedRepositoryPaths,
  repositoryPathOf,
  sourcePageOf,
} from '../.vitepress/code-links';

afterEach(() => {
  delete process.env.DOCS_REPOSITORY_URL;
});

describe('code links', () => {
  it('reads a link out of docs/ as a repository path, and refuses one above the repository', () => {
    expect(repositoryPathOf('../apps/server/src/core/session.ts')).toEqual({
      path: 'apps/server/src/core/session.ts',
      hash: '',
    });
    expect(repositoryPathOf('../apps/server/README.md#error-codes')).toEqual({
      path: 'apps/server/README.md',
      hash: 'error-codes',
    });
    expect(repositoryPathOf('../../etc/passwd')).toBeUndefined();
    expect(repositoryPathOf('connecting.md')).toBeUndefined();
  });

  it("leads to the file's page on the site, a Markdown file's and a directory's too", () => {
    expect(codeLinkHref('apps/server/src/core/session.ts', '')).toBe(
      '/source/apps/server/src/core/session.ts.html',
    );
    expect(sourcePageOf('apps/server/README.md')).toBe('apps/server/README.md.txt');
    expect(codeLinkHref('apps/server/src/cluster', '')).toBe('/source/apps/server/src/cluster/');
  });

  it('leads to the repository viewer when one is configured, blob for files and tree for directories', () => {
    process.env.DOCS_REPOSITORY_URL = 'https://github.com/example/stomping-ground/blob/main';
    expect(codeLinkHref('apps/server/README.md', 'error-codes')).toBe(
      'https://github.com/example/stomping-ground/blob/main/apps/server/README.md#error-codes',
    );
    expect(codeLinkHref('apps/server/src/cluster', '')).toBe(
      'https://github.com/example/stomping-ground/tree/main/apps/server/src/cluster',
    );
  });

  it('finds every file the lessons link to, all of them inside the repository', () => {
    const { files } = linkedRepositoryPaths();
    expect(files).toContain('packages/broker/src/core/session.ts');
    expect(files).toContain('packages/client/src/backoff.ts');
    expect(files.every((path) => !path.startsWith('..') && !path.startsWith('/'))).toBe(true);
  });
});
