/**
 * The market's inbox in a cluster (`MarketInbox`, `services/market/roles.ts`): a Redis Stream
 * (`<prefix>:market:inbox`) where every node appends the requests its clients SEND to
 * `/app/market/…`, and from which the market's owner applies them, in order.
 *
 * An entry is the request's fields, readable with `redis-cli XRANGE`: `login`, `session`,
 * `destination`, `basket` (`1` for a transaction's orders committed together) and one `body` field
 * per message, in order, holding the SEND's body byte for byte.
 *
 * Appending is what a SEND's RECEIPT waits for: once XADD answers, the request is in Redis and will
 * be applied by whichever node owns the market, now or after a failover. When Redis cannot take it
 * the client gets an ERROR rather than a RECEIPT, so nothing receipted is ever dropped.
 */
import {
  BrokerError,
  BrokerErrorCode,
  type ClusterNode,
  type Logger,
  silentLogger,
} from '@stomping-ground/broker';
import type { MarketRequest } from '../../services/market/requests';
import type { MarketInbox } from '../../services/market/roles';

/** A request read back from the stream, with its entry id. */
export interface InboxEntry {
  readonly id: string;
  /** Undefined when the entry cannot be read as a request (written by something else). */
  readonly request: MarketRequest | undefined;
}

const FIELD = {
  login: 'login',
  session: 'session',
  destination: 'destination',
  basket: 'basket',
  body: 'body',
} as const;

export class RedisMarketInbox implements MarketInbox {
  readonly key: string;
  private readonly node: ClusterNode;
  private readonly logger: Logger;

  constructor(node: ClusterNode, logger: Logger = silentLogger) {
    this.node = node;
    this.logger = logger;
    this.key = node.key('market', 'inbox');
  }

  /**
   * Appends a request (never applied here: the owner reads it from the stream, whichever node that
   * is, this one included). Resolves once Redis has stored it; rejects with a `BrokerError` when it
   * could not (Redis away: the command connection fails fast rather than queue), which ends the
   * session with an ERROR naming the problem, so the client knows to send it again.
   */
  async append(request: MarketRequest): Promise<void> {
    try {
      await this.node.redis.xadd(this.key, '*', ...encodeRequest(request));
    } catch (error) {
      this.node.countDrop('market-request');
      this.logger.warn({ err: error, destination: request.destination }, 'a market request was not stored');
      // The cause stays in the log; the client learns what it can act on.
      throw new BrokerError(BrokerErrorCode.UNAVAILABLE, 'the market could not take the request', {
        detail: `the request to ${request.destination} was not stored, so it will not be applied; send it again later`,
      });
    }
  }
}

/** The XADD field-value pairs of a request. */
export function encodeRequest(request: MarketRequest): Array<string | Buffer> {
  const fields: Array<string | Buffer> = [
    FIELD.login,
    request.login,
    FIELD.session,
    request.sessionId,
    FIELD.destination,
    request.destination,
    FIELD.basket,
    request.basket ? '1' : '0',
  ];
  for (const body of request.bodies) {
    fields.push(FIELD.body, Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  }
  return fields;
}

/** A request from an entry's field-value pairs, or undefined when they do not make one. */
export function decodeRequest(fields: readonly Buffer[]): MarketRequest | undefined {
  let login: string | undefined;
  let sessionId: string | undefined;
  let destination: string | undefined;
  let basket = false;
  const bodies: Uint8Array[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value = fields[i + 1]!;
    switch (fields[i]!.toString()) {
      case FIELD.login:
        login = value.toString();
        break;
      case FIELD.session:
        sessionId = value.toString();
        break;
      case FIELD.destination:
        destination = value.toString();
        break;
      case FIELD.basket:
        basket = value.toString() === '1';
        break;
      case FIELD.body:
        bodies.push(new Uint8Array(value));
        break;
    }
  }
  if (login === undefined || sessionId === undefined || destination === undefined || bodies.length === 0) {
    return undefined;
  }
  return { login, sessionId, destination, bodies, basket };
}

/** What `XREAD …` answers (with Buffers), as entries; null (nothing arrived in time) is none. */
export function decodeEntries(reply: Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null): InboxEntry[] {
  const entries: InboxEntry[] = [];
  for (const [, streamEntries] of reply ?? []) {
    for (const [id, fields] of streamEntries) {
      entries.push({ id: id.toString(), request: decodeRequest(fields) });
    }
  }
  return entries;
}

/** Stream entry ids (`<milliseconds>-<sequence>`) in their order: negative, zero or positive. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = parseStreamId(a);
  const [bMs, bSeq] = parseStreamId(b);
  return aMs === bMs ? aSeq - bSeq : aMs - bMs;
}

/**
 * The smallest id after `id`: `XTRIM … MINID` with it removes `id` and everything before, and
 * nothing after.
 */
export function nextStreamId(id: string): string {
  const [ms, seq] = parseStreamId(id);
  return `${ms}-${seq + 1}`;
}

const STREAM_ID = /^(\d+)-(\d+)$/;

/** Whether `id` has the form of a stream entry id, `<milliseconds>-<sequence>`. */
export function isStreamId(id: string): boolean {
  return STREAM_ID.test(id);
}

function parseStreamId(id: string): [number, number] {
  const match = STREAM_ID.exec(id);
  if (match === null) throw new RangeError(`not a stream entry id: ${JSON.stringify(id)}`);
  return [Number(match[1]), Number(match[2])];
}
