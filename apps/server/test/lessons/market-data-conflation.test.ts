/**
 * The claims of docs/market-data-conflation.md: which market and game destinations are state
 * (conflated for a slow reader) and which are events (a too-slow reader is closed), as the default
 * rules say; the outbound bound; and the metric a conflation shows up in. What a slow reader
 * experiences end to end is in test/integration/raw-flow.test.ts and test/core/slow-consumers.test.ts.
 */

import { DEFAULT_DESTINATION_RULES, DEFAULT_LIMITS, findRule } from '@stomping-ground/broker';
import { MarketDestination } from '@stomping-ground/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/app';
import { ProbePool, subscribe, until } from '../support/raw';

function policyOf(destination: string): string | undefined {
  return findRule(DEFAULT_DESTINATION_RULES, destination)?.slowConsumer;
}

describe('the market-data-conflation lesson', () => {
  it.each([
    ['a quote', MarketDestination.quotes('ACME')],
    ['the book', MarketDestination.book('ACME')],
    ['a candle stream', MarketDestination.candles('ACME', '1s')],
    ['the instruments', MarketDestination.instruments],
    ['the binary game state topic', '/topic/game/rooms/r1/state'],
    ["a player's own snapshots", '/user/queue/game/rooms/r1/players/7'],
  ])('treats %s as state: conflated for a slow reader', (_, destination) => {
    expect(policyOf(destination)).toBe('conflate');
  });

  it.each([
    ['the tape', MarketDestination.trades],
    ["a user's order events (fills)", MarketDestination.orderEvents],
    ["a user's portfolio", MarketDestination.portfolio],
    ['a plain topic', '/topic/chat'],
  ])('treats %s as events: a too-slow reader is closed, nothing is skipped', (_, destination) => {
    expect(policyOf(destination)).toBe('error');
  });

  it('puts the tape rule before the /topic/market/ rule, since the first matching rule wins', () => {
    const prefixes = DEFAULT_DESTINATION_RULES.map((rule) => rule.prefix);
    expect(prefixes.indexOf('/topic/market/trades')).toBeLessThan(prefixes.indexOf('/topic/market/'));
  });

  it('bounds what may wait to be written to one session at 1 MiB by default', () => {
    expect(DEFAULT_LIMITS.maxOutboundBytes).toBe(1024 * 1024);
  });

  describe('over a real server', () => {
    let server: RunningServer | undefined;
    const pool = new ProbePool(() => server!);

    afterEach(async () => {
      await pool.closeAll();
      await server?.close();
      server = undefined;
    });

    it('counts a slow reader of a state topic in stomp_slow_consumer_events_total{action="conflated"}', async () => {
      server = await startServer();
      const destination = '/topic/market/lessons.FLOW';
      const slow = await pool.client('tcp');
      await subscribe(slow, 'slow', destination);
      slow.pause();
      const body = new Uint8Array(64 * 1024).fill(0x2a);
      let published = 0;
      const metric = async (): Promise<string> => (await fetch(`${server!.httpUrl}/metrics`)).text();
      const counted = (text: string) =>
        /stomp_slow_consumer_events_total\{action="conflated"\} [1-9]/.test(text);
      let text = '';
      while (!counted(text)) {
        if (published >= 512) throw new Error('no conflation after 512 messages of 64 KiB');
        for (let i = 0; i < 16; i++, published++) {
          server.app.broker.publish(destination, body, [['seq', String(published)]]);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
        text = await metric();
      }
      // Conflated, not closed: the reader is still connected.
      expect(text).not.toMatch(/stomp_slow_consumer_events_total\{action="closed"\} [1-9]/);
      slow.resume();
      await until(() => slow.frames.some((f) => f.command === 'MESSAGE'), 5_000, 'the reader to read again');
      expect(slow.frames.some((frame) => frame.command === 'ERROR')).toBe(false);
    });
  });
});
