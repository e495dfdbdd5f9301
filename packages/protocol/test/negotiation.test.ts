import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chooseSubprotocol,
  formatHeartBeat,
  type HeartBeat,
  isValidUtf8,
  NO_HEART_BEAT,
  negotiateHeartBeat,
  negotiateVersion,
  parseHeartBeat,
  STOMP_SUBPROTOCOLS,
  StompError,
  StompErrorCode,
  type StompVersion,
  SUBPROTOCOL_BY_VERSION,
  SUPPORTED_VERSIONS,
  utf8Length,
  versionOfSubprotocol,
} from '../src/index';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof StompError) return error.code;
    throw error;
  }
  return undefined;
}

describe('parseHeartBeat', () => {
  it('reads an absent header as 0,0', () => {
    expect(parseHeartBeat(undefined)).toEqual({ canSend: 0, wantsToReceive: 0 });
    expect(parseHeartBeat(undefined)).toBe(NO_HEART_BEAT);
  });

  it.each([
    ['0,0', 0, 0],
    ['10000,5000', 10000, 5000],
    ['0,1000', 0, 1000],
    ['007,08', 7, 8],
  ])('reads %s', (value, canSend, wantsToReceive) => {
    expect(parseHeartBeat(value)).toEqual({ canSend, wantsToReceive });
  });

  it.each([
    '',
    '10',
    '10,',
    ',10',
    '10,10,10',
    '-1,0',
    '1.5,0',
    ' 10,10',
    '10, 10',
    '10,10 ',
    '10;10',
    'a,b',
    '0x10,0',
    '1e3,0',
  ])('refuses %j with STOMP_ERR_INVALID_HEART_BEAT', (value) => {
    expect(codeOf(() => parseHeartBeat(value))).toBe(StompErrorCode.INVALID_HEART_BEAT);
  });

  it('is the inverse of formatHeartBeat', () => {
    const heartBeat: HeartBeat = { canSend: 250, wantsToReceive: 4000 };
    expect(formatHeartBeat(heartBeat)).toBe('250,4000');
    expect(parseHeartBeat(formatHeartBeat(heartBeat))).toEqual(heartBeat);
  });
});

describe('negotiateHeartBeat', () => {
  // "Heart-beating": the client sends every MAX(cx, sy) unless cx or sy is 0; the server sends
  // every MAX(sx, cy) unless sx or cy is 0.
  it.each([
    { client: [0, 0], server: [0, 0], clientSends: 0, serverSends: 0 },
    { client: [4000, 4000], server: [10000, 10000], clientSends: 10000, serverSends: 10000 },
    { client: [1, 2], server: [3, 4], clientSends: 4, serverSends: 3 },
    { client: [1000, 0], server: [5000, 2000], clientSends: 2000, serverSends: 0 },
    { client: [0, 500], server: [100, 3000], clientSends: 0, serverSends: 500 },
    { client: [10000, 10000], server: [0, 0], clientSends: 0, serverSends: 0 },
    { client: [0, 0], server: [10000, 10000], clientSends: 0, serverSends: 0 },
  ])(
    'has the client send every $clientSends ms and the server every $serverSends ms for client $client, server $server',
    ({ client, server, clientSends, serverSends }) => {
      const c: HeartBeat = { canSend: client[0]!, wantsToReceive: client[1]! };
      const s: HeartBeat = { canSend: server[0]!, wantsToReceive: server[1]! };
      expect(negotiateHeartBeat(c, s)).toEqual({ sendEvery: clientSends, expectEvery: serverSends });
      expect(negotiateHeartBeat(s, c)).toEqual({ sendEvery: serverSends, expectEvery: clientSends });
    },
  );

  it('agrees from both sides: what one sends is what the other expects', () => {
    const heartBeat = fc.record({ canSend: fc.nat(100000), wantsToReceive: fc.nat(100000) });
    fc.assert(
      fc.property(heartBeat, heartBeat, (a, b) => {
        const fromA = negotiateHeartBeat(a, b);
        const fromB = negotiateHeartBeat(b, a);
        expect(fromA.sendEvery).toBe(fromB.expectEvery);
        expect(fromA.expectEvery).toBe(fromB.sendEvery);
        if (fromA.sendEvery !== 0) {
          expect(fromA.sendEvery).toBeGreaterThanOrEqual(a.canSend);
          expect(fromA.sendEvery).toBeGreaterThanOrEqual(b.wantsToReceive);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('negotiateVersion', () => {
  it('takes a missing accept-version to mean 1.0', () => {
    expect(negotiateVersion(undefined)).toBe('1.0');
  });

  it.each([
    ['1.2', '1.2'],
    ['1.1', '1.1'],
    ['1.0', '1.0'],
    ['1.0,1.1,1.2', '1.2'],
    ['1.2,1.0', '1.2'],
    ['1.1,1.0', '1.1'],
    ['1.0,1.1,2.0', '1.1'],
    ['1.0, 1.1', '1.1'],
    [' 1.2 ', '1.2'],
    ['1.0 ,\t1.2', '1.2'],
  ])('picks the highest common version of %j: %s', (acceptVersion, chosen) => {
    expect(negotiateVersion(acceptVersion)).toBe(chosen);
  });

  it.each(['2.0', '', '1.3,2.0', '1.10', 'v12.stomp'])(
    'refuses %j with STOMP_ERR_UNSUPPORTED_VERSION',
    (acceptVersion) => {
      expect(codeOf(() => negotiateVersion(acceptVersion))).toBe(StompErrorCode.UNSUPPORTED_VERSION);
    },
  );

  it('keeps to the versions this side says it supports', () => {
    const modern: StompVersion[] = ['1.1', '1.2'];
    expect(negotiateVersion('1.0,1.1,1.2', ['1.0', '1.1'])).toBe('1.1');
    expect(negotiateVersion('1.0,1.1', modern)).toBe('1.1');
    expect(codeOf(() => negotiateVersion('1.0', modern))).toBe(StompErrorCode.UNSUPPORTED_VERSION);
    expect(codeOf(() => negotiateVersion(undefined, modern))).toBe(StompErrorCode.UNSUPPORTED_VERSION);
  });

  it('supports 1.0, 1.1 and 1.2, oldest first', () => {
    expect(SUPPORTED_VERSIONS).toEqual(['1.0', '1.1', '1.2']);
  });
});

describe('chooseSubprotocol', () => {
  it.each([
    [['v10.stomp', 'v11.stomp', 'v12.stomp'], 'v12.stomp'],
    [['v12.stomp', 'v10.stomp'], 'v12.stomp'],
    [['v10.stomp', 'v12.stomp', 'v11.stomp'], 'v12.stomp'],
    [['v11.stomp', 'v10.stomp'], 'v11.stomp'],
    [['v10.stomp'], 'v10.stomp'],
    [['mqtt', 'v11.stomp'], 'v11.stomp'],
  ])('picks the highest STOMP version offered in %j', (offered, chosen) => {
    expect(chooseSubprotocol(offered)).toBe(chosen);
    expect(chooseSubprotocol(new Set(offered))).toBe(chosen);
  });

  it.each([[[]], [['mqtt']], [['V12.STOMP']], [['stomp']]])('picks nothing from %j', (offered) => {
    expect(chooseSubprotocol(offered)).toBeUndefined();
  });

  it('names each version by its subprotocol and back', () => {
    expect(SUBPROTOCOL_BY_VERSION).toEqual({ '1.2': 'v12.stomp', '1.1': 'v11.stomp', '1.0': 'v10.stomp' });
    expect(STOMP_SUBPROTOCOLS).toEqual(['v12.stomp', 'v11.stomp', 'v10.stomp']);
    for (const version of SUPPORTED_VERSIONS) {
      expect(versionOfSubprotocol(SUBPROTOCOL_BY_VERSION[version])).toBe(version);
    }
    expect(versionOfSubprotocol('mqtt')).toBeUndefined();
  });
});

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodes(bytes: Uint8Array): boolean {
  try {
    fatalDecoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe('isValidUtf8', () => {
  it.each([
    { what: 'an empty array', bytes: [] },
    {
      what: 'ASCII longer than one step of the fast path',
      bytes: [...'abcdefghij'].map((c) => c.charCodeAt(0)),
    },
    { what: 'U+0080, the smallest two-byte character', bytes: [0xc2, 0x80] },
    { what: 'an overlong two-byte NUL', bytes: [0xc0, 0x80] },
    { what: 'an overlong two-byte character with C1', bytes: [0xc1, 0xbf] },
    { what: 'U+0800, the smallest three-byte character', bytes: [0xe0, 0xa0, 0x80] },
    { what: 'an overlong three-byte character', bytes: [0xe0, 0x9f, 0xbf] },
    { what: 'U+D7FF, just below the surrogates', bytes: [0xed, 0x9f, 0xbf] },
    { what: 'U+D800, the first surrogate', bytes: [0xed, 0xa0, 0x80] },
    { what: 'U+DFFF, the last surrogate', bytes: [0xed, 0xbf, 0xbf] },
    { what: 'U+E000, just above the surrogates', bytes: [0xee, 0x80, 0x80] },
    { what: 'U+FFFF', bytes: [0xef, 0xbf, 0xbf] },
    { what: 'U+10000, the smallest four-byte character', bytes: [0xf0, 0x90, 0x80, 0x80] },
    { what: 'an overlong four-byte character', bytes: [0xf0, 0x8f, 0xbf, 0xbf] },
    { what: 'U+10FFFF, the last code point', bytes: [0xf4, 0x8f, 0xbf, 0xbf] },
    { what: 'U+110000, past the last code point', bytes: [0xf4, 0x90, 0x80, 0x80] },
    { what: 'a lead byte F5', bytes: [0xf5, 0x80, 0x80, 0x80] },
    { what: 'a lead byte FF', bytes: [0xff] },
    { what: 'a lone continuation byte', bytes: [0x80] },
    { what: 'a truncated two-byte character', bytes: [0xc3] },
    { what: 'a truncated three-byte character', bytes: [0xe2, 0x82] },
    { what: 'a truncated four-byte character', bytes: [0xf0, 0x9f, 0x8e] },
    { what: 'a truncated character after a run of ASCII', bytes: [0x61, 0x62, 0x63, 0x64, 0x65, 0xe2, 0x82] },
    { what: 'a character cut short by ASCII', bytes: [0xe2, 0x82, 0x61, 0x62, 0x63, 0x64] },
    {
      what: 'valid characters between runs of ASCII',
      bytes: [0x61, 0x62, 0x63, 0x64, 0xc3, 0xa9, 0x61, 0x62, 0x63, 0x64, 0x65],
    },
  ])('agrees with a fatal TextDecoder on $what', ({ bytes }) => {
    const data = Uint8Array.from(bytes);
    expect(isValidUtf8(data)).toBe(decodes(data));
  });

  it('agrees with a fatal TextDecoder on every one- and two-byte array', () => {
    const data = new Uint8Array(2);
    for (let a = 0; a < 256; a++) {
      data[0] = a;
      expect(isValidUtf8(data.subarray(0, 1)), `${a}`).toBe(decodes(data.subarray(0, 1)));
      for (let b = 0; b < 256; b++) {
        data[1] = b;
        if (isValidUtf8(data) !== decodes(data)) expect.fail(`disagrees on [${a}, ${b}]`);
      }
    }
  });

  it('agrees with a fatal TextDecoder at the boundaries of three- and four-byte characters', () => {
    const edges = [0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff];
    for (const lead of [0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf8]) {
      for (const b1 of edges) {
        for (const b2 of edges) {
          const three = Uint8Array.of(lead, b1, b2);
          if (isValidUtf8(three) !== decodes(three)) expect.fail(`disagrees on ${three.join(',')}`);
          for (const b3 of edges) {
            const four = Uint8Array.of(lead, b1, b2, b3);
            if (isValidUtf8(four) !== decodes(four)) expect.fail(`disagrees on ${four.join(',')}`);
          }
        }
      }
    }
  });

  it('agrees with a fatal TextDecoder on random bytes', () => {
    const biased = fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 0x7f }),
        fc.integer({ min: 0x80, max: 0xbf }),
        fc.integer({ min: 0xc0, max: 0xff }),
      ),
      { maxLength: 24 },
    );
    fc.assert(
      fc.property(biased, (values) => {
        const data = Uint8Array.from(values);
        expect(isValidUtf8(data)).toBe(decodes(data));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('utf8Length', () => {
  const textEncoder = new TextEncoder();

  it.each([
    ['an empty string', ''],
    ['ASCII', 'hello'],
    ['two-byte characters', 'héllo'],
    ['three-byte characters', '€日本'],
    ['a surrogate pair', '🎉'],
    ['a lone high surrogate at the end', 'a\ud800'],
    ['a lone high surrogate before ASCII', '\ud800a'],
    ['a lone low surrogate', 'a\udc00b'],
    ['a pair in the wrong order', '\udf89\ud83c'],
    ['two high surrogates then a low one', '\ud800\ud83c\udf89'],
  ])('counts the bytes TextEncoder writes for %s', (_what, text) => {
    expect(utf8Length(text)).toBe(textEncoder.encode(text).length);
  });

  it('counts the bytes TextEncoder writes for random strings, lone surrogates included', () => {
    // Units drawn as numbers: fast-check's own `unit: 'binary'` first spends seconds mapping every
    // code point back to its index, which a busy machine stretches past the test's timeout.
    const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
    const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((code) => String.fromCodePoint(code));
    const text = fc.oneof(fc.string({ unit: anyCodePoint }), fc.string({ unit: anyUnit }));
    fc.assert(
      fc.property(text, (value) => {
        expect(utf8Length(value)).toBe(textEncoder.encode(value).length);
      }),
      { numRuns: 2000 },
    );
  });
});
