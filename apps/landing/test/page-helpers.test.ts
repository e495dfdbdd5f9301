import { webSocketUrl } from '@stomping-ground/protocol';
import { describe, expect, it } from 'vitest';
import { bannerLines } from '../dev-banner';
import { formatCount } from '../src/stats-view';

describe('formatCount', () => {
  it('rounds and groups thousands', () => {
    expect(formatCount(12_345.4)).toBe('12,345');
    expect(formatCount(0)).toBe('0');
  });
});

describe('webSocketUrl', () => {
  it('uses the page host, wss under https', () => {
    expect(webSocketUrl({ protocol: 'http:', host: 'localhost:5175' })).toBe('ws://localhost:5175/ws');
    expect(webSocketUrl({ protocol: 'https:', host: 'example.org' })).toBe('wss://example.org/ws');
  });
});

describe('the dev banner', () => {
  it('boxes the URL', () => {
    const lines = bannerLines('http://localhost:5175/');
    expect(lines[1]).toContain('http://localhost:5175/');
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });
});
