/**
 * What the cluster layer needs of the game service: the rooms this node runs, and the operations
 * on them that requests from any node come down to. The service implements it; the cluster layer
 * decides where each request goes and keeps the rooms' ownership, state and registry in Redis.
 */
import type { GameEvent, JoinRequest, ResumeRequest, RoomSummary } from '@stomping-ground/contracts';
import type { Room } from '../room';

/** Someone in a room run here, and the node their connection is on. */
export interface Member {
  readonly roomId: string;
  readonly sessionId: string;
  readonly login: string;
  readonly node: string;
}

export interface RoomHost {
  /** The rooms this node runs. */
  readonly rooms: ReadonlyMap<string, Room>;
  /** The room run here that a session (of any node) is in. */
  roomOf(sessionId: string): Room | undefined;
  /** A parsed join from a session on `node`; `picked`: the room its node chose when the request named none. */
  join(
    request: JoinRequest,
    login: string,
    sessionId: string,
    node: string,
    picked?: string,
  ): void | Promise<void>;
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
