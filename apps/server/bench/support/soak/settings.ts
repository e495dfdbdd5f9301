/**
 * The soak's sizes, from the environment (see `apps/server/README.md`, "Soak under attack"). The
 * defaults finish in about two and a half minutes on a 2-core machine and stay well inside its
 * memory, whatever the server does.
 */

function readNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0, not "${raw}"`);
  return value;
}

const MiB = 1024 * 1024;

export const SETTINGS = {
  /** Seconds each attack runs (its connections are held until the attack's end). */
  attackSeconds: readNumber('SOAK_ATTACK_SECONDS', 10),
  /** Seconds after an attack's connections are dropped before the "after" figures are read. */
  settleSeconds: readNumber('SOAK_SETTLE_SECONDS', 3),
  /**
   * The longest the soak waits, after that, for the server to be back to the sockets and
   * connections it had before the attack (a busy server may still be reading what was sent).
   */
  releaseMaxSeconds: readNumber('SOAK_RELEASE_MAX_SECONDS', 30),
  /** Seconds of quiet at the start and the end. */
  baselineSeconds: readNumber('SOAK_BASELINE_SECONDS', 5),
  /** How many attacker addresses (127.0.0.2, .3, …) the hostile connections come from; the bystander is on 127.0.0.1. */
  attackerAddresses: readNumber('SOAK_ATTACKER_ADDRESSES', 8),

  /** Logged-in sessions per transport sending a body one byte per message / write. */
  dripSessions: readNumber('SOAK_DRIP_SESSIONS', 2),
  /** Body bytes each of those sends at most (the frame stays open until the attack ends). */
  dripBytes: readNumber('SOAK_DRIP_BYTES', 2 * MiB),
  /** Connections per transport sending a CONNECT's body one byte at a time, before login. */
  preloginDripConnections: readNumber('SOAK_PRELOGIN_DRIP_CONNECTIONS', 50),
  /** Bytes each of those sends before stalling: just under the default 64 KiB pre-login frame limit. */
  preloginDripBytes: readNumber('SOAK_PRELOGIN_DRIP_BYTES', 60_000),

  /** WebSocket connections each announcing a message of `pinnedDeclaredBytes` before login, sending most of it, then stalling. */
  pinnedWsConnections: readNumber('SOAK_PINNED_WS_CONNECTIONS', 32),
  /** What such a message announces: the default frame limit (16 MiB), below `ws`'s maxPayload today. */
  pinnedDeclaredBytes: readNumber('SOAK_PINNED_DECLARED_BYTES', 16 * MiB),
  /** What it sends of that before stalling. */
  pinnedWsBytes: readNumber('SOAK_PINNED_WS_BYTES', Math.round(15.4 * MiB)),
  /** TCP connections sending a CONNECT just under the pre-login frame limit, without its NUL, then stalling. */
  pinnedTcpConnections: readNumber('SOAK_PINNED_TCP_CONNECTIONS', 100),
  pinnedTcpBytes: readNumber('SOAK_PINNED_TCP_BYTES', 63 * 1024),

  /** TCP connections that never send a byte. */
  silentConnections: readNumber('SOAK_SILENT_CONNECTIONS', 200),
  /** Connections per transport that get an ERROR (a wrong passcode) and never close their side. */
  erroredConnections: readNumber('SOAK_ERRORED_CONNECTIONS', 100),
  /** How long those are held: past the 10 s connect timeout and `ws`'s 30 s close timeout. */
  holdSeconds: readNumber('SOAK_HOLD_SECONDS', 35),

  /** Connections opened at once (half WebSocket, half TCP) that never log in: past the default pre-login caps. */
  connectionFlood: readNumber('SOAK_CONNECTION_FLOOD', 1200),
  /** How long they are held: under the 10 s connect timeout. */
  connectionFloodSeconds: readNumber('SOAK_CONNECTION_FLOOD_SECONDS', 8),

  /** Seconds a publisher floods the bystanders' topic, per transport. */
  floodSeconds: readNumber('SOAK_FLOOD_SECONDS', 10),
  floodBodyBytes: readNumber('SOAK_FLOOD_BODY_BYTES', 4096),
  /** Legal large messages published back to back on the bystanders' topic. */
  bigMessages: readNumber('SOAK_BIG_MESSAGES', 2),
  bigMessageBytes: readNumber('SOAK_BIG_MESSAGE_BYTES', 12 * MiB),

  /** Login attempts per transport and per way of trying, against each victim. */
  impersonationAttempts: readNumber('SOAK_IMPERSONATION_ATTEMPTS', 5),

  /** The numbered stream the bystanders read: messages per second. */
  streamRate: readNumber('SOAK_STREAM_RATE', 100),

  /**
   * 1 (default): the server runs with `--inspect=127.0.0.1:0` and the soak asks V8 for a full
   * garbage collection before the "before" and "after" figures, so they show memory still held,
   * not garbage not yet collected. 0: the server runs without the inspector and nothing is forced.
   */
  forceGc: readNumber('SOAK_FORCE_GC', 1),
  /** Optional: the server's file-descriptor limit (`ulimit -n`), to see descriptor exhaustion. */
  serverNofile: readNumber('SOAK_SERVER_NOFILE', 0),
  /** Optional: the server's V8 old-space limit in MiB (`--max-old-space-size`), as a small container has. */
  serverHeapMb: readNumber('SOAK_SERVER_HEAP_MB', 0),
} as const;

export type Settings = typeof SETTINGS;

/** The topic the bystanders read and the flood hits. */
export const STREAM_TOPIC = '/topic/soak.stream';
/** Where logged-in drips send their endless bodies: nobody reads it. */
export const DRIP_TOPIC = '/topic/soak.drip';
