/**
 * Differential test against `@stomp/stompjs`, the client the pages use: its `Parser` (raw frames,
 * no unescaping) and its full pipeline (`FrameImpl.fromRawFrame`, which unescapes, trims, and keeps
 * the first of repeated headers) read the same wire as our decoder.
 *
 * Where stompjs departs from the spec, the fixture is named for it and the tests below pin down
 * both readings: ours (the spec's) and exactly what stompjs produces.
 */
import { FrameImpl, type IRawFrameType, Parser } from '@stomp/stompjs';
import { describe, expect, it } from 'vitest';
import { type Headers, StompErrorCode, type StompVersion } from '../src/index';
import {
  type DecodeFixture,
  decodeChunks,
  decodeFixtures,
  HEART_BEAT,
  type PlainItem,
  StompjsDeviation,
  type Wire,
} from './fixtures';

interface StompjsRun {
  readonly frames: IRawFrameType[];
  readonly pings: number;
}

function stompjsParse(wire: Wire): StompjsRun {
  const frames: IRawFrameType[] = [];
  let pings = 0;
  const parser = new Parser(
    (raw) => frames.push(raw),
    () => {
      pings += 1;
    },
  );
  parser.parseChunk(typeof wire === 'string' ? wire : wire.slice().buffer);
  return { frames, pings };
}

/** stompjs's full reading of a raw frame: escapes are undone unless the version is 1.0, as its client does. */
function stompjsHeaders(raw: IRawFrameType, version: StompVersion): Record<string, string> {
  // fromRawFrame reverses the raw header list in place, so it gets a copy.
  const copy: IRawFrameType = {
    command: raw.command,
    headers: raw.headers.map(([name, value]) => [name, value]),
    binaryBody: raw.binaryBody,
  };
  return { ...FrameImpl.fromRawFrame(copy, version !== '1.0').headers };
}

function rawItems(run: StompjsRun) {
  return run.frames.map((raw) => ({
    type: 'frame',
    command: raw.command,
    headers: raw.headers.map(([name, value]) => [name, value]),
    body: Array.from(raw.binaryBody ?? []),
  }));
}

type PlainFrame = Extract<PlainItem, { type: 'frame' }>;

function framesOf(items: readonly PlainItem[]): PlainFrame[] {
  return items.filter((item): item is PlainFrame => item.type === 'frame');
}

/** Our headers as a map where the first of repeated headers wins, as stompjs builds its own. */
function firstWins(headers: Headers | readonly string[][]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of [...headers].reverse()) out[name!] = value!;
  return out;
}

function fixture(deviation: StompjsDeviation): DecodeFixture {
  const found = decodeFixtures.find((candidate) => candidate.stompjs === deviation);
  if (!found) throw new Error(`no fixture for ${deviation}`);
  return found;
}

describe.each(decodeFixtures)('stompjs and $title', (fixture) => {
  // Read as 1.0 our decoder leaves escapes alone, which is what stompjs's Parser hands over.
  const ours = decodeChunks([fixture.wire], { version: '1.0' });
  const oursUnescaped = decodeChunks([fixture.wire], { version: fixture.version });
  const theirs = stompjsParse(fixture.wire);

  it("gives stompjs's Parser the same commands, raw header pairs and bodies", () => {
    expect(ours.error).toBeUndefined();
    expect(rawItems(theirs)).toEqual(framesOf(ours.items));
  });

  it("gives stompjs's Parser as many pings as we see heart-beats", () => {
    expect(theirs.pings).toBe(ours.items.filter((item) => item.type === HEART_BEAT).length);
  });

  if (fixture.stompjs === undefined) {
    it("reads the same headers as stompjs's full pipeline", () => {
      const frames = framesOf(oursUnescaped.items);
      expect(theirs.frames.map((raw) => stompjsHeaders(raw, fixture.version))).toEqual(
        frames.map((frame) => firstWins(frame.headers)),
      );
    });
  } else {
    it(`reads other headers than stompjs's full pipeline, which ${fixture.stompjs}`, () => {
      const frames = framesOf(oursUnescaped.items);
      expect(theirs.frames.map((raw) => stompjsHeaders(raw, fixture.version))).not.toEqual(
        frames.map((frame) => firstWins(frame.headers)),
      );
    });
  }
});

describe("stompjs's known deviations, kept as regression fixtures", () => {
  function both(deviation: StompjsDeviation) {
    const chosen = fixture(deviation);
    const ours = framesOf(decodeChunks([chosen.wire], { version: chosen.version }).items)[0]!;
    const raw = stompjsParse(chosen.wire).frames[0]!;
    return {
      ours: firstWins(ours.headers),
      oursList: ours.headers,
      theirs: stompjsHeaders(raw, chosen.version),
    };
  }

  it('(a) stompjs trims header names and values; we keep them as sent ("never trimmed")', () => {
    const { oursList, theirs } = both(StompjsDeviation.TRIMS);
    expect(oursList).toEqual([
      ['destination', ' /queue/a '],
      [' x-pad ', '  both  '],
      ['x-empty', ''],
    ]);
    expect(theirs).toEqual({ destination: '/queue/a', 'x-pad': 'both', 'x-empty': '' });
  });

  it('(b) stompjs unescapes in several passes, so "\\\\n" becomes a backslash and a LF; one pass gives a backslash and "n"', () => {
    const { ours, theirs } = both(StompjsDeviation.CHAINED_UNESCAPE);
    // On the wire: x-bn is \\n, x-bc is \\c, x-bbn is \\\n.
    expect(ours).toMatchObject({ 'x-bn': '\\n', 'x-bc': '\\c', 'x-bbn': '\\\n' });
    // stompjs replaces \n first (turning the second backslash and the n into a LF), then \c, then \\.
    expect(theirs['x-bn']).toBe('\\\n');
    expect(theirs['x-bc']).toBe('\\:');
    // With three backslashes the passes happen to land on the right answer.
    expect(theirs['x-bbn']).toBe('\\\n');
  });

  it('(c) stompjs leaves escapes in header names; we undo them in names as in values', () => {
    const { ours, theirs } = both(StompjsDeviation.NAMES_NOT_UNESCAPED);
    expect(ours['k:e\ny\\']).toBe('v');
    expect(theirs['k\\ce\\ny\\\\']).toBe('v');
    expect(Object.keys(theirs)).not.toContain('k:e\ny\\');
  });
});

describe('where we stop with an error, stompjs hands over a frame', () => {
  it.each([
    {
      what: 'an unknown command',
      wire: 'PUBLISH\ndestination:/queue/a\n\n\0',
      version: '1.2' as const,
      code: StompErrorCode.UNKNOWN_COMMAND,
      stompjs: { command: 'PUBLISH', headers: { destination: '/queue/a' }, body: '' },
    },
    {
      what: 'an undefined escape, which it keeps as it is',
      wire: 'SEND\nx:a\\tb\n\n\0',
      version: '1.2' as const,
      code: StompErrorCode.INVALID_ESCAPE,
      stompjs: { command: 'SEND', headers: { x: 'a\\tb' }, body: '' },
    },
    {
      what: 'the \\r escape in 1.1, which it undoes as in 1.2',
      wire: 'SEND\nx:a\\rb\n\n\0',
      version: '1.1' as const,
      code: StompErrorCode.INVALID_ESCAPE,
      stompjs: { command: 'SEND', headers: { x: 'a\rb' }, body: '' },
    },
    {
      what: 'a byte other than NUL after a content-length body, which it swallows as the terminator',
      wire: 'SEND\ncontent-length:2\n\nabc\0',
      version: '1.2' as const,
      code: StompErrorCode.MISSING_NUL,
      stompjs: { command: 'SEND', headers: { 'content-length': '2' }, body: 'ab' },
    },
    {
      what: 'a CR not followed by LF between frames, which it skips',
      wire: '\rSEND\n\n\0',
      version: '1.2' as const,
      code: StompErrorCode.INVALID_EOL,
      stompjs: { command: 'SEND', headers: {}, body: '' },
    },
    {
      what: 'a CR inside a header line, which it drops',
      wire: 'SEND\nx:a\rb\n\n\0',
      version: '1.2' as const,
      code: StompErrorCode.INVALID_EOL,
      stompjs: { command: 'SEND', headers: { x: 'ab' }, body: '' },
    },
    {
      what: 'a header that is not UTF-8, which it reads as U+FFFD',
      wire: Uint8Array.of(...new TextEncoder().encode('SEND\nx:'), 0xff, 0x0a, 0x0a, 0x00),
      version: '1.2' as const,
      code: StompErrorCode.INVALID_UTF8,
      stompjs: { command: 'SEND', headers: { x: '\ufffd' }, body: '' },
    },
  ])('$what', ({ wire, version, code, stompjs }) => {
    expect(decodeChunks([wire], { version }).error?.code).toBe(code);
    const theirs = stompjsParse(wire);
    expect(
      theirs.frames.map((raw) => ({
        command: raw.command,
        headers: stompjsHeaders(raw, version),
        body: new TextDecoder().decode(raw.binaryBody),
      })),
    ).toEqual([stompjs]);
  });
});
