/**
 * Every variable the server reads reaches it and is documented: Turborepo runs tasks in strict
 * environment mode, so a variable `turbo.json` does not pass through to `dev` and `e2e` silently
 * never arrives; and the README's configuration table names each one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../src/config';

const turbo = JSON.parse(readFileSync(new URL('../../../turbo.json', import.meta.url), 'utf8')) as {
  globalPassThroughEnv?: string[];
  tasks: Record<string, { passThroughEnv?: string[] }>;
};
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Turborepo's patterns: a name, or a prefix ending in `*`. */
function passes(patterns: readonly string[], name: string): boolean {
  return patterns.some((pattern) =>
    pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name,
  );
}

describe('the configuration variables', () => {
  it('are read from a schema that names them', () => {
    expect(CONFIG_VARIABLES).toContain('PORT');
    expect(CONFIG_VARIABLES).toContain('STOMP_TCP_PORT');
    expect(CONFIG_VARIABLES).toContain('SERVE_SOURCE_MAPS');
  });

  it.each(['dev', 'e2e'])('all pass through turbo to the %s task', (task) => {
    const patterns = [...(turbo.globalPassThroughEnv ?? []), ...(turbo.tasks[task]?.passThroughEnv ?? [])];
    expect(CONFIG_VARIABLES.filter((name) => !passes(patterns, name))).toEqual([]);
  });

  it("all have a row in the README's configuration table", () => {
    const section = readme.slice(readme.indexOf('## Configuration'));
    const documented = new Set([...section.matchAll(/^\|\s*`([A-Z0-9_]+)`\s*\|/gm)].map((match) => match[1]));
    expect(CONFIG_VARIABLES.filter((name) => !documented.has(name))).toEqual([]);
  });
});
