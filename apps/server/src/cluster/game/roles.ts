/**
 * Game rooms in a cluster (`GameRoles`, `services/game/roles.ts`): where each request goes. Every room runs on one node, its owner, which
 * holds the room's lease and its entry in the registry (`ownership.ts`, `registry.ts`); the other
 * nodes pass requests on to it.
 *
 * - **Requests.** A SEND to `/app/game/…` reaches whichever node the client is connected to. Joins,
 *   resumes and leaves for a room run elsewhere go to its owner on the owner's channel
 *   (`messages.ts`); the SEND's RECEIPT waits until they are handed to Redis, and a `BrokerError`
 *   (`STOMP_ERR_UNAVAILABLE`) says when Redis is away. The owner answers through
 *   `broker.sendToUser`, which the cluster bus carries to the client's node. A join that names no
 *   room goes to the fullest room with a free seat in the whole cluster, or opens one here.
 * - **Where sessions are.** The owner tells a session's node when the session enters or leaves one
 *   of its rooms (`remote-sessions.ts`), so that node passes its inputs on at once, without a Redis
 *   read, and tells the owner when its connection closes. Owners ask now and then whether their
 *   members are still there: a node restarted under the same id looks alive but lost its sessions.
 * - **A room between owners.** A request for a room whose owner just died waits for a node to take
 *   the room over (this one tries too) rather than fail: a player whose node died reconnects
 *   anywhere and resumes at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerError, BrokerErrorCode, type ClusterNode, type Logger } from '@stomping-ground/broker';
import type { GameEvent, JoinRequest, RoomSummary } from '@stomping-ground/protocol';
import type { ResolvedGameOptions } from '../../services/game/options';
import { inputRoomId, parseJoinRequest, parseResumeRequest, Refusal } from '../../services/game/requests';
import type { GameRoles, GameRolesFactory, RoomHost } from '../../services/game/roles';
import type { Room } from '../../services/game/room';
import { GameKeys } from './keys';
import { decodeGameMessage, encodeGameMessage, type GameMessage, GameMessageKind } from './messages';
import { RoomOwnership, UNAVAILABLE } from './ownership';
import { type RoomEntry, RoomRegistry } from './registry';
import { RemoteSessions } from './remote-sessions';

/** How often owners save their rooms and every node refreshes the registry and looks for ownerless rooms. */
const MAINTENANCE_MS = 1000;
/** Every this many rounds of maintenance, owners ask the nodes of their members whether those are still there. */
const CHECK_EVERY_ROUNDS = 5;
/** How long a request for a room whose owner just died waits for another node to take the room over. */
const HANDOVER_WAIT_MS = 8000;
const HANDOVER_POLL_MS = 200;
const EMPTY = new Uint8Array(0);

/** What became of a request for a given room: passed to its owner, to be handled here, no such room, or nobody to run it yet. */
type Delivery = 'sent' | 'here' | 'gone' | 'ownerless';

export class RedisGameRoles implements GameRoles {
  private readonly node: ClusterNode;
  private readonly host: RoomHost;
  private readonly logger: Logger;
  private readonly keys: GameKeys;
  private readonly registry: RoomRegistry;
  private readonly sessions = new RemoteSessions();
  private readonly ownership: RoomOwnership;
  private maintaining = false;
  private rounds = 0;
  private stopped = true;
  private timer: ReturnType<typeof setInterval> | undefined;
  private unsubscribe: (() => void) | undefined;

  /** A `GameRolesFactory` for a node of the cluster. */
  static factory(node: ClusterNode, logger: Logger): GameRolesFactory {
    return (host, options) => new RedisGameRoles(node, host, options, logger);
  }

  constructor(node: ClusterNode, host: RoomHost, options: ResolvedGameOptions, logger: Logger) {
    this.node = node;
    this.host = host;
    this.logger = logger;
    this.keys = new GameKeys(node);
    this.registry = new RoomRegistry(node, this.keys, logger);
    this.ownership = new RoomOwnership({
      node,
      host,
      options,
      logger,
      keys: this.keys,
      registry: this.registry,
      sessions: this.sessions,
      ask: ({ node: memberNode, login, sessionId, roomId }) =>
        this.tell(memberNode, this.message(GameMessageKind.CHECK, login, sessionId, roomId)),
    });
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    // The node's channel and the registry's are subscribed to together: one wait for Redis, not two.
    const [unsubscribe] = await Promise.all([
      this.node.subscribe(this.keys.nodeChannel(this.node.id), (payload) => this.heard(payload)),
      this.registry.start(),
    ]);
    this.unsubscribe = unsubscribe;
    this.timer = setInterval(() => void this.maintain(), MAINTENANCE_MS);
    this.timer.unref();
  }

  /**
   * Hands this node's rooms over: no more requests from other nodes, the local players marked away
   * (their connections are closing), the rooms saved one last time and their leases released, so
   * other nodes take them over at their next look rather than after the expiry.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    for (const member of this.host.members()) {
      if (member.node === this.node.id) this.host.sessionClosed(member.sessionId);
    }
    await this.ownership.stop();
    this.registry.stop();
  }

  // ── Requests from this node's sessions ─────────────────────────────────────────────────────────

  async join(body: Uint8Array, login: string, sessionId: string): Promise<void> {
    const request = parseJoinRequest(body);
    if (request === undefined) {
      this.reject(login, sessionId, Refusal.JOIN_SHAPE);
      return;
    }
    if (request.roomId !== undefined) {
      await this.leaveElsewhere(login, sessionId, await this.ownerOf(request.roomId));
      const delivery = await this.deliver(request.roomId, GameMessageKind.JOIN, login, sessionId, body);
      if (delivery === 'here') await this.host.join(request, login, sessionId, this.node.id);
      else if (delivery === 'gone') this.reject(login, sessionId, `there is no room ${request.roomId}`);
      else if (delivery === 'ownerless') this.reject(login, sessionId, ownerless(request.roomId));
      return;
    }
    // No room named: the fullest with a free seat anywhere (or the busiest, to watch). An owner that
    // died since the registry was read is skipped on the next try.
    const skipped = new Set<string>();
    for (let attempt = 0; attempt < 3; attempt++) {
      const target = await this.pick(request.spectate === true, skipped);
      if (target === undefined && request.spectate === true) {
        this.reject(login, sessionId, 'no room is open');
        return;
      }
      const owner = target?.owner ?? this.node.id;
      await this.leaveElsewhere(login, sessionId, owner);
      if (owner === this.node.id) {
        await this.joinHere(request, login, sessionId, owner, target?.roomId);
        return;
      }
      const message = this.message(GameMessageKind.JOIN, login, sessionId, target!.roomId, body);
      if (await this.request(owner, message)) return;
      skipped.add(owner);
    }
    this.reject(login, sessionId, 'the rooms are changing hands; join again');
  }

  async resume(body: Uint8Array, login: string, sessionId: string): Promise<void> {
    const request = parseResumeRequest(body);
    if (request === undefined) {
      this.reject(login, sessionId, Refusal.RESUME_SHAPE);
      return;
    }
    const delivery = await this.deliver(request.roomId, GameMessageKind.RESUME, login, sessionId, body);
    if (delivery === 'here') this.host.resume(request, login, sessionId, this.node.id);
    else if (delivery === 'gone') this.reject(login, sessionId, Refusal.NO_SEAT);
    else if (delivery === 'ownerless') this.reject(login, sessionId, ownerless(request.roomId));
  }

  async leave(login: string, sessionId: string): Promise<void> {
    if (this.host.roomOf(sessionId) !== undefined) {
      this.host.leave(login, sessionId);
      return;
    }
    const remote = this.sessions.get(sessionId);
    if (remote === undefined) {
      this.reject(login, sessionId, Refusal.NOT_IN_A_ROOM);
      return;
    }
    this.sessions.delete(sessionId);
    const delivery = await this.deliver(remote.roomId, GameMessageKind.LEAVE, login, sessionId, EMPTY);
    if (delivery === 'here') this.host.leave(login, sessionId);
    // Nobody runs the room: out of it all the same.
    else if (delivery !== 'sent') this.host.send(login, sessionId, { type: 'left', roomId: remote.roomId });
  }

  /**
   * Hot path. An input for a room run elsewhere is passed on if the owner said the session is in
   * that room; anything else is the local service's to count and drop. A lost one is counted, never
   * retried: the next comes a tick later.
   */
  input(destination: string, body: Uint8Array, sessionId: string): void {
    const roomId = inputRoomId(destination);
    if (roomId === undefined || this.host.rooms.has(roomId) || !this.sessions.isIn(sessionId, roomId)) {
      this.host.input(roomId, body, sessionId);
      return;
    }
    const owner = this.registry.get(roomId)?.owner;
    if (owner === undefined || owner === this.node.id) {
      this.node.countDrop('game-input');
      return;
    }
    const message = this.message(GameMessageKind.INPUT, '', sessionId, roomId, body);
    void this.node
      .publish(this.keys.nodeChannel(owner), encodeGameMessage(message), 'game-input')
      .then((receivers) => {
        // -1 (Redis away) is counted by the node; 0: the owner is gone and nobody took the room yet.
        if (receivers === 0) this.node.countDrop('game-input');
      });
  }

  sessionClosed(login: string, sessionId: string): void {
    const remote = this.sessions.get(sessionId);
    this.sessions.closed(sessionId);
    if (this.host.roomOf(sessionId) !== undefined) this.host.sessionClosed(sessionId);
    if (remote === undefined) return;
    // If the owner is gone, whoever takes the room over asks about its members and hears this one is closed.
    const owner = this.registry.get(remote.roomId)?.owner;
    if (owner !== undefined && owner !== this.node.id) {
      this.tell(owner, this.message(GameMessageKind.CLOSED, login, sessionId, remote.roomId));
    }
  }

  // ── Called by the game service about the rooms run here ────────────────────────────────────────

  openRoom(): Promise<Room | string> {
    return this.ownership.openRoom();
  }

  roomChanged(roomId: string): void {
    this.ownership.roomChanged(roomId);
  }

  roomClosed(room: Room): void {
    this.ownership.roomClosed(room);
  }

  /** A session is now in a room run here. */
  entered(sessionId: string, login: string, node: string, roomId: string): void {
    if (node !== this.node.id) {
      this.tell(node, this.message(GameMessageKind.ENTERED, login, sessionId, roomId));
      return;
    }
    const previous = this.sessions.get(sessionId);
    if (previous !== undefined) {
      this.sessions.delete(sessionId);
      if (previous.roomId !== roomId) this.movedOn(login, sessionId, previous.roomId, this.node.id);
    }
    // Closed while its request was on its way: the seat waits for a resume like any other.
    if (this.sessions.hasClosed(sessionId)) {
      queueMicrotask(() => {
        if (this.host.roomOf(sessionId)?.id === roomId) this.host.sessionClosed(sessionId);
      });
    }
  }

  /** A session of another node is no longer in a room run here. */
  exited(sessionId: string, node: string, roomId: string): void {
    if (node !== this.node.id) this.tell(node, this.message(GameMessageKind.EXITED, '', sessionId, roomId));
  }

  /** Every room of the cluster: those run here as they are now, the others as last heard. */
  roomList(): RoomSummary[] {
    const rooms = new Map<string, RoomSummary>();
    for (const { roomId, players, bots, spectators, capacity } of this.registry.entries()) {
      rooms.set(roomId, { roomId, players, bots, spectators, capacity });
    }
    for (const summary of this.host.summaries()) rooms.set(summary.roomId, summary);
    return [...rooms.values()].sort((a, b) => compareRoomIds(a.roomId, b.roomId));
  }

  // ── Messages from other nodes ──────────────────────────────────────────────────────────────────

  private heard(payload: Buffer): void {
    if (this.stopped) return;
    const message = decodeGameMessage(payload);
    if (message === undefined) {
      this.node.countDrop('malformed');
      return;
    }
    const { from, login, sessionId, roomId, body } = message;
    switch (message.kind) {
      case GameMessageKind.JOIN: {
        const request = parseJoinRequest(body);
        if (request === undefined) this.reject(login, sessionId, Refusal.JOIN_SHAPE);
        else void this.settle(this.joinHere(request, login, sessionId, from, roomId || undefined));
        break;
      }
      case GameMessageKind.RESUME: {
        const request = parseResumeRequest(body);
        if (request === undefined) this.reject(login, sessionId, Refusal.RESUME_SHAPE);
        else this.host.resume(request, login, sessionId, from);
        break;
      }
      case GameMessageKind.LEAVE:
        this.host.leave(login, sessionId);
        break;
      case GameMessageKind.MOVED:
        if (this.host.roomOf(sessionId)?.id === roomId) this.host.leaveRoom(login, sessionId);
        break;
      case GameMessageKind.INPUT:
        this.host.input(roomId, body, sessionId);
        break;
      case GameMessageKind.CLOSED:
        if (this.host.roomOf(sessionId) !== undefined) this.host.sessionClosed(sessionId);
        break;
      case GameMessageKind.ENTERED:
        this.enteredElsewhere(from, login, sessionId, roomId);
        break;
      case GameMessageKind.EXITED:
        if (this.sessions.isIn(sessionId, roomId)) this.sessions.delete(sessionId);
        break;
      case GameMessageKind.CHECK:
        this.answerCheck(from, login, sessionId, roomId);
        break;
    }
  }

  /**
   * The owner `from` asks whether a session of this node is still in its room. Closed, or unknown
   * here (this node restarted, or the session left while the room had no owner): its seat should
   * wait for a resume. In another room now: it should go.
   */
  private answerCheck(from: string, login: string, sessionId: string, roomId: string): void {
    const remote = this.sessions.get(sessionId);
    if (remote?.roomId === roomId) return;
    const elsewhere = remote !== undefined || this.host.roomOf(sessionId) !== undefined;
    const kind =
      elsewhere && !this.sessions.hasClosed(sessionId) ? GameMessageKind.MOVED : GameMessageKind.CLOSED;
    this.tell(from, this.message(kind, login, sessionId, roomId));
  }

  /** The owner `from` seated a session of this node: out of any other room, and its inputs go there now. */
  private enteredElsewhere(from: string, login: string, sessionId: string, roomId: string): void {
    if (this.sessions.hasClosed(sessionId)) {
      this.tell(from, this.message(GameMessageKind.CLOSED, login, sessionId, roomId));
      return;
    }
    const local = this.host.roomOf(sessionId);
    if (local !== undefined && local.id !== roomId) this.host.leaveRoom(login, sessionId);
    const previous = this.sessions.get(sessionId);
    if (previous !== undefined && previous.roomId !== roomId) {
      this.movedOn(login, sessionId, previous.roomId, from);
    }
    this.sessions.set(sessionId, roomId, login);
  }

  /** The session is in another room now: out of `roomId`, unless its owner is `except` (which saw to it). */
  private movedOn(login: string, sessionId: string, roomId: string, except: string): void {
    const owner = this.registry.get(roomId)?.owner;
    if (owner === undefined || owner === except || owner === this.node.id) return;
    this.tell(owner, this.message(GameMessageKind.MOVED, login, sessionId, roomId));
  }

  /**
   * Seats a join here, from a session on `node`. `picked`: the room chosen in the whole cluster
   * for a join that named none. Taken out of its room first, as by any join, the session then gets
   * that room if it still has a seat (to watch: if it is still here), or else is seated as if it
   * had come here naming none (the fullest room here with a seat, or a new one).
   */
  private joinHere(
    request: JoinRequest,
    login: string,
    sessionId: string,
    node: string,
    picked: string | undefined,
  ): void | Promise<void> {
    if (request.roomId !== undefined || picked === undefined) {
      return this.host.join(request, login, sessionId, node);
    }
    this.host.leaveRoom(login, sessionId);
    const room = this.host.rooms.get(picked);
    if (request.spectate === true && room === undefined) {
      this.reject(login, sessionId, 'no room is open');
      return;
    }
    const takePicked = request.spectate === true || room?.hasFreeSeat === true;
    return this.host.join(takePicked ? { ...request, roomId: picked } : request, login, sessionId, node);
  }

  // ── Routing ────────────────────────────────────────────────────────────────────────────────────

  /** The room a join naming none goes to: the fullest with a free seat (to play) or the busiest (to watch), among rooms with a live owner. */
  private async pick(spectate: boolean, skipped: ReadonlySet<string>): Promise<RoomEntry | undefined> {
    const entries = await this.redis(() => this.registry.list());
    const elsewhere = entries.filter(
      (entry) => !this.host.rooms.has(entry.roomId) && !skipped.has(entry.owner),
    );
    const unheld = new Set(
      await this.redis(() => this.registry.unheld(elsewhere.map((entry) => entry.roomId))),
    );
    const here = [...this.host.rooms.values()].map((room) => this.ownership.entryOf(room));
    let best: RoomEntry | undefined;
    for (const entry of [...here, ...elsewhere.filter((entry) => !unheld.has(entry.roomId))]) {
      if (!spectate && entry.players >= entry.capacity) continue;
      if (best === undefined || entry.players > best.players) best = entry;
    }
    return best;
  }

  /** The node running a room, as the registry says now; undefined when there is no such room. */
  private async ownerOf(roomId: string): Promise<string | undefined> {
    if (this.host.rooms.has(roomId)) return this.node.id;
    return (await this.redis(() => this.registry.lookup(roomId)))?.owner;
  }

  /** Before a join: out of the room the session is in, unless the node seating it will see to that itself. */
  private async leaveElsewhere(login: string, sessionId: string, target: string | undefined): Promise<void> {
    if (target !== this.node.id && this.host.roomOf(sessionId) !== undefined)
      this.host.leaveRoom(login, sessionId);
    const remote = this.sessions.get(sessionId);
    if (remote === undefined) return;
    const owner = this.registry.get(remote.roomId)?.owner;
    if (owner === target) return;
    this.sessions.delete(sessionId);
    if (owner !== undefined && owner !== this.node.id) {
      await this.request(owner, this.message(GameMessageKind.MOVED, login, sessionId, remote.roomId));
    }
  }

  /**
   * Passes a request to the owner of `roomId`. When nobody runs the room right now (its owner
   * died and its lease has not run out yet), waits for a node to take it over, trying itself too:
   * it has someone who wants in.
   */
  private async deliver(
    roomId: string,
    kind: GameMessageKind,
    login: string,
    sessionId: string,
    body: Uint8Array,
  ): Promise<Delivery> {
    const deadline = Date.now() + HANDOVER_WAIT_MS;
    for (;;) {
      if (this.host.rooms.has(roomId)) return 'here';
      const entry = await this.redis(() => this.registry.lookup(roomId));
      if (entry === undefined) return 'gone';
      if (entry.owner !== this.node.id) {
        const message = this.message(kind, login, sessionId, roomId, body);
        if (await this.request(entry.owner, message)) return 'sent';
      }
      if (Date.now() >= deadline) return 'ownerless';
      await this.ownership.takeOver(roomId);
      if (!this.host.rooms.has(roomId)) await sleep(HANDOVER_POLL_MS);
    }
  }

  /** Publishes a request to a node: false when that node is gone; a `BrokerError` when Redis is. */
  private async request(node: string, message: GameMessage): Promise<boolean> {
    const receivers = await this.node.publish(
      this.keys.nodeChannel(node),
      encodeGameMessage(message),
      'game-request',
    );
    if (receivers < 0) throw new BrokerError(BrokerErrorCode.UNAVAILABLE, UNAVAILABLE);
    return receivers > 0;
  }

  /** Publishes a notice nobody waits for; a loss is counted by the node. */
  private tell(node: string, message: GameMessage): void {
    void this.node.publish(this.keys.nodeChannel(node), encodeGameMessage(message), 'game-notice');
  }

  private message(
    kind: GameMessageKind,
    login: string,
    sessionId: string,
    roomId: string,
    body: Uint8Array = EMPTY,
  ): GameMessage {
    return { kind, from: this.node.id, login, sessionId, roomId, body };
  }

  private reject(login: string, sessionId: string, reason: string): void {
    const event: GameEvent = { type: 'rejected', reason };
    this.host.send(login, sessionId, event);
  }

  /** A Redis read a request depends on: a `BrokerError` the client understands when Redis is away. */
  private async redis<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch {
      throw new BrokerError(BrokerErrorCode.UNAVAILABLE, UNAVAILABLE);
    }
  }

  private async settle(work: void | Promise<void>): Promise<void> {
    try {
      await work;
    } catch (error) {
      this.logger.warn({ err: error }, 'a request from another node failed');
    }
  }

  // ── Once a second ──────────────────────────────────────────────────────────────────────────────

  private async maintain(): Promise<void> {
    if (this.maintaining || this.stopped || !this.node.isUp) return;
    this.maintaining = true;
    try {
      await this.ownership.maintain(++this.rounds % CHECK_EVERY_ROUNDS === 0);
      this.sessions.forgetOld();
    } catch (error) {
      this.logger.debug({ err: error }, 'game cluster maintenance interrupted');
    } finally {
      this.maintaining = false;
    }
  }
}

function ownerless(roomId: string): string {
  return `room ${roomId} has no server right now (its own has just stopped); try again`;
}

/** `r2` before `r10`. */
function compareRoomIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
