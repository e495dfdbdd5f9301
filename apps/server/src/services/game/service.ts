/**
 * The game service: rooms on the broker, like Spring's `@MessageMapping` controllers.
 *
 *   /app/game/join                 JoinRequest   → joined | spectating | rejected  on /user/queue/game
 *   /app/game/resume               ResumeRequest → resumed | rejected
 *   /app/game/leave                (empty)       → left | rejected
 *   /app/game/rooms/{id}/input     PlayerInput, binary or JSON, about 30 a second; never answered
 *
 * Out: each player's snapshots on its own `/user/queue/game/rooms/{id}/players/{playerId}`, the
 * room's topics for spectators (binary and JSON), and the room list on `/topic/game/rooms`. A
 * subscriber to the room list or a room's topic gets the current value at once (snapshot on
 * subscribe), then updates.
 *
 * A session is in at most one room. When its connection drops, a player's seat is held for the
 * grace period (the player stands still, marked away) and `resume` with the seat's token takes it
 * back; a spectator simply goes. A room with no people left is closed.
 *
 * The service receives its cluster roles (`roles.ts`): every request goes through them, and they
 * hear of every room opened, changed or closed and of every session entering or leaving one. Alone
 * (`LocalGameRoles`) they hand everything straight back to the rooms here; in a cluster
 * (`src/cluster/game/`) each room runs on one node, requests arriving elsewhere are passed to it,
 * and this class runs the rooms this node owns, for sessions of any node. It never asks which.
 */
import { type Broker, type Logger, silentLogger } from '@stomping-ground/broker';
import {
  decodeInput,
  GameDestination,
  type GameEvent,
  type JoinRequest,
  type ResumeRequest,
  type RoomSummary,
} from '@stomping-ground/protocol';
import { InputRejection } from './inputs';
import { GameLoop } from './loop';
import { type GameOptions, type ResolvedGameOptions, resolveGameOptions } from './options';
import { displayName, Refusal } from './requests';
import { type GameRoles, type GameRolesFactory, LocalGameRoles, type Member, type RoomHost } from './roles';
import type { Room, RoomOutput } from './room';
import type { HumanSeat } from './seats';
import { TickTimes, type TickTimesSummary } from './tick-times';

/** A session in a room run here, and the node its connection is on (this one's for its own sessions). */
type Membership =
  | {
      readonly room: Room;
      readonly kind: 'player';
      readonly seat: HumanSeat;
      readonly node: string;
    }
  | {
      readonly room: Room;
      readonly kind: 'spectator';
      readonly login: string;
      readonly node: string;
    };

export interface GameStats {
  readonly rooms: readonly RoomSummary[];
  readonly inputs: {
    readonly accepted: number;
    readonly rejected: Readonly<Record<InputRejection, number>>;
  };
  /** How long the loop's ticks (every room together) took, over the last ones. */
  readonly ticks: TickTimesSummary;
  /**
   * Snapshot payload bytes the rooms produced since the start: each player's own, and the room
   * topics' (binary and JSON), a topic's counted once per publish whatever its readers.
   */
  readonly snapshotBytes: Readonly<Record<SnapshotKind, number>>;
}

/** The snapshots a room sends: a player's own, the room's binary topic, the room's JSON topic. */
export type SnapshotKind = 'player' | 'topic' | 'json';

const JSON_HEADERS: Array<[string, string]> = [['content-type', 'application/json']];
const INPUT_PREFIX = '/app/game/rooms/';
const TOPIC_PREFIX = '/topic/game/rooms/';
const TOPIC_DESTINATION = /^\/topic\/game\/rooms\/([^/]+)\/state(\.json)?$/;

export class GameService {
  private readonly broker: Broker;
  private readonly options: ResolvedGameOptions;
  private readonly logger: Logger;
  private readonly loop: GameLoop;
  private readonly rooms = new Map<string, Room>();
  private readonly memberships = new Map<string, Membership>();
  private readonly tickTimes = new TickTimes(1024);
  private readonly unregister: Array<() => void> = [];
  private readonly roles: GameRoles;
  private readonly snapshotBytes: Record<SnapshotKind, number> = { player: 0, topic: 0, json: 0 };
  /** The broker as the rooms see it: every byte they send is a snapshot, and is counted here. */
  private readonly roomOutput: RoomOutput = {
    publish: (destination, body, headers) => {
      this.snapshotBytes[destination.endsWith('.json') ? 'json' : 'topic'] += byteLength(body);
      this.broker.publish(destination, body, headers);
    },
    sendToUser: (login, destination, body) => {
      this.snapshotBytes.player += byteLength(body);
      this.broker.sendToUser(login, destination, body);
    },
    hasSubscribers: (topic) => this.broker.hasSubscribers(topic),
  };
  private roomsChanged = false;
  private accepted = 0;
  private readonly rejected: Record<InputRejection, number> = {
    malformed: 0,
    'not-playing': 0,
    flood: 0,
    'out-of-order': 0,
  };

  /**
   * Throws a `RangeError` naming the first option out of range. `roles`: builds the cluster roles
   * the service works with (default: a process on its own).
   */
  constructor(
    broker: Broker,
    options: GameOptions = {},
    logger: Logger = silentLogger,
    roles: GameRolesFactory = LocalGameRoles.factory(logger),
  ) {
    this.broker = broker;
    this.options = resolveGameOptions(options);
    this.logger = logger;
    this.loop = new GameLoop(this.options.tickRate, this.tick);
    this.roles = roles(this.host(), this.options);
  }

  /**
   * Registers the handlers and snapshots on the broker, starts the loop, then the roles (in a
   * cluster, resolves once this node listens for requests from the others).
   */
  async start(): Promise<void> {
    if (this.loop.running) return;
    const { broker, roles } = this;
    this.unregister.push(
      broker.registerAppHandler(GameDestination.join, (message, context) =>
        roles.join(message.body, context.login, context.sessionId),
      ),
      broker.registerAppHandler(GameDestination.resume, (message, context) =>
        roles.resume(message.body, context.login, context.sessionId),
      ),
      broker.registerAppHandler(GameDestination.leave, (_message, context) =>
        roles.leave(context.login, context.sessionId),
      ),
      broker.registerAppHandler(INPUT_PREFIX, (message) =>
        roles.input(message.destination, message.body, message.sessionId),
      ),
      broker.registerSnapshot(GameDestination.rooms, () => ({
        body: JSON.stringify(this.roomList()),
        headers: JSON_HEADERS,
      })),
      broker.registerSnapshot(TOPIC_PREFIX, ({ destination }) => this.topicSnapshot(destination)),
      broker.onSessionClosed(({ login, sessionId }) => roles.sessionClosed(login, sessionId)),
    );
    this.loop.start();
    this.logger.info({ ...this.options, onTick: undefined }, 'game rooms open');
    await this.roles.start();
  }

  /**
   * Stops the loop and unregisters everything. Rooms are dropped once the roles have stopped (in a
   * cluster they are first saved and handed over, for other nodes to carry on with).
   */
  async stop(): Promise<void> {
    this.loop.stop();
    for (const unregister of this.unregister.splice(0)) unregister();
    await this.roles.stop();
    this.rooms.clear();
    this.memberships.clear();
  }

  stats(): GameStats {
    return {
      rooms: this.roomList(),
      inputs: { accepted: this.accepted, rejected: { ...this.rejected } },
      ticks: this.tickTimes.summary(),
      snapshotBytes: { ...this.snapshotBytes },
    };
  }

  /** A room by id (tests and tools). */
  room(roomId: string): Room | undefined {
    return this.rooms.get(roomId);
  }

  // ── The loop ───────────────────────────────────────────────────────────────────────────────────

  private readonly tick = (): void => {
    const started = performance.now();
    const cpu = this.options.onTick === undefined ? undefined : process.cpuUsage();
    for (const room of [...this.rooms.values()]) {
      const expired = room.advance(started, this.roomOutput);
      if (expired.length > 0) {
        this.changed(room);
        this.closeIfEmpty(room);
      }
    }
    if (this.roomsChanged) {
      this.roomsChanged = false;
      this.broker.publish(GameDestination.rooms, JSON.stringify(this.roomList()), JSON_HEADERS);
    }
    const duration = performance.now() - started;
    this.tickTimes.add(duration);
    if (cpu !== undefined) {
      const used = process.cpuUsage(cpu);
      this.options.onTick?.({ wallMs: duration, cpuMs: (used.user + used.system) / 1000 });
    }
  };

  // ── Requests (from the roles: this node's sessions, or another node's) ─────────────────────────

  /** Asynchronous only when a room has to be opened for it and opening one is (in a cluster). */
  private joinRoom(
    request: JoinRequest,
    login: string,
    sessionId: string,
    node: string,
  ): void | Promise<void> {
    this.leaveRoom(login, sessionId);
    if (request.spectate === true) this.spectate(request, login, sessionId, node);
    else return this.play(request, login, sessionId, node);
  }

  private play(request: JoinRequest, login: string, sessionId: string, node: string): void | Promise<void> {
    const room = this.roomToPlay(request.roomId);
    if (typeof room === 'string') {
      this.reject(login, sessionId, room);
      return;
    }
    if (room !== undefined) {
      this.seatPlayer(room, request, login, sessionId, node);
      return;
    }
    const seatInNewRoom = (opened: Room | string): void => {
      if (typeof opened === 'string') {
        this.reject(login, sessionId, opened);
        return;
      }
      // Another request of the same session may have seated it while the room was opening.
      this.leaveRoom(login, sessionId);
      this.seatPlayer(opened, request, login, sessionId, node);
    };
    const opened = this.roles.openRoom();
    if (opened instanceof Promise) return opened.then(seatInNewRoom);
    seatInNewRoom(opened);
  }

  private seatPlayer(room: Room, request: JoinRequest, login: string, sessionId: string, node: string): void {
    const seat = room.addHuman(login, sessionId, displayName(request.name, login));
    this.setMembership(sessionId, { room, kind: 'player', seat, node });
    this.changed(room);
    this.send(login, sessionId, {
      type: 'joined',
      roomId: room.id,
      playerId: seat.playerId,
      resumeToken: seat.resumeToken,
      world: room.world,
    });
  }

  /** The room to seat a player in, why there is none, or undefined when none here has a seat: open one. */
  private roomToPlay(roomId: string | undefined): Room | string | undefined {
    if (roomId === undefined) return this.fullestOpenRoom();
    const room = this.rooms.get(roomId);
    if (room === undefined) return `there is no room ${roomId}`;
    return room.hasFreeSeat ? room : `room ${room.id} is full`;
  }

  private spectate(request: JoinRequest, login: string, sessionId: string, node: string): void {
    const named = request.roomId;
    const room = named === undefined ? this.busiestRoom() : this.rooms.get(named);
    if (room === undefined) {
      this.reject(login, sessionId, named === undefined ? 'no room is open' : `there is no room ${named}`);
      return;
    }
    room.addSpectator(login, sessionId);
    this.setMembership(sessionId, { room, kind: 'spectator', login, node });
    this.changed(room);
    this.send(login, sessionId, { type: 'spectating', roomId: room.id, world: room.world });
  }

  private resumeSeat(request: ResumeRequest, login: string, sessionId: string, node: string): void {
    const room = this.rooms.get(request.roomId);
    const held = room?.seatForToken(request.resumeToken);
    if (room === undefined || held === undefined) {
      this.reject(login, sessionId, Refusal.NO_SEAT);
      return;
    }
    const current = this.memberships.get(sessionId);
    if (!(current?.kind === 'player' && current.seat === held)) this.leaveRoom(login, sessionId);
    // A session still holding the seat (a connection whose drop the server has not seen yet) loses it.
    if (held.sessionId !== undefined && held.sessionId !== sessionId) this.removeMembership(held.sessionId);
    const seat = room.resume(request.resumeToken, login, sessionId)!;
    this.setMembership(sessionId, { room, kind: 'player', seat, node });
    this.changed(room);
    this.send(login, sessionId, {
      type: 'resumed',
      roomId: room.id,
      playerId: seat.playerId,
      world: room.world,
    });
  }

  private leave(login: string, sessionId: string): void {
    if (!this.leaveRoom(login, sessionId)) this.reject(login, sessionId, Refusal.NOT_IN_A_ROOM);
  }

  /** Takes the session out of its room, if any, and tells it. */
  private leaveRoom(login: string, sessionId: string): boolean {
    const membership = this.removeMembership(sessionId);
    if (membership === undefined) return false;
    const { room } = membership;
    if (membership.kind === 'player') room.removeHuman(membership.seat);
    else room.removeSpectator(sessionId);
    this.changed(room);
    this.send(login, sessionId, { type: 'left', roomId: room.id });
    this.closeIfEmpty(room);
    return true;
  }

  /**
   * Hot path: about 30 messages a second per player. Anything wrong is counted and dropped without
   * a word: an ERROR would end the session, and a reply would double the traffic.
   */
  private input(roomId: string | undefined, body: Uint8Array, sessionId: string): void {
    const membership = this.memberships.get(sessionId);
    if (membership?.kind !== 'player' || membership.room.id !== roomId) {
      this.rejected[InputRejection.NOT_PLAYING]++;
      return;
    }
    const input = decodeInput(body);
    if (input === undefined) {
      this.rejected[InputRejection.MALFORMED]++;
      return;
    }
    const rejection = membership.room.offerInput(membership.seat, input);
    if (rejection === undefined) this.accepted++;
    else this.rejected[rejection]++;
  }

  private sessionClosed(sessionId: string): void {
    const membership = this.memberships.get(sessionId);
    if (membership === undefined) return;
    // Not `removeMembership`: the session's own node is the one telling.
    this.memberships.delete(sessionId);
    if (membership.kind === 'spectator') membership.room.removeSpectator(sessionId);
    else membership.room.markAway(membership.seat, performance.now());
    this.changed(membership.room);
  }

  private setMembership(sessionId: string, membership: Membership): void {
    this.memberships.set(sessionId, membership);
    const login = membership.kind === 'player' ? membership.seat.login : membership.login;
    this.roles.entered(sessionId, login, membership.node, membership.room.id);
  }

  private removeMembership(sessionId: string): Membership | undefined {
    const membership = this.memberships.get(sessionId);
    if (membership === undefined) return undefined;
    this.memberships.delete(sessionId);
    this.roles.exited(sessionId, membership.node, membership.room.id);
    return membership;
  }

  private changed(room: Room): void {
    this.roomsChanged = true;
    this.roles.roomChanged(room.id);
  }

  // ── Rooms ──────────────────────────────────────────────────────────────────────────────────────

  /** The room with the most people that still has a seat: people play with people, not bots. */
  private fullestOpenRoom(): Room | undefined {
    let best: Room | undefined;
    for (const room of this.rooms.values()) {
      if (room.hasFreeSeat && (best === undefined || room.humanCount > best.humanCount)) best = room;
    }
    return best;
  }

  private busiestRoom(): Room | undefined {
    let best: Room | undefined;
    for (const room of this.rooms.values()) {
      if (best === undefined || room.humanCount > best.humanCount) best = room;
    }
    return best;
  }

  private closeIfEmpty(room: Room): void {
    if (room.humanCount > 0 || this.rooms.get(room.id) !== room) return;
    this.rooms.delete(room.id);
    for (const watcher of room.watchers()) {
      this.removeMembership(watcher.sessionId);
      this.send(watcher.login, watcher.sessionId, { type: 'left', roomId: room.id });
    }
    this.roomsChanged = true;
    this.roles.roomClosed(room);
    this.logger.info({ roomId: room.id }, 'room closed');
  }

  /** Every room there is, as the roles know them: this node's, and in a cluster the others' too. */
  private roomList(): RoomSummary[] {
    return this.roles.roomList();
  }

  private localSummaries(): RoomSummary[] {
    return [...this.rooms.values()].map((room) => room.summary());
  }

  private topicSnapshot(
    destination: string,
  ): { body: Uint8Array | string; headers?: Array<[string, string]> } | undefined {
    const match = TOPIC_DESTINATION.exec(destination);
    const room = match === null ? undefined : this.rooms.get(match[1]!);
    if (room === undefined) return undefined;
    if (match![2] === undefined) {
      const keyframe = room.latestKeyframe();
      return keyframe === undefined ? undefined : { body: keyframe };
    }
    const json = room.latestJson();
    return json === undefined ? undefined : { body: json, headers: JSON_HEADERS };
  }

  // ── For the roles ──────────────────────────────────────────────────────────────────────────────

  /** What the roles may do with the rooms run here (`roles.ts`). */
  private host(): RoomHost {
    return {
      rooms: this.rooms,
      roomOf: (sessionId) => this.memberships.get(sessionId)?.room,
      join: (request, login, sessionId, node) => this.joinRoom(request, login, sessionId, node),
      resume: (request, login, sessionId, node) => this.resumeSeat(request, login, sessionId, node),
      leave: (login, sessionId) => this.leave(login, sessionId),
      leaveRoom: (login, sessionId) => this.leaveRoom(login, sessionId),
      input: (roomId, body, sessionId) => this.input(roomId, body, sessionId),
      sessionClosed: (sessionId) => this.sessionClosed(sessionId),
      send: (login, sessionId, event) => this.send(login, sessionId, event),
      adopt: (room, nodes) => this.adopt(room, nodes),
      drop: (roomId) => this.drop(roomId),
      members: () => this.members(),
      summaries: () => this.localSummaries(),
    };
  }

  /**
   * Starts running a room opened or taken over by this node; `nodes`: where each session still in it
   * is. Their nodes are not told: they know already, and the roles ask them to confirm.
   */
  private adopt(room: Room, nodes: ReadonlyMap<string, string>): void {
    this.rooms.set(room.id, room);
    for (const seat of room.humanSeats()) {
      const node = seat.sessionId === undefined ? undefined : nodes.get(seat.sessionId);
      if (node !== undefined) this.memberships.set(seat.sessionId!, { room, kind: 'player', seat, node });
    }
    for (const { login, sessionId } of room.watchers()) {
      const node = nodes.get(sessionId);
      if (node !== undefined) this.memberships.set(sessionId, { room, kind: 'spectator', login, node });
    }
    this.changed(room);
  }

  /** Stops running a room whose lease this node lost, without a word to anyone: it goes on elsewhere. */
  private drop(roomId: string): Member[] {
    if (!this.rooms.delete(roomId)) return [];
    const members = this.members().filter((member) => member.roomId === roomId);
    for (const member of members) this.memberships.delete(member.sessionId);
    this.roomsChanged = true;
    return members;
  }

  private members(): Member[] {
    const members: Member[] = [];
    for (const [sessionId, membership] of this.memberships) {
      const login = membership.kind === 'player' ? membership.seat.login : membership.login;
      members.push({ roomId: membership.room.id, sessionId, login, node: membership.node });
    }
    return members;
  }

  // ── Events ─────────────────────────────────────────────────────────────────────────────────────

  private reject(login: string, sessionId: string, reason: string): void {
    this.send(login, sessionId, { type: 'rejected', reason });
  }

  /**
   * Events go to the login's `/user/queue/game`, which every session of that login may read; the
   * `session` header says which session's request this answers.
   */
  private send(login: string, sessionId: string, event: GameEvent): void {
    this.broker.sendToUser(login, GameDestination.events, JSON.stringify(event), [
      ...JSON_HEADERS,
      ['session', sessionId],
    ]);
  }
}

/** A body's size on the wire: bytes as they are, text as UTF-8. */
function byteLength(body: Uint8Array | string): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}
