/**
 * The rooms this node runs, as the cluster sees them: opening one (an id, a lease, a registry
 * entry within `GAME_MAX_ROOMS`), saving each about once a second and on every change of seats,
 * forgetting one that closed, taking over rooms whose owner died, and claiming back rooms whose
 * lease this node lost.
 *
 * - **Saving.** The state goes to `<prefix>:game:room:<id>:state` under the lease's fencing token,
 *   with the node each session is on; the registry entry is rewritten when the summary changes.
 * - **Taking over.** A room whose lease nobody holds is taken at once by a node with members in it
 *   (when its owner is dead), by any node after `ORPHAN_PATIENCE_MS`. The new owner restores the
 *   room, keeps the seats whose sessions are on live nodes, marks the rest away (their grace period
 *   runs), and asks the members' nodes to confirm them.
 * - **Losing a lease.** Redis out of reach past the expiry, the key expired meanwhile, or another
 *   node took it: the room plays on here, detached (nobody can take it while Redis is away), and
 *   this node claims it back as soon as Redis answers. It keeps its own state, newer than any
 *   saved, unless another node ran the room meanwhile (a partition rather than an outage): then that
 *   version wins, or, if that node still holds it, this node drops its copy and its players follow
 *   the room there.
 */
import { randomBytes } from 'node:crypto';
import type { ClusterNode, Logger } from '@stomping-ground/broker';
import type { ResolvedGameOptions } from '../../services/game/options';
import { Refusal } from '../../services/game/requests';
import type { Member, RoomHost } from '../../services/game/roles';
import { Room } from '../../services/game/room';
import { isSavedRoom, type SavedRoom } from '../../services/game/saved-room';
import type { GameKeys } from './keys';
import { RoomLeases } from './leases';
import type { RoomEntry, RoomRegistry } from './registry';
import type { RemoteSessions } from './remote-sessions';

/** A node with nobody in an ownerless room waits this long before taking it, leaving it to those with members. */
const ORPHAN_PATIENCE_MS = 1500;
export const UNAVAILABLE = 'game rooms are unavailable: the cluster cannot reach Redis; try again';

/** A room's state as its owner saves it: the room, the node each session in it is on, and the owner's token. */
interface PersistedRoom {
  readonly room: SavedRoom;
  readonly nodes: Readonly<Record<string, string>>;
  readonly token: number;
}

export interface RoomOwnershipOptions {
  readonly node: ClusterNode;
  readonly host: RoomHost;
  readonly options: ResolvedGameOptions;
  readonly logger: Logger;
  readonly keys: GameKeys;
  readonly registry: RoomRegistry;
  readonly sessions: RemoteSessions;
  /** Asks a member's node whether the member is still there (`check`). */
  readonly ask: (member: Member) => void;
}

export class RoomOwnership {
  private readonly node: ClusterNode;
  private readonly host: RoomHost;
  private readonly options: ResolvedGameOptions;
  private readonly logger: Logger;
  private readonly registry: RoomRegistry;
  private readonly sessions: RemoteSessions;
  private readonly ask: (member: Member) => void;
  private readonly leases: RoomLeases;
  /** Rooms seen without a holder, and since when. */
  private orphans = new Map<string, number>();
  /** Rooms being taken over by this node now. */
  private readonly taking = new Set<string>();
  /** Rooms with changes not saved yet. */
  private readonly dirty = new Set<string>();
  /** Rooms closed while Redis was away, with the token to forget them under. */
  private readonly unclosed = new Map<string, number>();
  /** Rooms played on here without their lease, with the token last held. */
  private readonly detached = new Map<string, number>();
  /** The registry entry last written for each room run here. */
  private readonly written = new Map<string, string>();
  private flushScheduled = false;
  private reattaching: Promise<void> | undefined;
  private stopped = false;

  constructor(options: RoomOwnershipOptions) {
    this.node = options.node;
    this.host = options.host;
    this.options = options.options;
    this.logger = options.logger;
    this.registry = options.registry;
    this.sessions = options.sessions;
    this.ask = options.ask;
    this.leases = new RoomLeases(options.node, options.keys, (roomId, token) => this.lost(roomId, token));
  }

  /** A room's registry entry: its summary, this node as owner, and the lease's token. */
  entryOf(room: Room): RoomEntry {
    return { ...room.summary(), owner: this.node.id, token: this.leases.token(room.id) };
  }

  /** Opens a room on this node for a join, or says why not. */
  async openRoom(): Promise<Room | string> {
    try {
      const roomId = await this.registry.nextRoomId();
      if (!(await this.leases.acquire(roomId))) return UNAVAILABLE;
      const room = new Room(roomId, this.options, randomBytes(4).readUInt32BE(0));
      if (!(await this.registry.add(this.entryOf(room), this.options.maxRooms))) {
        await this.registry.close(roomId, this.leases.token(roomId)).catch(() => false);
        await this.leases.release(roomId);
        return Refusal.ALL_FULL;
      }
      this.host.adopt(room, new Map());
      // Saved at once, so that a node taking over never finds a room without a state.
      await this.save(room);
      this.logger.info({ roomId }, 'room opened');
      return room;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not open a room');
      return UNAVAILABLE;
    }
  }

  /** A room run here changed (seats, spectators): saved soon, not on the next round. */
  roomChanged(roomId: string): void {
    this.dirty.add(roomId);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const members = this.host.members();
      for (const id of this.dirty) {
        const room = this.host.rooms.get(id);
        if (room !== undefined) void this.save(room, members);
      }
      this.dirty.clear();
    });
  }

  /** A room run here closed: forgotten in Redis, its lease handed back. */
  roomClosed(room: Room): void {
    this.written.delete(room.id);
    this.dirty.delete(room.id);
    // A detached room is forgotten once its lease is claimed back (see `reattachRoom`).
    if (this.detached.has(room.id)) return;
    const token = this.leases.token(room.id);
    if (token === 0) return;
    void this.forget(room.id, token);
  }

  /** Once a second, with Redis up: claims, saves, checks on members, and looks for ownerless rooms. */
  async maintain(askMembers: boolean): Promise<void> {
    await this.reattach();
    const members = this.host.members();
    await Promise.all([...this.host.rooms.values()].map((room) => this.save(room, members)));
    for (const [roomId, token] of [...this.unclosed]) await this.forget(roomId, token);
    await this.checkMemberNodes(members);
    if (askMembers) for (const member of members) if (member.node !== this.node.id) this.ask(member);
    await this.adoptOrphans();
  }

  /** Saves every room run here one last time and hands the leases back, for other nodes to take at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.node.isUp) {
      const members = this.host.members();
      await Promise.all([...this.host.rooms.values()].map((room) => this.save(room, members)));
    }
    await this.leases.releaseAll();
  }

  /** Takes over a room nobody holds: its lease, then its saved state. */
  async takeOver(roomId: string): Promise<void> {
    if (this.stopped || this.host.rooms.has(roomId) || this.taking.has(roomId)) return;
    this.taking.add(roomId);
    const started = performance.now();
    const previousOwner = this.registry.get(roomId)?.owner;
    try {
      if (!(await this.leases.acquire(roomId))) return;
      const persisted = parsePersisted(await this.leases.load(roomId));
      if (persisted === undefined) {
        this.logger.warn({ roomId }, 'a room without an owner had no saved state: forgotten');
        await this.forget(roomId, this.leases.token(roomId));
        return;
      }
      await this.restore(roomId, persisted, started, previousOwner);
    } catch (error) {
      this.logger.warn({ err: error, roomId }, 'taking a room over failed; handing it back');
      if (!this.host.rooms.has(roomId)) await this.leases.release(roomId);
    } finally {
      this.taking.delete(roomId);
    }
  }

  // ── Saving ─────────────────────────────────────────────────────────────────────────────────────

  /** Saves a room run here (fenced: nothing is written once the lease has moved on), and its entry when it changed. */
  private async save(room: Room, members: readonly Member[] = this.host.members()): Promise<void> {
    const token = this.leases.token(room.id);
    if (token === 0) return;
    const nodes: Record<string, string> = {};
    for (const member of members) if (member.roomId === room.id) nodes[member.sessionId] = member.node;
    const persisted: PersistedRoom = { room: room.save(performance.now()), nodes, token };
    try {
      // Not saved: the lease moved on, and `lost` sees to the room.
      if (!(await this.leases.save(room.id, JSON.stringify(persisted)))) return;
      const entry = this.entryOf(room);
      const json = JSON.stringify(entry);
      if (this.written.get(room.id) !== json && (await this.registry.put(entry))) {
        this.written.set(room.id, json);
      }
    } catch {
      this.node.countDrop('game-state');
    }
  }

  private async forget(roomId: string, token: number): Promise<void> {
    try {
      await this.registry.close(roomId, token);
      this.unclosed.delete(roomId);
      await this.leases.release(roomId);
    } catch {
      // Kept (and the lease with it, so nobody takes the room over) until Redis answers again.
      this.unclosed.set(roomId, token);
    }
  }

  // ── Losing a lease, and claiming it back ───────────────────────────────────────────────────────

  private lost(roomId: string, token: number): void {
    this.written.delete(roomId);
    if (!this.host.rooms.has(roomId)) return;
    this.detached.set(roomId, token);
    if (this.node.isUp) void this.reattach();
    else this.logger.warn({ roomId }, 'Redis is out of reach: a room plays on here without its lease');
  }

  /** Stops running a room here; its sessions here follow it to its next owner. */
  private dropRoom(roomId: string): void {
    for (const member of this.host.drop(roomId)) {
      if (member.node === this.node.id) this.sessions.set(member.sessionId, roomId, member.login);
    }
  }

  /** Claims back the rooms that play on here without their lease; one pass at a time. */
  private reattach(): Promise<void> {
    this.reattaching ??= this.reattachAll().finally(() => {
      this.reattaching = undefined;
    });
    return this.reattaching;
  }

  private async reattachAll(): Promise<void> {
    for (const [roomId, token] of [...this.detached]) {
      try {
        await this.reattachRoom(roomId, token);
      } catch {
        // Redis went away again: the next pass tries again, unless the lease was claimed already.
        if (this.leases.token(roomId) === 0) this.detached.set(roomId, token);
      }
    }
  }

  private async reattachRoom(roomId: string, token: number): Promise<void> {
    this.detached.delete(roomId);
    if (!(await this.leases.acquire(roomId))) {
      const holder = await this.leases.holder(roomId);
      if (holder === null || holder === this.node.id) throw new Error('the lease could not be claimed yet');
      this.dropRoom(roomId);
      this.logger.warn(
        { roomId, holder },
        'a detached room is run by another node: its players follow it there',
      );
      return;
    }
    const persisted = parsePersisted(await this.leases.load(roomId));
    const room = this.host.rooms.get(roomId);
    if (persisted !== undefined && persisted.token > token) {
      // Another node ran the room meanwhile, and saved it: its version wins.
      this.dropRoom(roomId);
      await this.restore(roomId, persisted, performance.now(), undefined);
    } else if (room === undefined) {
      // Closed while detached.
      await this.forget(roomId, this.leases.token(roomId));
    } else {
      await this.save(room);
      this.logger.info({ roomId }, 'claimed a detached room back');
    }
  }

  // ── Taking over ────────────────────────────────────────────────────────────────────────────────

  /** Runs a room from its saved state, this node holding its lease. */
  private async restore(
    roomId: string,
    persisted: PersistedRoom,
    started: number,
    previousOwner: string | undefined,
  ): Promise<void> {
    const room = Room.restore(persisted.room, this.options, performance.now());
    this.host.adopt(room, await this.liveSessions(room, persisted.nodes));
    const members = this.host.members().filter((member) => member.roomId === roomId);
    for (const member of members) {
      // This node's own sessions are in a room run here now; the others' nodes are asked to confirm
      // them, or say they closed or moved on meanwhile.
      if (member.node === this.node.id) this.sessions.delete(member.sessionId);
      else this.ask(member);
    }
    await this.save(room);
    this.logger.info(
      {
        roomId,
        previousOwner,
        tookMs: Math.round(performance.now() - started),
        savedMsAgo: Date.now() - persisted.room.savedAt,
      },
      'room taken over',
    );
  }

  /**
   * The sessions of a restored room that are still connected, and their nodes: those on live nodes,
   * and this node's own that are still open. The other seats are marked away, spectators dropped.
   */
  private async liveSessions(
    room: Room,
    saved: Readonly<Record<string, string>>,
  ): Promise<Map<string, string>> {
    const others = new Set(Object.values(saved));
    others.delete(this.node.id);
    const alive = new Set<string>();
    await Promise.all(
      [...others].map(async (node) => {
        if (await this.node.isAlive(node)) alive.add(node);
      }),
    );
    const isLive = (sessionId: string): boolean => {
      const node = saved[sessionId];
      if (node === this.node.id) return this.sessions.isIn(sessionId, room.id);
      return node !== undefined && alive.has(node);
    };
    const now = performance.now();
    const live = new Map<string, string>();
    for (const seat of room.humanSeats()) {
      if (seat.sessionId === undefined) continue;
      if (isLive(seat.sessionId)) live.set(seat.sessionId, saved[seat.sessionId]!);
      else room.markAway(seat, now);
    }
    for (const watcher of room.watchers()) {
      if (isLive(watcher.sessionId)) live.set(watcher.sessionId, saved[watcher.sessionId]!);
      else room.removeSpectator(watcher.sessionId);
    }
    return live;
  }

  /** Players whose node died never send `closed`: their seats are marked away here. */
  private async checkMemberNodes(members: readonly Member[]): Promise<void> {
    const nodes = [...new Set(members.map((member) => member.node))].filter((node) => node !== this.node.id);
    // Asked together: one round trip, however many nodes the members are on.
    const alive = await Promise.all(nodes.map((node) => this.node.isAlive(node)));
    for (const [i, node] of nodes.entries()) {
      if (alive[i]) continue;
      this.logger.info({ node }, 'a node with people in rooms here is gone: their seats wait for a resume');
      for (const member of members) {
        if (member.node === node && this.host.roomOf(member.sessionId)?.id === member.roomId) {
          this.host.sessionClosed(member.sessionId);
        }
      }
    }
  }

  /**
   * Rooms whose lease nobody holds. A node with members in one takes it over at once if its owner
   * is dead; otherwise (the owner may be claiming it back after a Redis outage), and for nodes
   * without members, after a moment.
   */
  private async adoptOrphans(): Promise<void> {
    const entries = await this.registry.list();
    const elsewhere = entries.filter((entry) => !this.host.rooms.has(entry.roomId));
    const unheld = new Set(await this.registry.unheld(elsewhere.map((entry) => entry.roomId)));
    const withMembers = this.sessions.rooms();
    const alive = new Map<string, Promise<boolean>>();
    const now = Date.now();
    const orphans = new Map<string, number>();
    for (const { roomId, owner } of elsewhere) {
      if (!unheld.has(roomId)) continue;
      const since = this.orphans.get(roomId) ?? now;
      orphans.set(roomId, since);
      if (now - since >= ORPHAN_PATIENCE_MS) {
        void this.takeOver(roomId);
        continue;
      }
      if (!withMembers.has(roomId)) continue;
      if (!alive.has(owner)) alive.set(owner, this.node.isAlive(owner));
      if (!(await alive.get(owner))) void this.takeOver(roomId);
    }
    this.orphans = orphans;
  }
}

function parsePersisted(json: string | null): PersistedRoom | undefined {
  if (json === null) return undefined;
  try {
    const value = JSON.parse(json) as Partial<PersistedRoom>;
    if (!isSavedRoom(value.room) || typeof value.nodes !== 'object' || value.nodes === null) return undefined;
    if (typeof value.token !== 'number') return undefined;
    return value as PersistedRoom;
  } catch {
    return undefined;
  }
}
