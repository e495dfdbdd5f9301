import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { BrokerStatsPayloadSchema, parseJsonBody } from '../src/index';

describe('the broker’s stats', () => {
  const good = { sessions: 3, connections: 4, messagesInPerSecond: 120, messagesOutPerSecond: 900, at: 1 };

  it('are read in the contract’s shape, with or without a node count', () => {
    expect(parseJsonBody(BrokerStatsPayloadSchema, JSON.stringify(good))).toEqual(good);
    expect(v.parse(BrokerStatsPayloadSchema, { ...good, nodes: 3 })).toEqual({ ...good, nodes: 3 });
  });

  it.each([
    ['text that is not JSON', 'nope'],
    ['JSON null', 'null'],
    ['a count in a string', JSON.stringify({ ...good, sessions: '3' })],
    ['no time of measure', JSON.stringify({ ...good, at: undefined })],
    ['a negative count', JSON.stringify({ ...good, connections: -1 })],
    ['a node count in a string', JSON.stringify({ ...good, nodes: '3' })],
  ])('are refused for %s', (_title, body) => {
    expect(parseJsonBody(BrokerStatsPayloadSchema, body)).toBeUndefined();
  });
});
