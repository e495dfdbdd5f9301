/**
 * The cluster's room registry: one Redis hash, room id → `RoomEntry` (the room list's summary plus
 * the node that runs the room and its fencing token), and a channel on which every change is
 * announced.
 *
 * Every node keeps a copy in memory, refreshed from Redis once a second (`list`) and on every
 * announcement, because the room list's snapshot on subscribe is synchronous and an input's
 * forwarding must not wait for Redis. Decisions that may wait (where to seat a join, where a resume
 * goes) read Redis itself.
 *
 * Owners write under their room lease's fencing token, in one script each, so a node that lost a
 * room (paused past its lease, cut off from Redis) cannot overwrite or delete what the new owner
 * wrote.
 */

import type { ClusterNode, Logger } from '@stomping-ground/broker';
import type { RoomSummary } from '@stomping-ground/protocol';
import type { GameKeys } from './keys';

export interface RoomEntry extends RoomSummary {
  /** The node running the room. */
  readonly owner: string;
  /** The owner's fencing token for the room's lease: a newer owner's entry has a larger one. */
  readonly token: number;
}

interface RegistryChange {
  readonly roomId: string;
  /** null: the room closed. */
  readonly entry: RoomEntry | null;
}

/** KEYS: rooms, token. ARGV: room id, entry, max rooms, token. Adds a room unless the cluster has the most it may; 1 if added. */
const ADD = `if redis.call('GET', KEYS[2]) ~= ARGV[4] then return -1 end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1`;
/** KEYS: rooms, token. ARGV: room id, entry, token. Writes the entry while the token is current; 1 if written. */
const PUT = `if redis.call('GET', KEYS[2]) ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1`;
/** KEYS: rooms, token, state. ARGV: room id, token. Forgets a closed room while the token is current; 1 if done. */
const CLOSE = `if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1]) redis.call('DEL', KEYS[3], KEYS[2]) return 1`;

export class RoomRegistry {
  private readonly node: ClusterNode;
  private readonly keys: GameKeys;
  private readonly logger: Logger;
  private readonly cache = new Map<string, RoomEntry>();
  private unsubscribe: (() => void) | undefined;

  constructor(node: ClusterNode, keys: GameKeys, logger: Logger) {
    this.node = node;
    this.keys = keys;
    this.logger = logger;
  }

  /** Listens for changes and reads the registry once (unless Redis is away: the next refresh will). */
  async start(): Promise<void> {
    this.unsubscribe = await this.node.subscribe(this.keys.roomsChanged, (payload) => this.heard(payload));
    await this.list().catch(() => undefined);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Every room as last heard. */
  entries(): IterableIterator<RoomEntry> {
    return this.cache.values();
  }

  /** A room as last heard. */
  get(roomId: string): RoomEntry | undefined {
    return this.cache.get(roomId);
  }

  /** Every room, read from Redis now (and remembered). Throws while Redis is away. */
  async list(): Promise<RoomEntry[]> {
    const raw = await this.node.redis.hgetall(this.keys.rooms);
    const fresh = new Map<string, RoomEntry>();
    for (const [roomId, json] of Object.entries(raw)) {
      const entry = parseEntry(json);
      if (entry === undefined) continue;
      // An announcement heard while the read was on its way may be newer than what it returned.
      const known = this.cache.get(roomId);
      fresh.set(roomId, known !== undefined && known.token > entry.token ? known : entry);
    }
    this.cache.clear();
    for (const [roomId, entry] of fresh) this.cache.set(roomId, entry);
    return [...fresh.values()];
  }

  /** One room, read from Redis now. Throws while Redis is away. */
  async lookup(roomId: string): Promise<RoomEntry | undefined> {
    const json = await this.node.redis.hget(this.keys.rooms, roomId);
    const entry = json === null ? undefined : parseEntry(json);
    if (entry === undefined) this.cache.delete(roomId);
    else this.cache.set(roomId, entry);
    return entry;
  }

  /** Those of these rooms whose lease nobody holds: their owner died or gave them up. Throws while Redis is away. */
  async unheld(roomIds: readonly string[]): Promise<string[]> {
    if (roomIds.length === 0) return [];
    const pipeline = this.node.redis.pipeline();
    for (const roomId of roomIds) pipeline.exists(this.keys.leaseKey(roomId));
    const results = (await pipeline.exec()) ?? [];
    return roomIds.filter((_, i) => {
      const [error, exists] = results[i] ?? [new Error('no reply'), 1];
      return error === null && exists === 0;
    });
  }

  /** A room id no node has used. Throws while Redis is away. */
  async nextRoomId(): Promise<string> {
    return `r${await this.node.redis.incr(this.keys.roomSequence)}`;
  }

  /** Adds a new room unless the cluster already has `maxRooms`; false if it has. Throws while Redis is away. */
  async add(entry: RoomEntry, maxRooms: number): Promise<boolean> {
    const { roomId } = entry;
    const added = await this.node.redis.eval(
      ADD,
      2,
      this.keys.rooms,
      this.keys.leaseTokenKey(roomId),
      roomId,
      JSON.stringify(entry),
      maxRooms,
      entry.token,
    );
    if (added !== 1) return false;
    await this.announce(entry);
    return true;
  }

  /** Writes the owner's entry for a room; false when its token is no longer current. Throws while Redis is away. */
  async put(entry: RoomEntry): Promise<boolean> {
    const { roomId } = entry;
    const written = await this.node.redis.eval(
      PUT,
      2,
      this.keys.rooms,
      this.keys.leaseTokenKey(roomId),
      roomId,
      JSON.stringify(entry),
      entry.token,
    );
    if (written !== 1) return false;
    await this.announce(entry);
    return true;
  }

  /** Forgets a closed room (its entry, its saved state, its token) if `token` is still current. */
  async close(roomId: string, token: number): Promise<boolean> {
    const closed = await this.node.redis.eval(
      CLOSE,
      3,
      this.keys.rooms,
      this.keys.leaseTokenKey(roomId),
      this.keys.state(roomId),
      roomId,
      token,
    );
    if (closed !== 1) return false;
    await this.announce({ roomId, entry: null });
    return true;
  }

  private async announce(change: RoomEntry | RegistryChange): Promise<void> {
    const message: RegistryChange = 'entry' in change ? change : { roomId: change.roomId, entry: change };
    this.apply(message);
    await this.node.publish(this.keys.roomsChanged, JSON.stringify(message), 'game-registry');
  }

  private heard(payload: Buffer): void {
    let change: RegistryChange;
    try {
      change = JSON.parse(payload.toString('utf8')) as RegistryChange;
    } catch {
      this.node.countDrop('malformed');
      return;
    }
    if (typeof change?.roomId !== 'string') return;
    this.apply(change);
  }

  private apply({ roomId, entry }: RegistryChange): void {
    if (entry === null) {
      this.cache.delete(roomId);
      return;
    }
    const parsed = parseEntry(entry);
    if (parsed === undefined) return;
    const known = this.cache.get(roomId);
    if (known === undefined || known.token <= parsed.token) this.cache.set(roomId, parsed);
    else
      this.logger.debug({ roomId, owner: parsed.owner }, 'an older owner announced a room; kept the newer');
  }
}

function parseEntry(value: unknown): RoomEntry | undefined {
  let entry: unknown = value;
  if (typeof value === 'string') {
    try {
      entry = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { roomId, owner, token, players, bots, spectators, capacity } = entry as Record<string, unknown>;
  if (typeof roomId !== 'string' || typeof owner !== 'string' || typeof token !== 'number') return undefined;
  const counts = [players, bots, spectators, capacity];
  if (!counts.every((count) => typeof count === 'number')) return undefined;
  return {
    roomId,
    owner,
    token,
    players: players as number,
    bots: bots as number,
    spectators: spectators as number,
    capacity: capacity as number,
  };
}
