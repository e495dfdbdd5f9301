/**
 * Broker options: every one optional, each with a safe default, all checked once in the constructor
 * (a bad value throws a `RangeError` naming the option).
 */
import { DEFAULT_DECODER_LIMITS, type DecoderLimits, type HeartBeat } from '@stomping-ground/protocol';
import type { Authenticator } from './auth';
import type { BrokerLink } from './broker-link';
import { DEFAULT_DESTINATION_RULES, type DestinationRule, SlowConsumerPolicy } from './destinations';
import { demoAuthenticator } from './identities';
import { LocalLink } from './local-link';
import { type Logger, silentLogger } from './logger';
import { type BrokerObserver, silentObserver } from './observer';
import type { QueueStore } from './queue-store';

/**
 * Bounds on what one client can make the broker hold. STOMP 1.2, "Size Limits", lets a server
 * limit frames; every other bound here keeps memory finite whatever clients do.
 */
export interface BrokerLimits {
  /** Decoder limits until the session is logged in. Default: frames and bodies up to 64 KiB, the codec's defaults otherwise. */
  readonly preLogin: Partial<DecoderLimits>;
  /** Decoder limits once logged in. Default: frames and bodies up to 16 MiB, the codec's defaults otherwise. */
  readonly postLogin: Partial<DecoderLimits>;
  /** Live subscriptions per session. Default 1000. */
  readonly maxSubscriptionsPerSession: number;
  /** Open transactions per session. Default 16. */
  readonly maxTransactionsPerSession: number;
  /** SEND, ACK and NACK frames held by one transaction. Default 1000. */
  readonly maxActionsPerTransaction: number;
  /** Body bytes of the SENDs one transaction holds. Default 16 MiB. */
  readonly maxBytesPerTransaction: number;
  /** Messages a queue keeps while no consumer can take them; a SEND beyond it gets an ERROR. Default 10 000. */
  readonly maxQueueDepth: number;
  /** Body bytes a queue keeps, likewise. Default 64 MiB. */
  readonly maxQueueBytes: number;
  /** Queues that may exist at once (a queue exists while it has consumers or messages). Default 10 000. */
  readonly maxQueues: number;
  /** Messages sent and not yet acknowledged on one `client` or `client-individual` subscription (a prefetch). Default 1000. */
  readonly maxUnackedPerSubscription: number;
  /**
   * A reader's high-water mark: bytes waiting to be written to it (the transport's buffer and the
   * broker's queue) above which it is behind. A client publishing to it then stops being read until
   * it drains (flow control); a `conflate` destination keeps only its latest value for it; a queue
   * holds its messages. Default 1 MiB. A reader is dropped by its destination's policy only when it
   * stays behind for `slowConsumerGraceMs`, or when one more message would take its backlog past
   * this plus the largest frame (so one legal frame never makes a reader "slow" by itself).
   */
  readonly maxOutboundBytes: number;
  /** Connections that may wait for login at once (before their CONNECT is accepted). Default 1024. */
  readonly maxPreLoginConnections: number;
  /** The same, from one remote address. Default 128. */
  readonly maxPreLoginConnectionsPerAddress: number;
}

export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
}

export interface BrokerOptions {
  /** The CONNECTED frame's `server` header. Default `stomping-ground/0.1.0`. */
  readonly serverName?: string;
  /** Checks CONNECT credentials. Default `demoAuthenticator()`: guest/guest, alice/alice, bob/bob, minted guests, claimed names. */
  readonly authenticator?: Authenticator;
  /** A connection that has not sent CONNECT (and been authenticated) by then is closed. Default 10 000 ms. */
  readonly connectTimeoutMs?: number;
  /**
   * What the server offers in CONNECTED: the shortest interval it can send at and wants to hear at.
   * Default 1000, 1000: a client's wish down to 1 s is honoured both ways, and as the negotiated
   * interval is the larger of the two sides' figures, a client asking for slower beats (or none)
   * gets exactly what it asked for. 0 turns a direction off.
   */
  readonly heartBeat?: Partial<HeartBeat>;
  /** A client that promised heart-beats is closed after 2 × the interval plus this much silence. Default 1000 ms. */
  readonly heartBeatGraceMs?: number;
  /**
   * The period of the one shared timer that sends heart-beats and enforces timeouts. Default 1000 ms,
   * shortened to the server's shortest heart-beat interval when that is less.
   */
  readonly timerResolutionMs?: number;
  /** How long `shutdown()` waits for transports to report closed. Default 5000 ms. */
  readonly shutdownTimeoutMs?: number;
  /**
   * How long a reader may stay over its high-water mark (`limits.maxOutboundBytes`) on a destination
   * whose slow-consumer policy is `error` before it gets that ERROR; meanwhile the clients publishing
   * to it wait. Default 5000 ms.
   */
  readonly slowConsumerGraceMs?: number;
  readonly limits?: Partial<BrokerLimits>;
  /** Who may send and subscribe where, and each destination's slow-consumer policy. Default `DEFAULT_DESTINATION_RULES`. */
  readonly destinationRules?: readonly DestinationRule[];
  readonly observer?: BrokerObserver;
  /** A pino-like logger. Default: silent. */
  readonly logger?: Logger;
  /** Default: `performance.now()`. */
  readonly clock?: Clock;
  /**
   * What lies beyond this process (see `BrokerLink`): a `ClusterBus` for several brokers acting as
   * one. Default: a `LocalLink` with `queueStore`, this broker on its own.
   */
  readonly link?: BrokerLink | undefined;
  /**
   * Where a broker on its own keeps its queues' messages (see `QueueStore`): the store of its
   * `LocalLink`, which restores them when the broker is created. Default: `memoryQueueStore`,
   * nothing outlives the process. Not with `link`, which keeps queue messages its own way.
   */
  readonly queueStore?: QueueStore | undefined;
}

export interface ResolvedOptions {
  readonly serverName: string;
  readonly authenticator: Authenticator;
  readonly connectTimeoutMs: number;
  readonly heartBeat: HeartBeat;
  readonly heartBeatGraceMs: number;
  /** The effective tick: the option, or the shortest heart-beat interval if less. */
  readonly timerResolutionMs: number;
  readonly shutdownTimeoutMs: number;
  readonly slowConsumerGraceMs: number;
  readonly limits: BrokerLimits;
  readonly destinationRules: readonly DestinationRule[];
  readonly observer: BrokerObserver;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly link: BrokerLink;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const DEFAULT_LIMITS: BrokerLimits = Object.freeze({
  preLogin: Object.freeze({ maxFrameBytes: 64 * KiB, maxBodyBytes: 64 * KiB }),
  postLogin: Object.freeze({ maxFrameBytes: 16 * MiB, maxBodyBytes: 16 * MiB }),
  maxSubscriptionsPerSession: 1000,
  maxTransactionsPerSession: 16,
  maxActionsPerTransaction: 1000,
  maxBytesPerTransaction: 16 * MiB,
  maxQueueDepth: 10_000,
  maxQueueBytes: 64 * MiB,
  maxQueues: 10_000,
  maxUnackedPerSubscription: 1000,
  maxOutboundBytes: 1 * MiB,
  maxPreLoginConnections: 1024,
  maxPreLoginConnectionsPerAddress: 128,
});

export const DEFAULT_SERVER_NAME = 'stomping-ground/0.1.0';

/** The heart-beat offer, as RabbitMQ's floor: clients may ask for beats as often as every second. */
export const DEFAULT_HEART_BEAT: HeartBeat = Object.freeze({ canSend: 1000, wantsToReceive: 1000 });

const performanceClock: Clock = { now: () => performance.now() };

export function resolveOptions(options: BrokerOptions = {}): ResolvedOptions {
  const serverName = options.serverName ?? DEFAULT_SERVER_NAME;
  // CONNECTED headers travel unescaped (STOMP 1.2, "Value Encoding"), so no EOL may hide in them.
  if (serverName === '' || /[\r\n]/.test(serverName)) {
    throw new RangeError('serverName must be a non-empty string without CR or LF');
  }
  const timerResolutionMs = options.timerResolutionMs ?? 1000;
  wholeNumber('timerResolutionMs', timerResolutionMs, 1, 60_000);
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  wholeNumber('connectTimeoutMs', connectTimeoutMs, 1);
  const heartBeatGraceMs = options.heartBeatGraceMs ?? 1000;
  wholeNumber('heartBeatGraceMs', heartBeatGraceMs, 0);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 5000;
  wholeNumber('shutdownTimeoutMs', shutdownTimeoutMs, 0);
  const slowConsumerGraceMs = options.slowConsumerGraceMs ?? 5000;
  wholeNumber('slowConsumerGraceMs', slowConsumerGraceMs, 0);

  const heartBeat: HeartBeat = {
    canSend: options.heartBeat?.canSend ?? DEFAULT_HEART_BEAT.canSend,
    wantsToReceive: options.heartBeat?.wantsToReceive ?? DEFAULT_HEART_BEAT.wantsToReceive,
  };
  for (const [name, value] of Object.entries(heartBeat))
    wholeNumber(`heartBeat.${name}`, value, 0, 999_999_999);
  // The shared timer must tick at least once per heart-beat interval: a beat goes out one tick
  // early rather than late (see Session.tick), so a 1 s beat on a 1 s tick goes out on every tick.
  // The default offer (1 s) thus keeps the default tick, and sessions that agreed on slower beats
  // cost no extra wake-ups.
  let tickMs = timerResolutionMs;
  for (const interval of [heartBeat.canSend, heartBeat.wantsToReceive]) {
    if (interval > 0) tickMs = Math.min(tickMs, interval);
  }

  const limits: BrokerLimits = Object.freeze({
    ...DEFAULT_LIMITS,
    ...options.limits,
    // Whole sets of decoder limits, so that switching at login replaces every one of them.
    preLogin: Object.freeze({
      ...DEFAULT_DECODER_LIMITS,
      ...DEFAULT_LIMITS.preLogin,
      ...options.limits?.preLogin,
    }),
    postLogin: Object.freeze({
      ...DEFAULT_DECODER_LIMITS,
      ...DEFAULT_LIMITS.postLogin,
      ...options.limits?.postLogin,
    }),
  });
  for (const [name, value] of Object.entries(limits)) {
    if (name === 'preLogin' || name === 'postLogin') {
      for (const [inner, limit] of Object.entries(value as Partial<DecoderLimits>)) {
        wholeNumber(`limits.${name}.${inner}`, limit, 1);
      }
    } else {
      wholeNumber(`limits.${name}`, value as number, 1);
    }
  }

  const destinationRules = options.destinationRules ?? DEFAULT_DESTINATION_RULES;
  checkRules(destinationRules);
  if (options.link !== undefined && options.queueStore !== undefined) {
    throw new RangeError(
      "queueStore and link exclude each other: queueStore is the default LocalLink's store, and a link keeps queue messages its own way",
    );
  }

  return {
    serverName,
    authenticator: options.authenticator ?? demoAuthenticator(),
    connectTimeoutMs,
    heartBeat: Object.freeze(heartBeat),
    heartBeatGraceMs,
    timerResolutionMs: tickMs,
    shutdownTimeoutMs,
    slowConsumerGraceMs,
    limits,
    destinationRules: Object.freeze([...destinationRules]),
    observer: options.observer ?? silentObserver,
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? performanceClock,
    link: options.link ?? new LocalLink(options.queueStore),
  };
}

/** Throws a `RangeError` naming the option unless `value` is a whole number in range. */
export function wholeNumber(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new RangeError(`${name} must be a whole number ${range}, got ${String(value)}`);
  }
}

const POLICIES: ReadonlySet<string> = new Set(Object.values(SlowConsumerPolicy));

function checkRules(rules: readonly DestinationRule[]): void {
  if (!Array.isArray(rules)) throw new RangeError('destinationRules must be an array');
  rules.forEach((rule, index) => {
    const where = `destinationRules[${index}]`;
    if (typeof rule.prefix !== 'string' || !rule.prefix.startsWith('/')) {
      throw new RangeError(`${where}.prefix must be a string starting with "/"`);
    }
    if (typeof rule.clientSend !== 'boolean' || typeof rule.clientSubscribe !== 'boolean') {
      throw new RangeError(`${where}.clientSend and .clientSubscribe must be booleans`);
    }
    if (!POLICIES.has(rule.slowConsumer)) {
      throw new RangeError(
        `${where}.slowConsumer must be "conflate" or "error", got ${String(rule.slowConsumer)}`,
      );
    }
  });
}
