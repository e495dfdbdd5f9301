import { webSocketUrl } from '@stomping-ground/protocol';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, settingsFromQuery } from '../src/netcode/settings';

describe('settingsFromQuery', () => {
  it('keeps the defaults for an empty query', () => {
    expect(settingsFromQuery('')).toEqual(DEFAULT_SETTINGS);
  });

  it('reads switches, numbers within their limits, and the format', () => {
    const settings = settingsFromQuery('?prediction=0&interpolation=off&latency=150&jitter=9999&format=json');
    expect(settings.prediction).toBe(false);
    expect(settings.interpolation).toBe(false);
    expect(settings.latencyMs).toBe(150);
    expect(settings.jitterMs).toBe(300);
    expect(settings.snapshotFormat).toBe('json');
  });
});

describe('webSocketUrl', () => {
  it('uses the page’s host, and wss under https', () => {
    expect(webSocketUrl({ protocol: 'http:', host: 'localhost:5173' })).toBe('ws://localhost:5173/ws');
    expect(webSocketUrl({ protocol: 'https:', host: 'example.org' })).toBe('wss://example.org/ws');
  });
});
