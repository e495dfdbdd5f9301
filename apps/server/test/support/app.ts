/** Starts the real server on free ports for a test, and stops it afterwards. */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app';
import { DEV_ORIGINS, type ServerConfig } from '../../src/config';

export function testConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    tcp: { port: 0, host: '127.0.0.1' },
    allowedOrigins: [...DEV_ORIGINS],
    trustProxy: false,
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
    heartBeat: { canSend: 0, wantsToReceive: 0 },
    users: { guest: 'guest', alice: 'alice', bob: 'bob' },
    identities: { guests: true, secret: undefined, maxClaims: 10_000 },
    logLevel: 'silent',
    shutdownGraceMs: 1_000,
    serveSourceMaps: false,
    // Alive but light: every test server runs the simulation, most with nobody watching.
    market: { enabled: true, updatesPerSecond: 20 },
    game: { enabled: true, roomCapacity: 8, minPlayers: 4, resumeGraceMs: 15_000, maxRooms: 100 },
    cluster: null,
    dataDir: ':memory:',
    ...overrides,
  };
}

export interface RunningServer {
  readonly app: FastifyInstance;
  /** `ws://127.0.0.1:PORT/ws` */
  readonly wsUrl: string;
  readonly httpUrl: string;
  readonly tcpPort: number;
  close(): Promise<void>;
}

export async function startServer(overrides: Partial<ServerConfig> = {}): Promise<RunningServer> {
  const app = await buildApp(testConfig(overrides), { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    httpUrl: `http://127.0.0.1:${port}`,
    tcpPort: app.stompTcp?.address().port ?? 0,
    close: () => app.close(),
  };
}
