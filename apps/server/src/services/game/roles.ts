/**
 * The game's cluster roles, as the service sees them: where the requests of this node's sessions
 * go, the registry of the rooms run here, and where sessions are. One seam, `GameRoles`, with a
 * local implementation here (a process on its own: every room is here, it is always the owner)
 * and a Redis one in `src/cluster/game/`. The plugin (`plugins/game.ts`) picks which; the service
 * never asks (as Colyseus's rooms never ask whether their `Presence` is local or Redis).
 *
 * The roles act on the rooms through the other side of the seam, `RoomHost`, which the service
 * implements: the rooms it runs, and the operations on them that requests from any node come
 * down to. Every session in a room has a node (the one its connection is on): alone, it is
 * always `LOCAL_NODE`.
 */
import { randomBytes } from 'node:crypto';
import { type Logger, silentLogger } from '@stomping-ground/broker';
import type { GameEvent, JoinRequest, ResumeRequest, RoomSummary } from '@stomping-ground/protocol';
import type { ResolvedGameOptions } from './options';
import { inputRoomId, parseJoinRequest, parseResumeRequest, Refusal } from './requests';
import { Room } from './room';

/** Someone in a room run here, and the node their connection is on. */
export interface Member {
  readonly roomId: string;
  readonly sessionId: string;
  readonly login: string;
  readonly node: string;
}

/** What the roles may do with the rooms run here: the service implements it. */
export interface RoomHost {
  /** The rooms this node runs. */
  readonly rooms: ReadonlyMap<string, Room>;
  /** The room run here that a session (of any node) is in. */
  roomOf(sessionId: string): Room | undefined;
  /**
   * A parsed join from a session on `node`: the room it names, or else the fullest here with a
   * seat, or a new one (`GameRoles.openRoom`). Asynchronous only when opening one is.
   */
  join(request: JoinRequest, login: string, sessionId: string, node: string): void | Promise<void>;
  resume(request: ResumeRequest, login: string, sessionId: string, node: string): void;
  /** Takes the session out of its room here, or answers "not in a room". */
  leave(login: string, sessionId: string): void;
  /** Takes the session out of its room here, if it is in one (it is told `left`); true if it was. */
  leaveRoom(login: string, sessionId: string): boolean;
  /** An input for `roomId` (undefined: its destination names no room), counted and dropped unless the session plays there. */
  input(roomId: string | undefined, body: Uint8Array, sessionId: string): void;
  /** The session's connection is gone: a player's seat waits for the grace period. */
  sessionClosed(sessionId: string): void;
  send(login: string, sessionId: string, event: GameEvent): void;
  /** Starts running a room, new or restored; `nodes`: the node of each session still in it. */
  adopt(room: Room, nodes: ReadonlyMap<string, string>): void;
  /** Stops running a room (its lease was lost); returns who was in it. */
  drop(roomId: string): Member[];
  /** Everyone in the rooms run here. */
  members(): Member[];
  /** The room list's summaries of the rooms run here. */
  summaries(): RoomSummary[];
}

/** Where the broker's game requests from this node's sessions go: to the rooms here, or to the node running theirs. */
export interface GameRequests {
  join(body: Uint8Array, login: string, sessionId: string): void | Promise<void>;
  resume(body: Uint8Array, login: string, sessionId: string): void | Promise<void>;
  leave(login: string, sessionId: string): void | Promise<void>;
  /** Hot path: about 30 a second per player. */
  input(destination: string, body: Uint8Array, sessionId: string): void;
  sessionClosed(login: string, sessionId: string): void;
}

/** The registry of rooms: the rooms run here as every node sees them. */
export interface RoomRegistryRole {
  /** Opens a room here for a join that found no seat, or says why not. */
  openRoom(): Room | string | Promise<Room | string>;
  /** A room run here changed (seats, spectators). */
  roomChanged(roomId: string): void;
  /** A room run here closed. */
  roomClosed(room: Room): void;
  /** Every room there is: those run here as they are now, any others as last heard. */
  roomList(): RoomSummary[];
}

/** Where sessions are: told when a session (of any node) enters or leaves a room run here. */
export interface SessionDirectory {
  entered(sessionId: string, login: string, node: string, roomId: string): void;
  exited(sessionId: string, node: string, roomId: string): void;
}

export interface GameRoles extends GameRequests, RoomRegistryRole, SessionDirectory {
  /** Begins taking part (in a cluster: resolves once this node listens for the others' requests). */
  start(): Promise<void>;
  /** Stops taking part (in a cluster: hands this node's rooms over first). */
  stop(): Promise<void>;
}

/** Builds the roles for a service, given its side of the seam and its options. */
export type GameRolesFactory = (host: RoomHost, options: ResolvedGameOptions) => GameRoles;

/** The node every session is on when the process runs on its own. */
export const LOCAL_NODE = 'local';

/**
 * A process on its own: every request goes straight to the rooms here, rooms are numbered here,
 * and nobody else needs telling anything.
 */
export class LocalGameRoles implements GameRoles {
  private readonly host: RoomHost;
  private readonly options: ResolvedGameOptions;
  private readonly logger: Logger;
  private roomsCreated = 0;

  constructor(host: RoomHost, options: ResolvedGameOptions, logger: Logger = silentLogger) {
    this.host = host;
    this.options = options;
    this.logger = logger;
  }

  /** A `GameRolesFactory` for a process on its own. */
  static factory(logger: Logger = silentLogger): GameRolesFactory {
    return (host, options) => new LocalGameRoles(host, options, logger);
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  // ── Requests ──

  join(body: Uint8Array, login: string, sessionId: string): void | Promise<void> {
    const request = parseJoinRequest(body);
    if (request === undefined) this.reject(login, sessionId, Refusal.JOIN_SHAPE);
    else return this.host.join(request, login, sessionId, LOCAL_NODE);
  }

  resume(body: Uint8Array, login: string, sessionId: string): void {
    const request = parseResumeRequest(body);
    if (request === undefined) this.reject(login, sessionId, Refusal.RESUME_SHAPE);
    else this.host.resume(request, login, sessionId, LOCAL_NODE);
  }

  leave(login: string, sessionId: string): void {
    this.host.leave(login, sessionId);
  }

  input(destination: string, body: Uint8Array, sessionId: string): void {
    this.host.input(inputRoomId(destination), body, sessionId);
  }

  sessionClosed(_login: string, sessionId: string): void {
    this.host.sessionClosed(sessionId);
  }

  // ── Registry: the rooms here are all there are ──

  openRoom(): Room | string {
    if (this.host.rooms.size >= this.options.maxRooms) return Refusal.ALL_FULL;
    const room = new Room(`r${++this.roomsCreated}`, this.options, randomBytes(4).readUInt32BE(0));
    this.host.adopt(room, new Map());
    this.logger.info({ roomId: room.id }, 'room opened');
    return room;
  }

  roomChanged(): void {}

  roomClosed(): void {}

  roomList(): RoomSummary[] {
    return this.host.summaries();
  }

  // ── Sessions: all of them are here ──

  entered(): void {}

  exited(): void {}

  private reject(login: string, sessionId: string, reason: string): void {
    this.host.send(login, sessionId, { type: 'rejected', reason });
  }
}
