import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isStompError, StompError, StompErrorCode } from '../src/index';
import {
  byteByByte,
  bytePairs,
  bytes,
  decodeChunks,
  type ErrorFixture,
  errorFixtures,
  textPairs,
} from './fixtures';

function options(fixture: ErrorFixture) {
  return fixture.limits ? { version: fixture.version, limits: fixture.limits } : { version: fixture.version };
}

function framesOf(run: ReturnType<typeof decodeChunks>): number {
  return run.items.filter((item) => item.type === 'frame').length;
}

describe('decoding faults', () => {
  describe.each(errorFixtures)('$title', (fixture) => {
    it('stops with its code when the wire arrives whole', () => {
      const run = decodeChunks([fixture.wire], options(fixture));
      expect(run.error?.code).toBe(fixture.code);
      expect(run.error?.receiptId).toBe(fixture.receiptId);
      expect(framesOf(run)).toBe(fixture.framesBefore ?? 0);
    });

    it('stops with the same code when the wire arrives byte by byte', () => {
      const run = decodeChunks(byteByByte(fixture.wire), options(fixture));
      expect(run.error?.code).toBe(fixture.code);
      expect(run.error?.receiptId).toBe(fixture.receiptId);
      expect(framesOf(run)).toBe(fixture.framesBefore ?? 0);
    });

    it('stops with the same code wherever the wire is cut in two', () => {
      for (const [at, chunks] of bytePairs(fixture.wire)) {
        const run = decodeChunks(chunks, options(fixture));
        expect(run.error?.code, `cut at byte ${at}`).toBe(fixture.code);
        expect(run.error?.receiptId, `cut at byte ${at}`).toBe(fixture.receiptId);
        expect(framesOf(run), `cut at byte ${at}`).toBe(fixture.framesBefore ?? 0);
      }
      const text = fixture.wire;
      if (typeof text === 'string') {
        for (const [at, chunks] of textPairs(text)) {
          expect(decodeChunks(chunks, options(fixture)).error?.code, `cut at character ${at}`).toBe(
            fixture.code,
          );
        }
      }
    });
  });
});

describe('a byte-order mark', () => {
  // A TextDecoder made without ignoreBOM would drop a leading U+FEFF and read "SEND" here.
  // The command line must be exactly a command ("Augmented BNF").
  it('before the command is not part of any command', () => {
    const run = decodeChunks([bytes([0xef, 0xbb, 0xbf], 'SEND\n\n\0')]);
    expect(run.items).toEqual([]);
    expect(run.error?.code).toBe(StompErrorCode.UNKNOWN_COMMAND);
  });

  it('inside a header value is kept', () => {
    const run = decodeChunks(['SEND\nx:\ufeffa\n\n\0']);
    expect(run.items).toEqual([{ type: 'frame', command: 'SEND', headers: [['x', '\ufeffa']], body: [] }]);
  });
});

describe('StompError', () => {
  it('is an Error carrying a stable code and an optional receipt id', () => {
    const error = new StompError(StompErrorCode.MISSING_NUL, 'text for people', { receiptId: '7' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('StompError');
    expect(error.code).toBe('STOMP_ERR_MISSING_NUL');
    expect(error.receiptId).toBe('7');
    expect(new StompError(StompErrorCode.MISSING_NUL, 'x').receiptId).toBeUndefined();
  });

  it('is recognised by isStompError, and nothing else is', () => {
    expect(isStompError(new StompError(StompErrorCode.UNKNOWN_COMMAND, 'x'))).toBe(true);
    expect(isStompError(new Error('x'))).toBe(false);
    expect(isStompError({ code: StompErrorCode.UNKNOWN_COMMAND })).toBe(false);
    expect(isStompError(undefined)).toBe(false);
  });

  it('has codes that all start with STOMP_ERR_ and differ from one another', () => {
    const codes = Object.values(StompErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^STOMP_ERR_[A-Z0-9_]+$/);
  });
});

/**
 * The rows of the first table after an "Error codes" heading: the code in backticks in the first
 * cell of each row.
 */
function readmeErrorCodes(markdown: string): string[] {
  const lines = markdown.split(/\r?\n/);
  const heading = lines.findIndex((line) => /^#{1,6}\s+Error codes\s*$/i.test(line));
  if (heading === -1) return [];
  let row = heading + 1;
  while (row < lines.length && !lines[row]!.trimStart().startsWith('|')) {
    if (/^#{1,6}\s/.test(lines[row]!)) return [];
    row++;
  }
  const codes: string[] = [];
  for (; row < lines.length && lines[row]!.trimStart().startsWith('|'); row++) {
    const firstCell = lines[row]!.trim().slice(1).split('|')[0] ?? '';
    const match = /^\s*`([^`]+)`\s*$/.exec(firstCell);
    if (match) codes.push(match[1]!);
  }
  return codes;
}

describe('the README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it('lists every error code in its "Error codes" table, once, and no other', () => {
    const listed = readmeErrorCodes(readme);
    expect(listed.length).toBe(new Set(listed).size);
    expect([...listed].sort()).toEqual(Object.values(StompErrorCode).sort());
  });
});
