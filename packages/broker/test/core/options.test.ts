import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker';
import { DEFAULT_DESTINATION_RULES } from '../../src/core/destinations';
import { type BrokerOptions, DEFAULT_LIMITS, resolveOptions } from '../../src/core/options';

describe('broker options', () => {
  it('default to the documented values', () => {
    const options = resolveOptions();
    expect(options.serverName).toBe('stomping-ground/0.1.0');
    expect(options.connectTimeoutMs).toBe(10_000);
    expect(options.heartBeat).toEqual({ canSend: 1000, wantsToReceive: 1000 });
    expect(options.heartBeatGraceMs).toBe(1000);
    expect(options.timerResolutionMs).toBe(1000);
    expect(options.shutdownTimeoutMs).toBe(5000);
    expect(options.slowConsumerGraceMs).toBe(5000);
    expect(options.destinationRules).toEqual(DEFAULT_DESTINATION_RULES);
    expect(options.limits).toEqual({
      preLogin: { maxFrameBytes: 65_536, maxBodyBytes: 65_536, maxHeaders: 64, maxHeaderLineBytes: 8192 },
      postLogin: {
        maxFrameBytes: 16_777_216,
        maxBodyBytes: 16_777_216,
        maxHeaders: 64,
        maxHeaderLineBytes: 8192,
      },
      maxSubscriptionsPerSession: 1000,
      maxTransactionsPerSession: 16,
      maxActionsPerTransaction: 1000,
      maxBytesPerTransaction: 16_777_216,
      maxQueueDepth: 10_000,
      maxQueueBytes: 67_108_864,
      maxQueues: 10_000,
      maxUnackedPerSubscription: 1000,
      maxOutboundBytes: 1_048_576,
      maxPreLoginConnections: 1024,
      maxPreLoginConnectionsPerAddress: 128,
    });
    expect(DEFAULT_LIMITS.maxOutboundBytes).toBe(1_048_576);
  });

  it('merge partial limits over the defaults', () => {
    const options = resolveOptions({ limits: { maxQueueDepth: 5, preLogin: { maxFrameBytes: 100 } } });
    expect(options.limits.maxQueueDepth).toBe(5);
    expect(options.limits.preLogin).toMatchObject({ maxFrameBytes: 100, maxBodyBytes: 65_536 });
    expect(options.limits.maxOutboundBytes).toBe(1_048_576);
  });

  it('tick at least once per heart-beat interval', () => {
    expect(resolveOptions({ heartBeat: { canSend: 100, wantsToReceive: 0 } }).timerResolutionMs).toBe(100);
    expect(
      resolveOptions({ heartBeat: { canSend: 0, wantsToReceive: 0 }, timerResolutionMs: 250 })
        .timerResolutionMs,
    ).toBe(250);
  });

  const bad: Array<[string, BrokerOptions, RegExp]> = [
    ['an empty serverName', { serverName: '' }, /serverName/],
    ['a serverName with a line break', { serverName: 'a\nb' }, /serverName/],
    ['a zero timer resolution', { timerResolutionMs: 0 }, /timerResolutionMs/],
    ['a fractional connect timeout', { connectTimeoutMs: 1.5 }, /connectTimeoutMs/],
    ['a negative heart-beat', { heartBeat: { canSend: -1 } }, /heartBeat\.canSend/],
    ['a negative grace', { heartBeatGraceMs: -5 }, /heartBeatGraceMs/],
    ['a zero queue depth', { limits: { maxQueueDepth: 0 } }, /limits\.maxQueueDepth/],
    ['a non-numeric limit', { limits: { maxOutboundBytes: Number.NaN } }, /limits\.maxOutboundBytes/],
    [
      'a zero pre-login frame size',
      { limits: { preLogin: { maxFrameBytes: 0 } } },
      /limits\.preLogin\.maxFrameBytes/,
    ],
    [
      'a rule without a leading slash',
      {
        destinationRules: [
          { prefix: 'topic/', clientSend: true, clientSubscribe: true, slowConsumer: 'error' },
        ],
      },
      /destinationRules\[0\]\.prefix/,
    ],
    [
      'a rule with an unknown policy',
      {
        destinationRules: [
          { prefix: '/topic/', clientSend: true, clientSubscribe: true, slowConsumer: 'drop' as 'error' },
        ],
      },
      /destinationRules\[0\]\.slowConsumer/,
    ],
  ];

  for (const [what, options, message] of bad) {
    it(`refuse ${what} with a RangeError naming the option`, () => {
      expect(() => new Broker(options)).toThrow(RangeError);
      expect(() => new Broker(options)).toThrow(message);
    });
  }
});

describe('the shared heart-beat timer', () => {
  it('keeps its one-second period under the default offer of 1000,1000, so slow clients cost no extra wake-ups', () => {
    expect(resolveOptions({ heartBeat: { canSend: 1000, wantsToReceive: 1000 } }).timerResolutionMs).toBe(
      1000,
    );
  });

  it('ticks at the shortest interval the server offers when that is shorter', () => {
    expect(resolveOptions({ heartBeat: { canSend: 250, wantsToReceive: 1000 } }).timerResolutionMs).toBe(250);
  });
});
