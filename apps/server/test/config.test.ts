import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_ORIGINS, loadConfig } from '../src/config';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      tcp: { port: 61613, host: '0.0.0.0' },
      allowedOrigins: ['http://localhost:8080', 'http://127.0.0.1:8080'],
      trustProxy: 'loopback',
      closeGraceMs: 2000,
      connectionLimits: {
        maxPreLoginConnections: 1024,
        maxPreLoginConnectionsPerAddress: 128,
        maxOutboundBytes: 1024 * 1024,
        slowConsumerGraceMs: 5000,
      },
      perMessageDeflate: false,
      maxFrameBytes: 16 * 1024 * 1024,
      preLoginMaxFrameBytes: 64 * 1024,
      connectTimeoutMs: 10_000,
      heartBeat: { canSend: 1000, wantsToReceive: 1000 },
      users: { guest: 'guest', alice: 'alice', bob: 'bob' },
      identities: { guests: true, secret: undefined, maxClaims: 100_000 },
      market: { enabled: true, updatesPerSecond: 80 },
    });
  });

  it('reads the identity settings: guests off, a shared secret, the claim limit', () => {
    const secret = 'a-secret-shared-by-every-node-0123456789';
    const config = loadConfig({
      STOMP_GUESTS: 'off',
      IDENTITY_SECRET: secret,
      STOMP_MAX_CLAIMED_NAMES: '10',
    });
    expect(config.identities).toEqual({ guests: false, secret, maxClaims: 10 });
  });

  it('reads and converts every variable', () => {
    const config = loadConfig({
      PORT: '9000',
      STOMP_TCP_PORT: '0',
      ALLOWED_ORIGINS: 'https://stomping.example, http://localhost:3000',
      WS_PERMESSAGE_DEFLATE: 'true',
      STOMP_HEARTBEAT: '5000,0',
      STOMP_USERS: 'ann:secret,ben:',
      MARKET_ENABLED: 'false',
      MARKET_UPDATES_PER_SECOND: '0',
    });
    expect(config.port).toBe(9000);
    expect(config.tcp).toBeNull();
    expect(config.allowedOrigins).toEqual([
      'http://localhost:9000',
      'http://127.0.0.1:9000',
      'https://stomping.example',
      'http://localhost:3000',
    ]);
    expect(config.perMessageDeflate).toBe(true);
    expect(config.heartBeat).toEqual({ canSend: 5000, wantsToReceive: 0 });
    expect(config.users).toEqual({ ann: 'secret', ben: '' });
    expect(config.market).toEqual({ enabled: false, updatesPerSecond: 0 });
  });

  it('allows the public origin instead of localhost once it is set, and the dev servers only in development', () => {
    const deployed = loadConfig({ PUBLIC_ORIGIN: 'https://stomping.example' });
    expect(deployed.allowedOrigins).toEqual(['https://stomping.example']);
    const dev = loadConfig({ NODE_ENV: 'development' });
    expect(dev.allowedOrigins).toEqual(['http://localhost:8080', 'http://127.0.0.1:8080', ...DEV_ORIGINS]);
    for (const origin of DEV_ORIGINS) expect(loadConfig({}).allowedOrigins).not.toContain(origin);
    // Dev servers moved (LANDING_DEV_PORT and the others, as `pnpm dev` reads them): their origins move too.
    const moved = loadConfig({ NODE_ENV: 'development', LANDING_DEV_PORT: '15175' });
    expect(moved.allowedOrigins).toContain('http://localhost:15175');
    expect(moved.allowedOrigins).not.toContain('http://localhost:5175');
  });

  it('reads the connection limits and whose X-Forwarded-For to believe', () => {
    const config = loadConfig({
      TRUST_PROXY: '10.0.0.0/8',
      STOMP_CLOSE_GRACE_MS: '500',
      STOMP_MAX_PRELOGIN_CONNECTIONS: '10',
      STOMP_MAX_PRELOGIN_PER_ADDRESS: '2',
      STOMP_MAX_OUTBOUND_BYTES: '65536',
      STOMP_SLOW_CONSUMER_GRACE_MS: '100',
    });
    expect(config.trustProxy).toBe('10.0.0.0/8');
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(config.closeGraceMs).toBe(500);
    expect(config.connectionLimits).toEqual({
      maxPreLoginConnections: 10,
      maxPreLoginConnectionsPerAddress: 2,
      maxOutboundBytes: 65536,
      slowConsumerGraceMs: 100,
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PUBLIC_ORIGIN', 'stomping.example'],
    ['STOMP_MAX_PRELOGIN_PER_ADDRESS', '0'],
    ['STOMP_CLOSE_GRACE_MS', '-1'],
    ['PORT', '70000'],
    ['STOMP_HEARTBEAT', '10s'],
    ['STOMP_MAX_FRAME_BYTES', '12'],
    ['LOG_LEVEL', 'chatty'],
    ['ALLOWED_ORIGINS', 'localhost:5173'],
    ['MARKET_ENABLED', 'maybe'],
    ['MARKET_UPDATES_PER_SECOND', '-1'],
    ['MARKET_UPDATES_PER_SECOND', 'fast'],
    ['REDIS_URL', 'localhost:6379'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['REDIS_PREFIX', 'a prefix'],
    ['REDIS_PREFIX', ''],
    ['CLUSTER_NODE_ID', 'node:1'],
    ['STOMP_GUESTS', 'false'],
    ['STOMP_GUESTS', 'maybe'],
    ['IDENTITY_SECRET', 'too-short'],
    ['STOMP_MAX_CLAIMED_NAMES', '-1'],
    ['CLUSTER_NODE_ID', 'n'.repeat(129)],
  ])('refuses %s=%s with an error naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('runs on its own unless REDIS_URL is set, and joins a cluster when it is', () => {
    expect(loadConfig({}).cluster).toBeNull();
    expect(loadConfig({ REDIS_URL: 'redis://10.0.0.5:6380/2' }).cluster).toEqual({
      redisUrl: 'redis://10.0.0.5:6380/2',
      prefix: 'sg',
      nodeId: undefined,
    });
    expect(
      loadConfig({ REDIS_URL: 'rediss://cache.example:6380', REDIS_PREFIX: 'prod', CLUSTER_NODE_ID: 'web-1' })
        .cluster,
    ).toEqual({ redisUrl: 'rediss://cache.example:6380', prefix: 'prod', nodeId: 'web-1' });
  });

  it('keeps queues under ./data by default, in an absolute directory, or in memory with :memory:', () => {
    expect(loadConfig({}).dataDir).toBe(resolve('data'));
    expect(loadConfig({ DATA_DIR: '/var/lib/stomping-ground' }).dataDir).toBe('/var/lib/stomping-ground');
    expect(loadConfig({ DATA_DIR: ':memory:' }).dataDir).toBe(':memory:');
    expect(() => loadConfig({ DATA_DIR: '' })).toThrow('DATA_DIR');
  });

  it('refuses a pre-login frame limit above the frame limit', () => {
    expect(() =>
      loadConfig({ STOMP_MAX_FRAME_BYTES: '65536', STOMP_PRELOGIN_MAX_FRAME_BYTES: '131072' }),
    ).toThrow('STOMP_PRELOGIN_MAX_FRAME_BYTES');
  });
});
