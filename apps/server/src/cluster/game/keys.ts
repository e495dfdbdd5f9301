/**
 * Where the game keeps things in Redis, in one place. Every name is under the node's prefix, so
 * clusters (and test runs) sharing one Redis never meet.
 */

import type { ClusterNode } from '@stomping-ground/broker';
import { leaseKeys } from '../lease';

export class GameKeys {
  private readonly node: ClusterNode;

  constructor(node: ClusterNode) {
    this.node = node;
  }

  /** Hash: room id → `RoomEntry` JSON, every room of the cluster. */
  get rooms(): string {
    return this.node.key('game', 'rooms');
  }

  /** Counter behind room ids, so two nodes never open rooms of the same name. */
  get roomSequence(): string {
    return this.node.key('game', 'room-seq');
  }

  /** Channel: a room's registry entry changed (`RegistryChange` JSON). */
  get roomsChanged(): string {
    return this.node.key('game', 'rooms-changed');
  }

  /** Channel of one node: requests for the rooms it runs, and notices about its sessions. */
  nodeChannel(nodeId: string): string {
    return this.node.key('game', 'node', nodeId);
  }

  /** String: the room's saved state (`PersistedRoom` JSON), written by its owner under the lease's fencing token. */
  state(roomId: string): string {
    return this.node.key('game', 'room', roomId, 'state');
  }

  /** The room's lease, as `Lease` names it: held by the node that runs the room. */
  leaseName(roomId: string): string {
    return `game-room:${roomId}`;
  }

  /** The key `Lease` keeps that lease under, for checking many at once. */
  leaseKey(roomId: string): string {
    return leaseKeys(this.node, this.leaseName(roomId)).lease;
  }

  /** The lease's fencing-token counter, deleted with the room. */
  leaseTokenKey(roomId: string): string {
    return leaseKeys(this.node, this.leaseName(roomId)).token;
  }
}
