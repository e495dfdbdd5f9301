import { webSocketUrl } from '@stomping-ground/protocol';
import { describe, expect, it } from 'vitest';
import { LOGIN_STORAGE_KEY, loadLogin, normalizeLogin, randomGuestName, saveLogin } from '../src/login';

function memoryStorage(initial: Record<string, string> = {}) {
  const values = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    values,
  };
}

describe('the login', () => {
  it('makes up a guest name of an adjective, an animal and a number', () => {
    expect(randomGuestName(() => 0)).toBe('swift-otter-100');
    expect(randomGuestName(() => 0.999)).toMatch(/^[a-z]+-[a-z]+-\d{3}$/);
  });

  it('accepts what a CONNECT header can carry, trimmed', () => {
    expect(normalizeLogin('  alice ')).toBe('alice');
    expect(normalizeLogin('keen-heron_4.2')).toBe('keen-heron_4.2');
    expect(normalizeLogin('')).toBeUndefined();
    expect(normalizeLogin('a:b')).toBeUndefined();
    expect(normalizeLogin('new\nline')).toBeUndefined();
    expect(normalizeLogin('x'.repeat(33))).toBeUndefined();
  });

  it('keeps the stored login across visits', () => {
    const storage = memoryStorage({ [LOGIN_STORAGE_KEY]: 'calm-ibex-123' });
    expect(loadLogin(storage)).toBe('calm-ibex-123');
  });

  it('stores a fresh guest name on the first visit', () => {
    const storage = memoryStorage();
    const login = loadLogin(storage);
    expect(storage.values.get(LOGIN_STORAGE_KEY)).toBe(login);
    saveLogin(storage, 'bob');
    expect(loadLogin(storage)).toBe('bob');
  });

  it('works without storage, or with storage that throws', () => {
    expect(normalizeLogin(loadLogin(undefined))).toBeDefined();
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(normalizeLogin(loadLogin(broken))).toBeDefined();
  });
});

describe('the WebSocket URL', () => {
  it('is /ws on the page host, ws for http and wss for https', () => {
    expect(webSocketUrl({ protocol: 'http:', host: 'localhost:5174' })).toBe('ws://localhost:5174/ws');
    expect(webSocketUrl({ protocol: 'https:', host: 'demo.example' })).toBe('wss://demo.example/ws');
  });
});
