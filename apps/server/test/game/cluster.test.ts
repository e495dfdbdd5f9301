/**
 * Game rooms in a cluster of three real server processes on the real Redis: players on different
 * nodes share a room that runs on one of them, inputs sent to another node reach it, and when that
 * node is killed (or stopped) another takes the room over, seats, scores and all. Then two nodes on
 * a Redis of their own, taken away and brought back.
 */

import { BrokerErrorCode, CloseCode } from '@stomping-ground/broker';
import { GameDestination, type GameEvent, PlayerFlag, type RoomSummary } from '@stomping-ground/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeRoles, startCluster, type TestCluster } from '../support/cluster';
import { messagesOf } from '../support/cluster-clients';
import { expectSessionError, text, until } from '../support/raw';
import { TestRedisServer } from '../support/redis-server';
import { GamePeer, scoreAPoint } from './game-peer';

let cluster: TestCluster;
const peers: GamePeer[] = [];

beforeAll(async () => {
  // No bots: every avatar moves only as its player steers it.
  cluster = await startCluster(3, { GAME_MIN_PLAYERS: '0', GAME_RESUME_GRACE_MS: '30000' });
}, 60_000);

afterEach(async () => {
  await Promise.allSettled(peers.splice(0).map((peer) => peer.close()));
});

afterAll(async () => {
  await cluster?.close();
});

async function peer(node: number, on: TestCluster = cluster): Promise<GamePeer> {
  const opened = await GamePeer.open({ wsUrl: on.wsUrl(node) });
  peers.push(opened);
  return opened;
}

interface Entry extends RoomSummary {
  readonly owner: string;
}

/** The room's entry in the cluster's registry, as Redis has it now. */
async function registryEntry(roomId: string): Promise<Entry | undefined> {
  const json = await cluster.redis.hget(`${cluster.prefix}:game:rooms`, roomId);
  return json === null ? undefined : (JSON.parse(json) as Entry);
}

/** A player's score in the room's state as its owner last saved it to Redis. */
async function savedScore(roomId: string, playerId: number): Promise<number | undefined> {
  const json = await cluster.redis.get(`${cluster.prefix}:game:room:${roomId}:state`);
  if (json === null) return undefined;
  const { room } = JSON.parse(json) as { room: { state: { players: Array<{ id: number; score: number }> } } };
  return room.state.players.find((player) => player.id === playerId)?.score;
}

function nodeIndex(nodeId: string): number {
  return Number(nodeId.replace('node-', ''));
}

/** Holds a key for a while and returns how far the player's own position moved along x. */
async function moveAlongX(player: GamePeer, roomId: string, key: 'left' | 'right'): Promise<number> {
  const before = await player.snapshotWhere(() => true);
  await player.hold(roomId, { [key]: true }, 700);
  const after = await player.snapshotWhere((snapshot) => snapshot.seq > before.seq && snapshot.lastInput > 0);
  return after.you!.x - before.you!.x;
}

describe('game rooms in a cluster', () => {
  it('seats players joining on different nodes in one room, and moves a player by inputs sent to a node that does not run it', async () => {
    const ann = await peer(0);
    const annJoined = await ann.play({ name: 'Ann' });
    const ben = await peer(1);
    const benJoined = await ben.play({ name: 'Ben' });
    expect(benJoined.roomId).toBe(annJoined.roomId);
    expect(benJoined.playerId).not.toBe(annJoined.playerId);
    const roomId = annJoined.roomId;
    // The node that received the first join opened the room and runs it.
    expect((await registryEntry(roomId))?.owner).toBe('node-0');

    // Each gets its own snapshots, with both players in them, whichever node it is on.
    for (const player of [ann, ben]) {
      const snapshot = await player.snapshotWhere((s) => s.players.length === 2);
      expect(snapshot.players.map((p) => p.name).sort()).toEqual(['Ann', 'Ben']);
    }

    // Ben's inputs go to node 1, which passes them to node 0.
    const start = await ben.snapshotWhere(() => true);
    expect(start.you!.id).toBe(benJoined.playerId);
    const moved = await moveAlongX(ben, roomId, start.you!.x > 800 ? 'left' : 'right');
    expect(Math.abs(moved)).toBeGreaterThan(30);
    // And Ann, on node 0, sees Ben where node 0 put him.
    const seenByAnn = await ann.snapshotWhere((s) => {
      const benThere = s.players.find((p) => p.id === benJoined.playerId);
      return benThere !== undefined && Math.abs(benThere.x - start.you!.x) > 30;
    });
    expect(seenByAnn.players.find((p) => p.id === benJoined.playerId)?.name).toBe('Ben');

    // A watcher on the third node sees the room in the list of the cluster's rooms.
    const watcher = await peer(2);
    await watcher.subscribe(GameDestination.rooms);
    await until(
      () =>
        messagesOf(watcher.probe, GameDestination.rooms).some((message) =>
          (JSON.parse(text(message)) as RoomSummary[]).some(
            (room) => room.roomId === roomId && room.players === 2,
          ),
        ),
      5_000,
      'the room in the room list on node 2',
    );

    // And, reading the room's JSON topic there, gets it from the room's node once it learns someone reads it.
    await watcher.subscribe(GameDestination.snapshotsJson(roomId));
    await until(
      () => watcher.jsonSnapshots(roomId).some((snapshot) => snapshot.players.length === 2),
      5_000,
      "the room's JSON snapshots on node 2",
    );

    for (const player of [ann, ben]) {
      await player.send(GameDestination.leave, '');
      expect(await player.nextEvent()).toEqual({ type: 'left', roomId });
    }
    await until(async () => (await registryEntry(roomId)) === undefined, 5_000, 'the empty room to close');
  });

  it('resumes a room on another node when its owner is killed: players elsewhere play on, and a player of the dead node resumes its seat', async () => {
    const ann = await peer(0);
    const annJoined = await ann.play({ name: 'Ann' });
    const { roomId } = annJoined;
    expect((await registryEntry(roomId))?.owner).toBe('node-0');
    const ben = await peer(1);
    const benJoined = await ben.play({ name: 'Ben' });
    const cy = await peer(2);
    const cyJoined = await cy.play({ name: 'Cy' });
    expect([benJoined.roomId, cyJoined.roomId]).toEqual([roomId, roomId]);

    // Ben scores, and the owner saves it.
    const scored = (await scoreAPoint(ben, roomId, 15_000)).you!.score;
    expect(scored).toBeGreaterThan(0);
    await until(
      async () => ((await savedScore(roomId, benJoined.playerId)) ?? 0) >= scored,
      5_000,
      "Ben's score in the saved state",
    );

    await cluster.nodes[0]!.kill();
    const killedAt = performance.now();
    let newOwner = '';
    await until(
      async () => {
        newOwner = (await registryEntry(roomId))?.owner ?? '';
        return newOwner !== '' && newOwner !== 'node-0';
      },
      15_000,
      'another node to take the room over',
    );
    const handoverMs = Math.round(performance.now() - killedAt);
    console.log(`room ${roomId} taken over by ${newOwner} ${handoverMs} ms after its owner was killed`);
    expect(handoverMs).toBeLessThan(12_000);
    expect(await nodeRoles(cluster.nodes[nodeIndex(newOwner)]!)).toContain(`game-room:${roomId}`);

    // Ben and Cy play on: new snapshots, same player, the score kept, and Ann shown away.
    const afterHandover = (player: GamePeer, playerId: number) =>
      player.snapshotWhere(
        (s) =>
          s.you?.id === playerId &&
          s.players.some((p) => p.id === annJoined.playerId && (p.flags & PlayerFlag.AWAY) !== 0),
        10_000,
      );
    const benAfter = await afterHandover(ben, benJoined.playerId);
    expect(benAfter.you!.score).toBeGreaterThanOrEqual(scored);
    await afterHandover(cy, cyJoined.playerId);

    // The one of them on the node that does not run the room now steers through it.
    const [forwarded, forwardedId] =
      newOwner === 'node-1' ? [cy, cyJoined.playerId] : [ben, benJoined.playerId];
    const start = await forwarded.snapshotWhere((s) => s.you?.id === forwardedId);
    const moved = await moveAlongX(forwarded, roomId, start.you!.x > 800 ? 'left' : 'right');
    expect(Math.abs(moved)).toBeGreaterThan(30);

    // Ann's connection died with node 0: she reconnects to the node that does not run the room and resumes there.
    await ann.probe.closed;
    const annBack = await peer(newOwner === 'node-1' ? 2 : 1);
    await annBack.send(
      GameDestination.resume,
      JSON.stringify({ roomId, resumeToken: annJoined.resumeToken }),
    );
    const resumed: GameEvent = await annBack.nextEvent();
    expect(resumed).toEqual({
      type: 'resumed',
      roomId,
      playerId: annJoined.playerId,
      world: annJoined.world,
    });
    await annBack.subscribe(GameDestination.playerSnapshots(roomId, annJoined.playerId));
    const annAfter = await annBack.snapshotWhere((s) => s.you?.id === annJoined.playerId);
    expect(annAfter.players.map((p) => p.id).sort()).toEqual(
      [annJoined.playerId, benJoined.playerId, cyJoined.playerId].sort(),
    );
    await ben.snapshotWhere((s) =>
      s.players.some((p) => p.id === annJoined.playerId && (p.flags & PlayerFlag.AWAY) === 0),
    );
  }, 45_000);

  it('hands a room to another node when its owner is stopped with SIGTERM, and its players there play on', async () => {
    // Nodes 1 and 2 are left. Eve joins on node 1, in whichever room; Fay joins it on the node
    // running it, which is stopped, and Dan on the other.
    const eve = await peer(1);
    const { roomId } = await eve.play({ name: 'Eve' });
    const owner = (await registryEntry(roomId))!.owner;
    const survivor = owner === 'node-1' ? 2 : 1;
    const fay = await peer(nodeIndex(owner));
    const fayJoined = await fay.play({ name: 'Fay', roomId });
    const dan = await peer(survivor);
    const danJoined = await dan.play({ name: 'Dan', roomId });
    await dan.snapshotWhere(
      (s) => s.you?.id === danJoined.playerId && s.players.some((p) => p.id === fayJoined.playerId),
    );

    const stoppedAt = performance.now();
    await cluster.nodes[nodeIndex(owner)]!.stop();
    await until(
      async () => (await registryEntry(roomId))?.owner === `node-${survivor}`,
      10_000,
      'the surviving node to take the room over',
    );
    console.log(
      `room ${roomId} taken over ${Math.round(performance.now() - stoppedAt)} ms after SIGTERM to its owner`,
    );

    // Dan's node runs the room now: same seat, and Fay's shown away (her connection went with her node).
    await dan.snapshotWhere(
      (s) =>
        s.you?.id === danJoined.playerId &&
        s.players.some((p) => p.id === fayJoined.playerId && (p.flags & PlayerFlag.AWAY) !== 0),
      10_000,
    );
    const start = await dan.snapshotWhere(() => true);
    const moved = await moveAlongX(dan, roomId, start.you!.x > 800 ? 'left' : 'right');
    expect(Math.abs(moved)).toBeGreaterThan(30);
  }, 30_000);
});

describe('game rooms while Redis is away', () => {
  // A Redis of its own, to take away.
  let redis: TestRedisServer;
  let outage: TestCluster;

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    outage = await startCluster(2, { GAME_MIN_PLAYERS: '0' }, redis.url);
  }, 60_000);

  afterAll(async () => {
    await outage?.close();
    await redis?.kill();
  });

  it("plays on in a room run on its players' own node, refuses joins that need Redis, and keeps the room once Redis is back", async () => {
    const ann = await peer(0, outage);
    const { roomId, playerId } = await ann.play();
    await until(
      async () => (await nodeRoles(outage.nodes[0]!)).includes(`game-room:${roomId}`),
      5_000,
      'the lease',
    );

    await redis.kill();
    // Past the lease's expiry the node gives the lease up, but not the game.
    await until(
      async () => !(await nodeRoles(outage.nodes[0]!)).includes(`game-room:${roomId}`),
      10_000,
      'the lease to be given up',
    );
    const start = await ann.snapshotWhere((s) => s.you?.id === playerId);
    expect(Math.abs(await moveAlongX(ann, roomId, start.you!.x > 800 ? 'left' : 'right'))).toBeGreaterThan(
      30,
    );

    // Where to seat a join is for the registry in Redis to say: the client is told to try again later.
    const ben = await peer(0, outage);
    ben.probe.send({
      command: 'SEND',
      headers: [
        ['destination', GameDestination.join],
        ['receipt', 'join-during-outage'],
      ],
      body: '{}',
    });
    await expectSessionError(ben.probe, 'ws', {
      code: BrokerErrorCode.UNAVAILABLE,
      close: CloseCode.TRY_AGAIN_LATER,
      receiptId: 'join-during-outage',
    });

    // A fresh, empty Redis: the node claims the room back and announces it again.
    await redis.restart();
    await until(
      async () => (await nodeRoles(outage.nodes[0]!)).includes(`game-room:${roomId}`),
      10_000,
      'the lease claimed back',
    );
    await until(
      async () =>
        JSON.parse((await outage.redis.hget(`${outage.prefix}:game:rooms`, roomId)) ?? '{}').owner ===
        'node-0',
      5_000,
      'the room back in the registry',
    );
    const after = await ann.snapshotWhere((s) => s.you?.id === playerId);
    expect(Math.abs(await moveAlongX(ann, roomId, after.you!.x > 800 ? 'left' : 'right'))).toBeGreaterThan(
      30,
    );
  }, 45_000);
});
