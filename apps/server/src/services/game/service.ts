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
 */
import { randomBytes } from 'node:crypto';
import {
  decodeInput,
  GameDestination,
  type GameEvent,
  type JoinRequest,
  type RoomSummary,
} from '@stomping-ground/protocol';
import type { Broker } from '../../core/broker';
import { type Logger, silentLogger } from '../../core/logger';
import { InputRejection } from './inputs';
import { GameLoop } from './loop';
import { type GameOptions, type ResolvedGameOptions, resolveGameOptions } from './options';
import { displayName, parseJoinRequest, parseResumeRequest } from './requests';
import { Room } from './room';
import type { HumanSeat } from './seats';
import { TickTimes, type TickTimesSummary } from './tick-times';

type Membership =
  | { readonly room: Room; readonly kind: 'player'; readonly seat: HumanSeat }
  | { readonly room: Room; readonly kind: 'spectator' };

export interface GameStats {
  readonly rooms: readonly RoomSummary[];
  readonly inputs: {
    readonly accepted: number;
    readonly rejected: Readonly<Record<InputRejection, number>>;
  };
  /** How long the loop's ticks (every room together) took, over the last ones. */
  readonly ticks: TickTimesSummary;
}

const JSON_HEADERS: Array<[string, string]> = [['content-type', 'application/json']];
const INPUT_PREFIX = '/app/game/rooms/';
const INPUT_DESTINATION = /^\/app\/game\/rooms\/([^/]+)\/input$/;
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
  private roomsCreated = 0;
  private roomsChanged = false;
  private accepted = 0;
  private readonly rejected: Record<InputRejection, number> = {
    malformed: 0,
    'not-playing': 0,
    flood: 0,
    'out-of-order': 0,
  };

  /** Throws a `RangeError` naming the first option out of range. */
  constructor(broker: Broker, options: GameOptions = {}, logger: Logger = silentLogger) {
    this.broker = broker;
    this.options = resolveGameOptions(options);
    this.logger = logger;
    this.loop = new GameLoop(this.options.tickRate, this.tick);
  }

  /** Registers the handlers and snapshots on the broker and starts the loop. */
  start(): void {
    if (this.loop.running) return;
    const { broker } = this;
    this.unregister.push(
      broker.registerAppHandler(GameDestination.join, (message, context) =>
        this.join(message.body, context.login, context.sessionId),
      ),
      broker.registerAppHandler(GameDestination.resume, (message, context) =>
        this.resume(message.body, context.login, context.sessionId),
      ),
      broker.registerAppHandler(GameDestination.leave, (_message, context) =>
        this.leave(context.login, context.sessionId),
      ),
      broker.registerAppHandler(INPUT_PREFIX, (message) =>
        this.input(message.destination, message.body, message.sessionId),
      ),
      broker.registerSnapshot(GameDestination.rooms, () => ({
        body: JSON.stringify(this.roomList()),
        headers: JSON_HEADERS,
      })),
      broker.registerSnapshot(TOPIC_PREFIX, ({ destination }) => this.topicSnapshot(destination)),
      broker.onSessionClosed(({ sessionId }) => this.sessionClosed(sessionId)),
    );
    this.loop.start();
    this.logger.info({ ...this.options, onTick: undefined }, 'game rooms open');
  }

  /** Stops the loop and unregisters everything. Rooms are dropped. */
  stop(): void {
    this.loop.stop();
    for (const unregister of this.unregister.splice(0)) unregister();
    this.rooms.clear();
    this.memberships.clear();
  }

  stats(): GameStats {
    return {
      rooms: this.roomList(),
      inputs: { accepted: this.accepted, rejected: { ...this.rejected } },
      ticks: this.tickTimes.summary(),
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
      const expired = room.advance(started, this.broker);
      if (expired.length > 0) {
        this.roomsChanged = true;
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

  // ── Requests ───────────────────────────────────────────────────────────────────────────────────

  private join(body: Uint8Array, login: string, sessionId: string): void {
    const request = parseJoinRequest(body);
    if (request === undefined) {
      this.reject(login, sessionId, 'a join request is JSON: {"name"?, "roomId"?, "spectate"?}');
      return;
    }
    this.leaveRoom(login, sessionId);
    if (request.spectate === true) this.spectate(request, login, sessionId);
    else this.play(request, login, sessionId);
  }

  private play(request: JoinRequest, login: string, sessionId: string): void {
    const room = this.roomToPlay(request.roomId);
    if (typeof room === 'string') {
      this.reject(login, sessionId, room);
      return;
    }
    const seat = room.addHuman(login, sessionId, displayName(request.name, login));
    this.memberships.set(sessionId, { room, kind: 'player', seat });
    this.roomsChanged = true;
    this.send(login, sessionId, {
      type: 'joined',
      roomId: room.id,
      playerId: seat.playerId,
      resumeToken: seat.resumeToken,
      world: room.world,
    });
  }

  /** The room to seat a player in, or why there is none. */
  private roomToPlay(roomId: string | undefined): Room | string {
    if (roomId === undefined) return this.fullestOpenRoom() ?? this.openRoom() ?? 'every room is full';
    const room = this.rooms.get(roomId);
    if (room === undefined) return `there is no room ${roomId}`;
    return room.hasFreeSeat ? room : `room ${room.id} is full`;
  }

  private spectate(request: JoinRequest, login: string, sessionId: string): void {
    const room = request.roomId === undefined ? this.busiestRoom() : this.rooms.get(request.roomId);
    if (room === undefined) {
      const reason = request.roomId === undefined ? 'no room is open' : `there is no room ${request.roomId}`;
      this.reject(login, sessionId, reason);
      return;
    }
    room.addSpectator(login, sessionId);
    this.memberships.set(sessionId, { room, kind: 'spectator' });
    this.roomsChanged = true;
    this.send(login, sessionId, { type: 'spectating', roomId: room.id, world: room.world });
  }

  private resume(body: Uint8Array, login: string, sessionId: string): void {
    const request = parseResumeRequest(body);
    const room = request === undefined ? undefined : this.rooms.get(request.roomId);
    const held = request === undefined ? undefined : room?.seatForToken(request.resumeToken);
    if (request === undefined || room === undefined || held === undefined) {
      const reason =
        request === undefined
          ? 'a resume request is JSON: {"roomId", "resumeToken"}'
          : 'no seat to resume: it was given up, or its grace period is over';
      this.reject(login, sessionId, reason);
      return;
    }
    const current = this.memberships.get(sessionId);
    if (!(current?.kind === 'player' && current.seat === held)) this.leaveRoom(login, sessionId);
    // A session still holding the seat (a connection whose drop the server has not seen yet) loses it.
    if (held.sessionId !== undefined && held.sessionId !== sessionId) this.memberships.delete(held.sessionId);
    const seat = room.resume(request.resumeToken, login, sessionId)!;
    this.memberships.set(sessionId, { room, kind: 'player', seat });
    this.roomsChanged = true;
    this.send(login, sessionId, {
      type: 'resumed',
      roomId: room.id,
      playerId: seat.playerId,
      world: room.world,
    });
  }

  private leave(login: string, sessionId: string): void {
    if (!this.leaveRoom(login, sessionId)) this.reject(login, sessionId, 'not in a room');
  }

  /** Takes the session out of its room, if any, and tells it. */
  private leaveRoom(login: string, sessionId: string): boolean {
    const membership = this.memberships.get(sessionId);
    if (membership === undefined) return false;
    this.memberships.delete(sessionId);
    const { room } = membership;
    if (membership.kind === 'player') room.removeHuman(membership.seat);
    else room.removeSpectator(sessionId);
    this.roomsChanged = true;
    this.send(login, sessionId, { type: 'left', roomId: room.id });
    this.closeIfEmpty(room);
    return true;
  }

  /**
   * Hot path: about 30 messages a second per player. Anything wrong is counted and dropped without
   * a word: an ERROR would end the session, and a reply would double the traffic.
   */
  private input(destination: string, body: Uint8Array, sessionId: string): void {
    const membership = this.memberships.get(sessionId);
    const roomId = INPUT_DESTINATION.exec(destination)?.[1];
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
    this.memberships.delete(sessionId);
    if (membership.kind === 'spectator') membership.room.removeSpectator(sessionId);
    else membership.room.markAway(membership.seat, performance.now());
    this.roomsChanged = true;
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

  private openRoom(): Room | undefined {
    if (this.rooms.size >= this.options.maxRooms) return undefined;
    const room = new Room(`r${++this.roomsCreated}`, this.options, randomBytes(4).readUInt32BE(0));
    this.rooms.set(room.id, room);
    this.logger.info({ roomId: room.id }, 'room opened');
    return room;
  }

  private closeIfEmpty(room: Room): void {
    if (room.humanCount > 0 || this.rooms.get(room.id) !== room) return;
    this.rooms.delete(room.id);
    for (const watcher of room.watchers()) {
      this.memberships.delete(watcher.sessionId);
      this.send(watcher.login, watcher.sessionId, { type: 'left', roomId: room.id });
    }
    this.roomsChanged = true;
    this.logger.info({ roomId: room.id }, 'room closed');
  }

  private roomList(): RoomSummary[] {
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
