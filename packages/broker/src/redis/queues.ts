/**
 * Queues across nodes: a Redis Stream per queue (`<prefix>:q:<queue>`) with one consumer group,
 * each node a consumer of it under its node id. Competing consumers, acknowledgement and
 * redelivery come from the consumer group itself:
 *
 * - SEND: a script checks the depth bound, appends the message and wakes the nodes (`queue-wake`);
 *   the SEND's RECEIPT waits for it, so a receipted message is in Redis, not in any one node. A
 *   COMMIT's queue SENDs go through the script together: all are stored or none.
 * - A node reads new entries (`XREADGROUP … >`) only as many as its own consumers can take now
 *   (`Queue.room`), on a wake-up, when a consumer acknowledges or drains, and once a second. Read
 *   entries sit in the group's pending list under the node's name until the client's ACK (or the
 *   send, in `auto` mode): then `XACK` and `XDEL`.
 * - A node that dies (its presence key expires) leaves its pending entries behind; any node with
 *   consumers for the queue claims them (`XCLAIM`, once idle for a second, so two nodes never take
 *   the same entry) and redelivers them flagged `redelivered:true`.
 * - A node whose last local consumer leaves hands what it holds back to the group, under the
 *   consumer name `released` that no node bears, so the others claim it at once. So does a NACK
 *   with no other consumer on the node: the message goes to a consumer on another node if there is
 *   one, and back to the same consumer after a sweep if not.
 *
 * Delivery is at least once: an ACK lost with its node means a redelivery, never a loss. If Redis
 * is away, a SEND is refused with `STOMP_ERR_UNAVAILABLE` (the client knows it was not stored), and
 * acknowledgements wait and are sent again on reconnection.
 */
import type { Headers } from '@stomping-ground/protocol';
import type { LinkHost } from '../core/broker-link';
import { BrokerError, BrokerErrorCode } from '../core/errors';
import type { Logger } from '../core/logger';
import { OutboundMessage } from '../core/message';
import type { ClusterNode } from './node';

const GROUP = 'consumers';
/** The consumer that holds entries a node handed back; no node has this id, so it counts as dead. */
const RELEASED = 'released';
/** Entries read or claimed per round trip, at most. */
const BATCH = 128;
/** How often each node looks for entries of dead nodes and for entries no wake-up announced. */
const SWEEP_MS = 1000;
/** An entry is claimed only once idle this long: a second node racing for it finds it just claimed. */
const CLAIM_MIN_IDLE_MS = 1000;

/**
 * Stores messages, all or none: first every stream's bounds are checked against what it would hold
 * (entries, and body bytes kept in the hash `<prefix>:q-bytes`), then each message is appended and
 * the nodes are woken once per queue. A script runs whole, so no other client sees some of the
 * messages without the rest.
 *
 * KEYS: wake channel, byte counts, then one stream per message (repeated when several go to it).
 * ARGV: group, max depth, max bytes, then per message: queue name, message-id, headers JSON, body.
 * Returns the number stored, or the error `FULL <queue>`.
 */
const ENQUEUE = `
local first = 3
local function arg(i) return 4 + (i - first) * 4 end
local count, size = {}, {}
for i = first, #KEYS do
  count[KEYS[i]] = (count[KEYS[i]] or 0) + 1
  size[KEYS[i]] = (size[KEYS[i]] or 0) + string.len(ARGV[arg(i) + 3])
end
for i = first, #KEYS do
  local key = KEYS[i]
  if count[key] then
    local held = tonumber(redis.call('HGET', KEYS[2], key) or '0')
    if redis.call('XLEN', key) + count[key] > tonumber(ARGV[2]) or held + size[key] > tonumber(ARGV[3]) then
      return redis.error_reply('FULL ' .. ARGV[arg(i)])
    end
    count[key] = nil
  end
end
local woken = {}
for i = first, #KEYS do
  local a = arg(i)
  redis.pcall('XGROUP', 'CREATE', KEYS[i], ARGV[1], '0', 'MKSTREAM')
  redis.call('XADD', KEYS[i], '*', 'm', ARGV[a + 1], 'h', ARGV[a + 2], 'b', ARGV[a + 3])
  redis.call('HINCRBY', KEYS[2], KEYS[i], string.len(ARGV[a + 3]))
  if not woken[KEYS[i]] then
    woken[KEYS[i]] = true
    redis.call('PUBLISH', KEYS[1], ARGV[a])
  end
end
return #KEYS - first + 1`;

/**
 * Acknowledges and deletes entries, and takes their body bytes off the queue's count. An entry
 * acknowledged twice (a redelivery after a claim) is counted once: only entries still there count.
 *
 * KEYS: stream, byte counts. ARGV: group, entry ids. Returns the bytes freed.
 */
const ACKNOWLEDGE = `
local freed = 0
for i = 2, #ARGV do
  local entry = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])[1]
  if entry then
    local fields = entry[2]
    for f = 1, #fields, 2 do
      if fields[f] == 'b' then freed = freed + string.len(fields[f + 1]) end
    end
  end
end
redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))
redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
if freed > 0 then redis.call('HINCRBY', KEYS[2], KEYS[1], -freed) end
return freed`;

interface QueueCommands {
  stompEnqueue(...args: Array<string | number | Buffer>): Promise<number>;
  stompAcknowledge(...args: Array<string | number>): Promise<number>;
}

type StreamEntry = [id: Buffer, fields: Buffer[]] | null;

export interface ClusterQueueStats {
  /** Messages stored by SENDs on this node. */
  readonly stored: number;
  /** Entries this node read for its consumers. */
  readonly read: number;
  /** Entries this node took over from dead nodes or from those handed back. */
  readonly claimed: number;
  /** Entries acknowledged and deleted. */
  readonly acknowledged: number;
  /** Entries handed back. */
  readonly released: number;
  /** Acknowledgements and hand-backs waiting for Redis to come back. */
  readonly waiting: number;
}

export class ClusterQueues {
  private readonly node: ClusterNode;
  private readonly host: LinkHost;
  private readonly logger: Logger;
  /** The stream entry id each message read here came from. */
  private readonly tickets = new WeakMap<OutboundMessage, string>();
  /** Queues with consumers here at some point: the sweep visits them while they exist. */
  private readonly known = new Set<string>();
  private readonly pulling = new Set<string>();
  private readonly again = new Set<string>();
  private readonly lastClaim = new Map<string, number>();
  /** When this node last handed entries of a queue back: it leaves them to other nodes for a sweep. */
  private readonly lastRelease = new Map<string, number>();
  /** Writes that failed while Redis was away, sent again when it is back. */
  private waiting: Array<() => Promise<unknown>> = [];
  private sweepTimer: ReturnType<typeof setInterval> | undefined;
  private readonly stops: Array<() => void> = [];
  private counts = { stored: 0, read: 0, claimed: 0, acknowledged: 0, released: 0 };

  constructor(node: ClusterNode, host: LinkHost, logger: Logger) {
    this.node = node;
    this.host = host;
    this.logger = logger;
    node.redis.defineCommand('stompEnqueue', { lua: ENQUEUE });
    node.redis.defineCommand('stompAcknowledge', { numberOfKeys: 2, lua: ACKNOWLEDGE });
  }

  async start(): Promise<void> {
    this.stops.push(
      await this.node.subscribe(this.wakeChannel, (payload) => {
        const name = payload.toString();
        if (this.host.localQueue(name) !== undefined) this.demand(name);
      }),
      this.node.onStatus((status) => {
        if (status === 'up') void this.resume();
      }),
    );
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweepTimer.unref();
  }

  stop(): void {
    clearInterval(this.sweepTimer);
    for (const stop of this.stops.splice(0)) stop();
  }

  stats(): ClusterQueueStats {
    return { ...this.counts, waiting: this.waiting.length };
  }

  private get wakeChannel(): string {
    return this.node.key('queue-wake');
  }

  private streamKey(name: string): string {
    return this.node.key('q', name);
  }

  /** Hash: stream key → body bytes its entries hold. */
  private get bytesKey(): string {
    return this.node.key('q-bytes');
  }

  private get commands(): QueueCommands {
    return this.node.redis as unknown as QueueCommands;
  }

  // ── SEND ───────────────────────────────────────────────────────────────────────────────────────

  /** Stores messages in their queues, all or none (see `ENQUEUE`). */
  async enqueue(messages: readonly OutboundMessage[]): Promise<void> {
    const names = [...new Set(messages.map((message) => message.destination))].join(', ');
    if (!this.node.isUp) throw unavailable(names);
    const keys = messages.map((message) => this.streamKey(message.destination));
    const { maxQueueDepth, maxQueueBytes } = this.host;
    const args: Array<string | number | Buffer> = [GROUP, maxQueueDepth, maxQueueBytes];
    for (const { destination, messageId, headers, body } of messages) {
      args.push(
        destination,
        messageId,
        JSON.stringify(headers),
        Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      );
    }
    try {
      // Without a fixed key count, ioredis takes the count as the first argument.
      await this.commands.stompEnqueue(keys.length + 2, this.wakeChannel, this.bytesKey, ...keys, ...args);
    } catch (error) {
      const full = error instanceof Error ? /FULL (.*)$/.exec(error.message) : null;
      if (full !== null) {
        const queue = full[1]!;
        throw new BrokerError(BrokerErrorCode.LIMIT, `queue ${queue} is full`, {
          detail: `queue ${queue} cannot take more than ${maxQueueDepth} messages or ${maxQueueBytes} body bytes; nothing was stored`,
        });
      }
      this.logger.warn({ err: error, queues: names }, 'queue messages could not be stored');
      throw unavailable(names);
    }
    this.counts.stored += messages.length;
  }

  // ── Reading for the consumers here ─────────────────────────────────────────────────────────────

  /** The local queue could take more: read (and claim) for it, one pull per queue at a time. */
  demand(name: string): void {
    this.known.add(name);
    if (this.pulling.has(name)) {
      this.again.add(name);
      return;
    }
    void this.pull(name, false);
  }

  private async pull(name: string, sweeping: boolean): Promise<void> {
    this.pulling.add(name);
    try {
      let took: number;
      do {
        this.again.delete(name);
        if (!this.node.isUp) return;
        took = (await this.claim(name, sweeping)) + (await this.readNew(name));
        sweeping = false;
      } while (took > 0 && this.again.has(name));
    } catch (error) {
      this.logger.warn({ err: error, queue: name }, 'reading a cluster queue failed; the sweep retries');
    } finally {
      this.pulling.delete(name);
      this.again.delete(name);
    }
  }

  /** New entries, as many as the consumers here can take. Returns how many were taken. */
  private async readNew(name: string): Promise<number> {
    const key = this.streamKey(name);
    let taken = 0;
    let groupMade = false;
    for (;;) {
      const room = this.host.localQueue(name)?.room() ?? 0;
      if (room <= 0) return taken;
      const count = Math.min(room, BATCH);
      let reply: Array<[Buffer, StreamEntry[]]> | null;
      try {
        reply = (await this.node.redis.callBuffer(
          'XREADGROUP',
          'GROUP',
          GROUP,
          this.node.id,
          'COUNT',
          count,
          'STREAMS',
          key,
          '>',
        )) as Array<[Buffer, StreamEntry[]]> | null;
      } catch (error) {
        // Nobody has sent to this queue yet: make its group, from the beginning, and read again.
        if (groupMade || !(error instanceof Error) || !error.message.includes('NOGROUP')) throw error;
        await this.node.redis.xgroup('CREATE', key, GROUP, '0', 'MKSTREAM').catch(() => {});
        groupMade = true;
        continue;
      }
      const entries = reply?.[0]?.[1] ?? [];
      this.counts.read += entries.length;
      this.hand(name, entries, false);
      taken += entries.length;
      if (entries.length < count) return taken;
    }
  }

  /**
   * Entries of dead nodes, and entries handed back, claimed for the consumers here. Runs at most
   * twice a second per queue unless the sweep asks. Returns how many were taken.
   */
  private async claim(name: string, force: boolean): Promise<number> {
    const now = Date.now();
    if (!force && now - (this.lastClaim.get(name) ?? 0) < SWEEP_MS / 2) return 0;
    this.lastClaim.set(name, now);
    const key = this.streamKey(name);
    let summary: [number, unknown, unknown, Array<[string, string]> | null];
    try {
      summary = (await this.node.redis.xpending(key, GROUP)) as typeof summary;
    } catch {
      return 0; // no stream or no group yet: nothing pending
    }
    let taken = 0;
    for (const [consumer] of summary[3] ?? []) {
      if (consumer === this.node.id) continue;
      if (consumer !== RELEASED && (await this.node.isAlive(consumer))) continue;
      // What this node just handed back (a NACK with no other consumer here) is for the other
      // nodes first; it takes it back itself at a later sweep if nobody else did.
      if (consumer === RELEASED && now - (this.lastRelease.get(name) ?? 0) < SWEEP_MS) continue;
      for (;;) {
        const room = this.host.localQueue(name)?.room() ?? 0;
        if (room <= 0) return taken;
        const count = Math.min(room, BATCH);
        const pending = (await this.node.redis.xpending(key, GROUP, '-', '+', count, consumer)) as Array<
          [string, string, number, number]
        >;
        if (pending.length > 0) {
          const ids = pending.map(([id]) => id);
          const claimed = (await this.node.redis.callBuffer(
            'XCLAIM',
            key,
            GROUP,
            this.node.id,
            CLAIM_MIN_IDLE_MS,
            ...ids,
          )) as StreamEntry[];
          const entries = claimed.filter((entry) => entry !== null);
          this.counts.claimed += entries.length;
          this.hand(name, entries, true);
          taken += entries.length;
        }
        if (pending.length < count) {
          // A dead node's consumer can go once nothing is pending under it any more (an entry
          // claimed too recently to take stays for the next sweep); `released` stays for next time.
          if (consumer !== RELEASED) {
            const left = (await this.node.redis.xpending(key, GROUP, '-', '+', 1, consumer)) as unknown[];
            if (left.length === 0) await this.node.redis.xgroup('DELCONSUMER', key, GROUP, consumer);
          }
          break;
        }
      }
    }
    return taken;
  }

  /** Entries read or claimed, to the local queue; handed back if its consumers left meanwhile. */
  private hand(name: string, entries: readonly StreamEntry[], redelivered: boolean): void {
    if (entries.length === 0) return;
    const messages: OutboundMessage[] = [];
    for (const entry of entries) {
      if (entry === null) continue;
      const message = this.toMessage(name, entry);
      if (message !== undefined) messages.push(message);
    }
    const queue = this.host.localQueue(name);
    if (queue === undefined || queue.consumerCount === 0) {
      this.released(name, messages);
      return;
    }
    for (const message of messages) queue.accept(message, redelivered);
  }

  private toMessage(name: string, [id, fields]: [Buffer, Buffer[]]): OutboundMessage | undefined {
    let messageId = '';
    let headers: Headers = [];
    let body = new Uint8Array(0);
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const field = fields[i]!.toString();
      const value = fields[i + 1]!;
      if (field === 'm') messageId = value.toString();
      else if (field === 'h') headers = JSON.parse(value.toString()) as Headers;
      else if (field === 'b') body = new Uint8Array(value);
    }
    const ticket = id.toString();
    const message = new OutboundMessage(name, messageId || `${name}-${ticket}`, headers, body);
    this.tickets.set(message, ticket);
    return message;
  }

  // ── Acknowledgement and hand-back ──────────────────────────────────────────────────────────────

  consumed(name: string, messages: readonly OutboundMessage[]): void {
    const ids = this.idsOf(messages);
    if (ids.length === 0) return;
    const key = this.streamKey(name);
    this.write(async () => {
      await this.commands.stompAcknowledge(key, this.bytesKey, GROUP, ...ids);
      this.counts.acknowledged += ids.length;
    });
  }

  released(name: string, messages: readonly OutboundMessage[]): void {
    const ids = this.idsOf(messages);
    if (ids.length === 0) return;
    const key = this.streamKey(name);
    this.lastRelease.set(name, Date.now());
    this.write(async () => {
      // Claimed by `released` with a long idle time: the next claim anywhere takes them at once.
      await this.node.redis.xclaim(key, GROUP, RELEASED, 0, ...ids, 'IDLE', 3_600_000, 'JUSTID');
      await this.node.redis.publish(this.wakeChannel, name);
      this.counts.released += ids.length;
    });
  }

  private idsOf(messages: readonly OutboundMessage[]): string[] {
    const ids: string[] = [];
    for (const message of messages) {
      const id = this.tickets.get(message);
      if (id !== undefined) ids.push(id);
    }
    return ids;
  }

  /** Runs a write now, or keeps it for when Redis is back. */
  private write(operation: () => Promise<unknown>): void {
    if (!this.node.isUp) {
      this.waiting.push(operation);
      return;
    }
    operation().catch(() => this.waiting.push(operation));
  }

  private async resume(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = [];
    for (const operation of waiting) await operation().catch(() => this.waiting.push(operation));
    this.sweep();
  }

  private sweep(): void {
    if (!this.node.isUp) return;
    for (const name of this.known) {
      if (this.host.localQueue(name) === undefined) {
        this.known.delete(name);
        this.lastClaim.delete(name);
        this.lastRelease.delete(name);
        continue;
      }
      if (!this.pulling.has(name)) void this.pull(name, true);
    }
  }
}

function unavailable(queue: string): BrokerError {
  return new BrokerError(BrokerErrorCode.UNAVAILABLE, `queue ${queue} is unavailable`, {
    detail: `the cluster's Redis cannot be reached, so the message for ${queue} was not stored; send it again later`,
  });
}
