import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const source = readFileSync(new URL('../../bench/support/soak/settings.ts', import.meta.url), 'utf8');

/** `SOAK_…` rows of the README's soak table: name → default as written. */
function documented(): Record<string, string> {
  const section = readme.slice(readme.indexOf('## Soak under attack'), readme.indexOf('## Operations'));
  const rows: Record<string, string> = {};
  for (const match of section.matchAll(/^\|\s*`(SOAK_[A-Z_]+)`\s*\|\s*([^|]+?)\s*\|/gm)) {
    rows[match[1]!] = match[2]!.replaceAll('`', '');
  }
  return rows;
}

describe("the README's soak section", () => {
  it('lists every variable the soak reads, with its default', async () => {
    // Each setting and the variable it reads, from the source; the defaults from the module itself.
    const variables = [...source.matchAll(/(\w+): readNumber\('(SOAK_[A-Z_]+)'/g)].map(
      ([, key, name]) => [key!, name!] as const,
    );
    for (const [, name] of variables) vi.stubEnv(name, '');
    const { SETTINGS } = await import('../../bench/support/soak/settings');
    vi.unstubAllEnvs();
    const read: Record<string, string> = { SOAK_PHASES: 'all' };
    for (const [key, name] of variables) {
      const value = SETTINGS[key as keyof typeof SETTINGS];
      read[name] = value === 0 ? 'unset' : String(value);
    }
    expect(documented()).toEqual(read);
  });
});
