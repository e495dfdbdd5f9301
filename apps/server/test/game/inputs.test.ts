/**
 * Inputs over real sockets: they steer the player, at most one per tick counts, and anything a
 * client should not send is counted and dropped without disturbing the session.
 */

import { type DecodedSnapshot, encodeInput, GameDestination } from '@stomping-ground/contracts';
import { Physics } from '@stomping-ground/game-sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GameStats } from '../../src/services/game/service';
import { type RunningServer, startServer } from '../support/app';
import { GamePeer } from './game-peer';

let server: RunningServer;
const peers: GamePeer[] = [];

async function player(): Promise<{
  peer: GamePeer;
  roomId: string;
  playerId: number;
  start: DecodedSnapshot;
}> {
  const peer = await GamePeer.open(server);
  peers.push(peer);
  const { roomId, playerId } = await peer.play();
  const start = await peer.snapshotWhere(() => true);
  return { peer, roomId, playerId, start };
}

function inputs(): GameStats['inputs'] {
  return server.app.game!.stats().inputs;
}

/** Away from the nearer side wall, so a wall never stops the test's movement. */
function awayFromWall(snapshot: DecodedSnapshot): 'left' | 'right' {
  return snapshot.you!.x < 800 ? 'right' : 'left';
}

beforeEach(async () => {
  // One person per room and no bots: nothing but the inputs under test moves anyone.
  server = await startServer({
    game: { enabled: true, roomCapacity: 1, minPlayers: 0, resumeGraceMs: 15_000, maxRooms: 10 },
  });
});

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await server.close();
});

describe('inputs', () => {
  it('move the player the way the keys point, and each snapshot says the last one applied', async () => {
    const { peer, roomId, start } = await player();
    const direction = awayFromWall(start);
    await peer.hold(roomId, { [direction]: true }, 400);
    const moved = await peer.snapshotWhere((s) => s.lastInput >= 8);
    const dx = moved.you!.x - start.you!.x;
    expect(direction === 'right' ? dx : -dx).toBeGreaterThan(30);
    expect(moved.you!.y).toBe(start.you!.y);
    expect(Math.abs(moved.you!.vx)).toBe(Physics.maxSpeed);
    const applied = peer.snapshots.map((s) => s.lastInput);
    expect(applied).toEqual([...applied].sort((a, b) => a - b));
  });

  it('may be JSON as well as binary', async () => {
    const { peer, roomId, start } = await player();
    const direction = start.you!.y < 500 ? 'down' : 'up';
    await peer.hold(roomId, { [direction]: true }, 300, 'json');
    const moved = await peer.snapshotWhere((s) => s.lastInput >= 5);
    expect(Math.abs(moved.you!.y - start.you!.y)).toBeGreaterThan(5);
    expect(inputs().accepted).toBeGreaterThanOrEqual(5);
    expect(inputs().rejected.malformed).toBe(0);
  });

  it('count as one step per tick: a flood neither speeds the player up nor queues up', async () => {
    const { peer, roomId, start } = await player();
    const direction = awayFromWall(start);
    for (let i = 0; i < 300; i++) peer.sendInput(roomId, { [direction]: true });
    await peer.send(
      GameDestination.input(roomId),
      encodeInput({ seq: 1000, up: false, down: false, left: false, right: false }),
    );
    const { accepted, rejected } = inputs();
    expect(rejected.flood).toBeGreaterThanOrEqual(280);
    expect(accepted + rejected.flood).toBe(301);

    await peer.snapshotWhere((s) => s.seq >= start.seq + 8);
    const snapshots = peer.snapshots.filter((s) => s.seq > start.seq);
    for (const [index, snapshot] of snapshots.entries()) {
      const previous = index === 0 ? start : snapshots[index - 1]!;
      const ticks = snapshot.tick - previous.tick;
      // Never further than the top speed allows, whatever the number of inputs.
      expect(Math.abs(snapshot.you!.x - previous.you!.x)).toBeLessThanOrEqual(
        (Physics.maxSpeed * ticks) / 30 + 0.1,
      );
    }
    // Nothing is left waiting: a burst is applied, all of it, at the next tick (a queue that took
    // one per tick would acknowledge 1001 first, and stay a tick behind for good).
    const before = peer.snapshots.at(-1)!;
    for (const seq of [1001, 1002, 1003]) peer.sendInput(roomId, { seq, [direction]: true });
    const acked = await peer.snapshotWhere((s) => s.lastInput > before.lastInput);
    expect(acked.lastInput).toBe(1003);
  });

  it('that are malformed are counted and dropped, and the session carries on', async () => {
    const { peer, roomId } = await player();
    const destination = GameDestination.input(roomId);
    const bodies = [
      'not json',
      '{"seq":1,"x":500,"y":500}',
      '{"seq":-4,"up":true,"down":false,"left":false,"right":false}',
      encodeInput({ seq: 1, up: true, down: false, left: false, right: false }).subarray(0, 7),
      new Uint8Array(100_000),
    ];
    for (const body of bodies) await peer.send(destination, body);
    expect(inputs().rejected.malformed).toBe(bodies.length);
    peer.sendInput(roomId, { up: true });
    const applied = await peer.snapshotWhere((s) => s.lastInput === 1);
    expect(applied.lastInput).toBe(1);
    expect(inputs().accepted).toBe(1);
  });

  it('that repeat or go back in sequence are refused', async () => {
    const { peer, roomId } = await player();
    const destination = GameDestination.input(roomId);
    for (const seq of [5, 5, 3, 6]) {
      await peer.send(destination, encodeInput({ seq, up: true, down: false, left: false, right: false }));
    }
    expect(inputs()).toMatchObject({ accepted: 2, rejected: { 'out-of-order': 2 } });
  });

  it('to another room, or to no room, are refused and steer nobody', async () => {
    const ann = await player();
    const ben = await player();
    expect(ben.roomId).not.toBe(ann.roomId);
    for (const destination of [
      GameDestination.input(ben.roomId),
      GameDestination.input('nowhere'),
      `/app/game/rooms/${ann.roomId}/elsewhere`,
    ]) {
      await ann.peer.send(
        destination,
        encodeInput({ seq: 1, up: true, down: false, left: false, right: false }),
      );
    }
    expect(inputs()).toMatchObject({ accepted: 0, rejected: { 'not-playing': 3 } });
    const later = await ben.peer.snapshotWhere((s) => s.seq > ben.start.seq + 2);
    expect([later.lastInput, later.you!.x, later.you!.y]).toEqual([0, ben.start.you!.x, ben.start.you!.y]);
  });
});
