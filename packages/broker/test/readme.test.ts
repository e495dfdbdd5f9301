import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BrokerError, BrokerErrorCode, closeCodeFor } from '../src/index';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Rows of the "Error codes" table: code and close code. */
function documentedCodes(): Map<string, number> {
  const section = readme.slice(readme.indexOf('## Error codes'));
  const rows = new Map<string, number>();
  for (const match of section.matchAll(/^\|\s*`(STOMP_ERR_[A-Z_]+)`\s*\|\s*(\d{4})\s*\|/gm)) {
    rows.set(match[1]!, Number(match[2]));
  }
  return rows;
}

describe('the README', () => {
  it('lists every broker error code, and no other, with the close code the broker uses', () => {
    const documented = documentedCodes();
    expect([...documented.keys()].sort()).toEqual(Object.values(BrokerErrorCode).sort());
    for (const code of Object.values(BrokerErrorCode)) {
      expect({ code, close: documented.get(code) }).toEqual({
        code,
        close: closeCodeFor(new BrokerError(code, '')),
      });
    }
  });
});
