/**
 * This node's sessions in rooms that other nodes run, as those rooms' owners said (`entered`,
 * `exited`): where to pass their inputs, and whom to tell when they close. And the sessions of this
 * node that closed lately, for owners that ask about one late (a join on its way when it closed, a
 * room taken over since).
 */

export interface RemoteMembership {
  readonly roomId: string;
  readonly login: string;
}

/** Long enough for any request on its way, or any takeover, to have been settled. */
const CLOSED_MEMORY_MS = 60_000;

export class RemoteSessions {
  private readonly memberships = new Map<string, RemoteMembership>();
  private readonly closedAt = new Map<string, number>();

  get(sessionId: string): RemoteMembership | undefined {
    return this.memberships.get(sessionId);
  }

  /** Whether the session is in that room, as its owner last said. */
  isIn(sessionId: string, roomId: string): boolean {
    return this.memberships.get(sessionId)?.roomId === roomId;
  }

  set(sessionId: string, roomId: string, login: string): void {
    this.memberships.set(sessionId, { roomId, login });
  }

  delete(sessionId: string): void {
    this.memberships.delete(sessionId);
  }

  /** The rooms some session of this node is in. */
  rooms(): Set<string> {
    return new Set([...this.memberships.values()].map((membership) => membership.roomId));
  }

  /** The session's connection is gone. */
  closed(sessionId: string): void {
    this.memberships.delete(sessionId);
    this.closedAt.set(sessionId, Date.now());
  }

  hasClosed(sessionId: string): boolean {
    return this.closedAt.has(sessionId);
  }

  /** Forgets the sessions closed longer ago than anyone may still ask about. */
  forgetOld(now = Date.now()): void {
    const before = now - CLOSED_MEMORY_MS;
    // In the order they closed: the oldest first.
    for (const [sessionId, at] of this.closedAt) {
      if (at >= before) break;
      this.closedAt.delete(sessionId);
    }
  }
}
