/**
 * One `Lease` per room this node runs (`game-room:<id>`): whoever holds it runs the room, renews it
 * every second (the expiry is three), and writes the room's saved state under its fencing token.
 *
 * One lease per room rather than one renewal for all of a node's rooms: rooms per node are bounded
 * by `GAME_MAX_ROOMS` (100 by default), so that is at most a hundred small timers and about a
 * hundred short scripts a second, which Redis does not notice; in exchange each room gets the
 * lease's guarantees as they are (fencing, giving a room up locally once Redis has been out of
 * reach past the expiry, `/healthz` roles) without a second implementation of them.
 */

import type { ClusterNode } from '@stomping-ground/broker';
import { Lease } from '../lease';
import type { GameKeys } from './keys';

export const ROOM_LEASE_TTL_MS = 3000;

export class RoomLeases {
  private readonly node: ClusterNode;
  private readonly keys: GameKeys;
  private readonly onLost: (roomId: string, token: number) => void;
  private readonly leases = new Map<string, Lease>();

  /**
   * `onLost`: a room's lease was lost while this node ran it (not when handed back with `release`),
   * with the token it had been held under.
   */
  constructor(node: ClusterNode, keys: GameKeys, onLost: (roomId: string, token: number) => void) {
    this.node = node;
    this.keys = keys;
    this.onLost = onLost;
  }

  /** Takes the room's lease if nobody holds it, and keeps renewing it; false if another node holds it (or Redis is away). */
  async acquire(roomId: string): Promise<boolean> {
    const existing = this.leases.get(roomId);
    if (existing !== undefined) return existing.held;
    // The token this holding was taken under: `Lease` clears its own before calling `onLost`.
    let token = 0;
    const lease: Lease = new Lease(this.node, this.keys.leaseName(roomId), {
      ttlMs: ROOM_LEASE_TTL_MS,
      onLost: () => this.lost(roomId, lease, token),
    });
    this.leases.set(roomId, lease);
    await lease.step();
    if (!lease.held) {
      this.leases.delete(roomId);
      return false;
    }
    token = lease.token;
    lease.start();
    return true;
  }

  /** The fencing token of this node's holding, 0 when it does not hold the room. */
  token(roomId: string): number {
    return this.leases.get(roomId)?.token ?? 0;
  }

  /** Writes the room's state while this node's holding is current; false if it is not (the lease is then given up). Throws while Redis is away. */
  async save(roomId: string, json: string): Promise<boolean> {
    const lease = this.leases.get(roomId);
    return lease === undefined ? false : lease.fencedSet(this.keys.state(roomId), json);
  }

  /** The node holding the room's lease, null when nobody does. Throws while Redis is away. */
  async holder(roomId: string): Promise<string | null> {
    return this.node.redis.get(this.keys.leaseKey(roomId));
  }

  /** The room's saved state, null when there is none. Throws while Redis is away. */
  async load(roomId: string): Promise<string | null> {
    return this.node.redis.get(this.keys.state(roomId));
  }

  /** Hands the room's lease back at once, so another node may take it without waiting for the expiry. */
  async release(roomId: string): Promise<void> {
    const lease = this.leases.get(roomId);
    if (lease === undefined) return;
    this.leases.delete(roomId);
    await lease.stop();
  }

  async releaseAll(): Promise<void> {
    await Promise.all([...this.leases.keys()].map((roomId) => this.release(roomId)));
  }

  private lost(roomId: string, lease: Lease, token: number): void {
    if (this.leases.get(roomId) !== lease) return;
    this.leases.delete(roomId);
    // Not held any more: stopping only ends the renewals, it releases nothing.
    void lease.stop();
    this.onLost(roomId, token);
  }
}
