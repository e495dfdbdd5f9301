import { webSocketUrl } from '@stomping-ground/protocol';
import { describe, expect, it } from 'vitest';
import { normalizeLogin } from '../src/login';

describe('the login', () => {
  it('accepts what a CONNECT header can carry and the broker lets be claimed, trimmed', () => {
    expect(normalizeLogin('  alice ')).toBe('alice');
    expect(normalizeLogin('keen-heron_4.2')).toBe('keen-heron_4.2');
    expect(normalizeLogin('ann@example.org')).toBe('ann@example.org');
    expect(normalizeLogin('')).toBeUndefined();
    expect(normalizeLogin('a:b')).toBeUndefined();
    expect(normalizeLogin('new\nline')).toBeUndefined();
    expect(normalizeLogin('x'.repeat(65))).toBeUndefined();
  });
});

describe('the WebSocket URL', () => {
  it('is /ws on the page host, ws for http and wss for https', () => {
    expect(webSocketUrl({ protocol: 'http:', host: 'localhost:5174' })).toBe('ws://localhost:5174/ws');
    expect(webSocketUrl({ protocol: 'https:', host: 'demo.example' })).toBe('wss://demo.example/ws');
  });
});
