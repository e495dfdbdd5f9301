/**
 * Configuration from the environment, validated once at start-up with `env-schema` (Fastify's
 * JSON-schema validator for environment variables). A bad value stops the server with a message
 * that names the variable, rather than surfacing later as odd behaviour.
 */
import { resolve } from 'node:path';
import { type HeartBeat, parseHeartBeat } from '@stomping-ground/protocol';
import { envSchema } from 'env-schema';
import { DEV_PORT_DEFAULTS } from '../../../dev-ports';

const MiB = 1024 * 1024;

const schema = {
  type: 'object',
  properties: {
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
    HOST: { type: 'string', minLength: 1, default: '0.0.0.0' },
    STOMP_TCP_PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 61613 },
    STOMP_TCP_HOST: { type: 'string', minLength: 1, default: '0.0.0.0' },
    NODE_ENV: { type: 'string', default: 'production' },
    PUBLIC_ORIGIN: { type: 'string', default: '' },
    ALLOWED_ORIGINS: { type: 'string', default: '' },
    TRUST_PROXY: { type: 'string', default: 'loopback' },
    STOMP_CLOSE_GRACE_MS: { type: 'integer', minimum: 0, maximum: 60_000, default: 2000 },
    STOMP_MAX_PRELOGIN_CONNECTIONS: { type: 'integer', minimum: 1, default: 1024 },
    STOMP_MAX_PRELOGIN_PER_ADDRESS: { type: 'integer', minimum: 1, default: 128 },
    STOMP_MAX_OUTBOUND_BYTES: { type: 'integer', minimum: 1024, default: MiB },
    STOMP_SLOW_CONSUMER_GRACE_MS: { type: 'integer', minimum: 0, maximum: 600_000, default: 5000 },
    WS_PERMESSAGE_DEFLATE: { type: 'boolean', default: false },
    STOMP_MAX_FRAME_BYTES: { type: 'integer', minimum: 1024, maximum: 256 * MiB, default: 16 * MiB },
    STOMP_PRELOGIN_MAX_FRAME_BYTES: { type: 'integer', minimum: 256, maximum: 16 * MiB, default: 64 * 1024 },
    STOMP_CONNECT_TIMEOUT_MS: { type: 'integer', minimum: 100, default: 10_000 },
    STOMP_HEARTBEAT: { type: 'string', pattern: '^[0-9]+,[0-9]+$', default: '1000,1000' },
    STOMP_USERS: {
      type: 'string',
      pattern: '^([^:,]+:[^,]*(,[^:,]+:[^,]*)*)?$',
      default: 'guest:guest,alice:alice,bob:bob',
    },
    STOMP_GUESTS: { type: 'string', enum: ['on', 'off'], default: 'on' },
    STOMP_MAX_CLAIMED_NAMES: { type: 'integer', minimum: 0, maximum: 10_000_000, default: 100_000 },
    IDENTITY_SECRET: { type: 'string', pattern: '^(.{32,})?$', default: '' },
    LOG_LEVEL: {
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
    },
    SHUTDOWN_GRACE_MS: { type: 'integer', minimum: 0, default: 10_000 },
    SERVE_SOURCE_MAPS: { type: 'boolean', default: false },
    // Where `pnpm dev` runs the pages' dev servers (`dev-ports.ts`), whose origins development allows.
    GAME_DEV_PORT: { type: 'integer', minimum: 1, maximum: 65535, default: DEV_PORT_DEFAULTS.game },
    TICKER_DEV_PORT: { type: 'integer', minimum: 1, maximum: 65535, default: DEV_PORT_DEFAULTS.ticker },
    LANDING_DEV_PORT: { type: 'integer', minimum: 1, maximum: 65535, default: DEV_PORT_DEFAULTS.landing },
    LESSONS_DEV_PORT: { type: 'integer', minimum: 1, maximum: 65535, default: DEV_PORT_DEFAULTS.lessons },
    MARKET_ENABLED: { type: 'boolean', default: true },
    MARKET_UPDATES_PER_SECOND: { type: 'integer', minimum: 0, maximum: 10_000, default: 80 },
    GAME_ENABLED: { type: 'boolean', default: true },
    GAME_ROOM_CAPACITY: { type: 'integer', minimum: 1, maximum: 250, default: 8 },
    GAME_MIN_PLAYERS: { type: 'integer', minimum: 0, maximum: 250, default: 4 },
    GAME_RESUME_GRACE_MS: { type: 'integer', minimum: 0, maximum: 3_600_000, default: 15_000 },
    GAME_MAX_ROOMS: { type: 'integer', minimum: 1, maximum: 10_000, default: 100 },
    REDIS_URL: { type: 'string', pattern: '^(rediss?://.*)?$', default: '' },
    REDIS_PREFIX: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$', default: 'sg' },
    CLUSTER_NODE_ID: { type: 'string', pattern: '^[A-Za-z0-9_.-]*$', maxLength: 128, default: '' },
    DATA_DIR: { type: 'string', minLength: 1, default: 'data' },
  },
} as const;

/** Every environment variable the server reads (`turbo.json` must pass each through to `dev` and `e2e`). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.properties);

interface RawEnv {
  PORT: number;
  HOST: string;
  STOMP_TCP_PORT: number;
  STOMP_TCP_HOST: string;
  NODE_ENV: string;
  PUBLIC_ORIGIN: string;
  ALLOWED_ORIGINS: string;
  TRUST_PROXY: string;
  STOMP_CLOSE_GRACE_MS: number;
  STOMP_MAX_PRELOGIN_CONNECTIONS: number;
  STOMP_MAX_PRELOGIN_PER_ADDRESS: number;
  STOMP_MAX_OUTBOUND_BYTES: number;
  STOMP_SLOW_CONSUMER_GRACE_MS: number;
  WS_PERMESSAGE_DEFLATE: boolean;
  STOMP_MAX_FRAME_BYTES: number;
  STOMP_PRELOGIN_MAX_FRAME_BYTES: number;
  STOMP_CONNECT_TIMEOUT_MS: number;
  STOMP_HEARTBEAT: string;
  STOMP_USERS: string;
  STOMP_GUESTS: 'on' | 'off';
  STOMP_MAX_CLAIMED_NAMES: number;
  IDENTITY_SECRET: string;
  LOG_LEVEL: string;
  SHUTDOWN_GRACE_MS: number;
  SERVE_SOURCE_MAPS: boolean;
  GAME_DEV_PORT: number;
  TICKER_DEV_PORT: number;
  LANDING_DEV_PORT: number;
  LESSONS_DEV_PORT: number;
  MARKET_ENABLED: boolean;
  MARKET_UPDATES_PER_SECOND: number;
  GAME_ENABLED: boolean;
  GAME_ROOM_CAPACITY: number;
  GAME_MIN_PLAYERS: number;
  GAME_RESUME_GRACE_MS: number;
  GAME_MAX_ROOMS: number;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  CLUSTER_NODE_ID: string;
  DATA_DIR: string;
}

export interface ServerConfig {
  /** HTTP and WebSocket port; 0 picks a free one (tests). */
  readonly port: number;
  readonly host: string;
  /** STOMP over raw TCP; `null` when `STOMP_TCP_PORT=0` turns it off. (Code may pass port 0 for a free port.) */
  readonly tcp: { readonly port: number; readonly host: string } | null;
  /**
   * Origins allowed to open `/ws` from a browser: the public origin(s) (`PUBLIC_ORIGIN`, by default
   * `http://localhost:PORT` and `http://127.0.0.1:PORT`), `ALLOWED_ORIGINS`, and the dev servers when
   * `NODE_ENV=development`. Requests with no `Origin` header (native clients, `ws` in Node) are not
   * browsers and are let through.
   */
  readonly allowedOrigins: readonly string[];
  /**
   * Whose `X-Forwarded-For` to believe for a client's address (Fastify's `trustProxy`): `false`,
   * `true`, or addresses and ranges (`loopback`, `10.0.0.0/8`, …). Default `loopback`: a proxy on
   * the same machine. Per-address limits count the address this yields.
   */
  readonly trustProxy: boolean | string;
  /** After the server closes a connection, how long the peer has to close its side before the socket is destroyed. */
  readonly closeGraceMs: number;
  /** Bounds on what clients can make the broker hold; see `BrokerLimits` and `BrokerOptions`. */
  readonly connectionLimits: {
    readonly maxPreLoginConnections: number;
    readonly maxPreLoginConnectionsPerAddress: number;
    readonly maxOutboundBytes: number;
    readonly slowConsumerGraceMs: number;
  };
  readonly perMessageDeflate: boolean;
  readonly maxFrameBytes: number;
  readonly preLoginMaxFrameBytes: number;
  readonly connectTimeoutMs: number;
  /** What the server offers in CONNECTED: the smallest interval it sends at, and the one it wants. */
  readonly heartBeat: HeartBeat;
  /** Fixed accounts: login → passcode. */
  readonly users: Readonly<Record<string, string>>;
  /**
   * Who else may log in. `guests`: minted guest names and claimed names (`STOMP_GUESTS`); off, only
   * `users` log in. `secret`: the key guest passcodes are signed with (`IDENTITY_SECRET`); when
   * undefined, one is made up at start-up (in a cluster, shared through Redis). `maxClaims`: names
   * that may be claimed, at most (`STOMP_MAX_CLAIMED_NAMES`).
   */
  readonly identities: {
    readonly guests: boolean;
    readonly secret: string | undefined;
    readonly maxClaims: number;
  };
  readonly logLevel: string;
  readonly shutdownGraceMs: number;
  /** Whether the built pages' source maps (`*.map`) are served; off by default, so production does not publish them. */
  readonly serveSourceMaps: boolean;
  /** The market service: off, or on with this much simulated activity (0: users' orders only). */
  readonly market: { readonly enabled: boolean; readonly updatesPerSecond: number };
  /** The game service: off, or on with rooms of this many people, bots up to `minPlayers`, seats held `resumeGraceMs`. */
  readonly game: {
    readonly enabled: boolean;
    readonly roomCapacity: number;
    readonly minPlayers: number;
    readonly resumeGraceMs: number;
    readonly maxRooms: number;
  };
  /**
   * Cluster mode: `null` (the default) runs one node on its own; with `REDIS_URL` set, every node
   * sharing the Redis and the prefix acts as one broker. `nodeId` is generated when not given.
   */
  readonly cluster: {
    readonly redisUrl: string;
    readonly prefix: string;
    readonly nodeId: string | undefined;
  } | null;
  /**
   * Where a node on its own keeps its queues (`queues.sqlite` in it): an absolute path, or
   * `:memory:` to keep them in memory only (a restart loses them). Unused in cluster mode.
   */
  readonly dataDir: string;
}

/** The dev servers' origins on these ports (the game, the ticker, the landing page, the lessons site). */
export function devOrigins(ports: readonly number[]): string[] {
  return ports.flatMap((port) => [`http://localhost:${port}`, `http://127.0.0.1:${port}`]);
}

/** The dev servers' origins at their default ports, allowed when `NODE_ENV=development` (`pnpm dev`). */
export const DEV_ORIGINS: readonly string[] = devOrigins([
  DEV_PORT_DEFAULTS.game,
  DEV_PORT_DEFAULTS.ticker,
  DEV_PORT_DEFAULTS.landing,
  DEV_PORT_DEFAULTS.lessons,
]);

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the environment. Throws `ConfigError` naming the offending variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  let raw: RawEnv;
  try {
    raw = envSchema<RawEnv>({ schema, data: env, dotenv: false });
  } catch (error) {
    throw new ConfigError(`invalid configuration: ${(error as Error).message}`);
  }
  if (raw.STOMP_PRELOGIN_MAX_FRAME_BYTES > raw.STOMP_MAX_FRAME_BYTES) {
    throw new ConfigError(
      'invalid configuration: STOMP_PRELOGIN_MAX_FRAME_BYTES is larger than STOMP_MAX_FRAME_BYTES',
    );
  }
  const publicOrigins = originList('PUBLIC_ORIGIN', raw.PUBLIC_ORIGIN);
  const origins = [
    ...(publicOrigins.length > 0
      ? publicOrigins
      : [`http://localhost:${raw.PORT}`, `http://127.0.0.1:${raw.PORT}`]),
    ...originList('ALLOWED_ORIGINS', raw.ALLOWED_ORIGINS),
    ...(raw.NODE_ENV === 'development'
      ? devOrigins([raw.GAME_DEV_PORT, raw.TICKER_DEV_PORT, raw.LANDING_DEV_PORT, raw.LESSONS_DEV_PORT])
      : []),
  ];
  return {
    port: raw.PORT,
    host: raw.HOST,
    tcp: raw.STOMP_TCP_PORT === 0 ? null : { port: raw.STOMP_TCP_PORT, host: raw.STOMP_TCP_HOST },
    allowedOrigins: [...new Set(origins)],
    trustProxy: parseTrustProxy(raw.TRUST_PROXY),
    closeGraceMs: raw.STOMP_CLOSE_GRACE_MS,
    connectionLimits: {
      maxPreLoginConnections: raw.STOMP_MAX_PRELOGIN_CONNECTIONS,
      maxPreLoginConnectionsPerAddress: raw.STOMP_MAX_PRELOGIN_PER_ADDRESS,
      maxOutboundBytes: raw.STOMP_MAX_OUTBOUND_BYTES,
      slowConsumerGraceMs: raw.STOMP_SLOW_CONSUMER_GRACE_MS,
    },
    perMessageDeflate: raw.WS_PERMESSAGE_DEFLATE,
    maxFrameBytes: raw.STOMP_MAX_FRAME_BYTES,
    preLoginMaxFrameBytes: raw.STOMP_PRELOGIN_MAX_FRAME_BYTES,
    connectTimeoutMs: raw.STOMP_CONNECT_TIMEOUT_MS,
    heartBeat: parseHeartBeat(raw.STOMP_HEARTBEAT),
    users: parseUsers(raw.STOMP_USERS),
    identities: {
      guests: raw.STOMP_GUESTS === 'on',
      secret: raw.IDENTITY_SECRET === '' ? undefined : raw.IDENTITY_SECRET,
      maxClaims: raw.STOMP_MAX_CLAIMED_NAMES,
    },
    logLevel: raw.LOG_LEVEL,
    shutdownGraceMs: raw.SHUTDOWN_GRACE_MS,
    serveSourceMaps: raw.SERVE_SOURCE_MAPS,
    market: { enabled: raw.MARKET_ENABLED, updatesPerSecond: raw.MARKET_UPDATES_PER_SECOND },
    game: {
      enabled: raw.GAME_ENABLED,
      roomCapacity: raw.GAME_ROOM_CAPACITY,
      minPlayers: raw.GAME_MIN_PLAYERS,
      resumeGraceMs: raw.GAME_RESUME_GRACE_MS,
      maxRooms: raw.GAME_MAX_ROOMS,
    },
    cluster:
      raw.REDIS_URL === ''
        ? null
        : { redisUrl: raw.REDIS_URL, prefix: raw.REDIS_PREFIX, nodeId: raw.CLUSTER_NODE_ID || undefined },
    dataDir: raw.DATA_DIR === ':memory:' ? ':memory:' : resolve(raw.DATA_DIR),
  };
}

/** A comma-separated list of `scheme://host[:port]` origins, as browsers send them. */
function originList(variable: string, list: string): string[] {
  const origins = list
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of origins) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) {
      throw new ConfigError(
        `invalid configuration: ${variable} entry "${origin}" is not scheme://host[:port]`,
      );
    }
  }
  return origins;
}

function parseTrustProxy(value: string): boolean | string {
  const trimmed = value.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false' || trimmed === '') return false;
  return trimmed;
}

function parseUsers(list: string): Record<string, string> {
  const users: Record<string, string> = {};
  for (const entry of list.split(',')) {
    if (entry === '') continue;
    const colon = entry.indexOf(':');
    users[entry.slice(0, colon)] = entry.slice(colon + 1);
  }
  return users;
}
