/** Snapshots over real sockets: their rate, their framing, deltas against acks, and the topics. */
import {
  decodeSnapshot,
  GameDestination,
  GameMessageTag,
  type GameSnapshot,
  readSnapshotHeader,
} from '@stomping-ground/contracts';
import { decodeAll, type Frame, getHeader } from '@stomping-ground/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/app';
import { GamePeer } from './game-peer';

let server: RunningServer;
const peers: GamePeer[] = [];

async function peer(): Promise<GamePeer> {
  const opened = await GamePeer.open(server);
  peers.push(opened);
  return opened;
}

beforeEach(async () => {
  server = await startServer();
});

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await server.close();
});

describe('snapshots', () => {
  it('arrive at the snapshot rate, one every two ticks', async () => {
    const ann = await peer();
    const { roomId, playerId, world } = await ann.play();
    const destination = GameDestination.playerSnapshots(roomId, playerId);
    await ann.probe.waitFor(() => ann.messages(destination).length >= 1);
    const startedAt = performance.now();
    const first = readSnapshotHeader(ann.messages(destination)[0]!.body);
    await ann.probe.waitFor(() => ann.messages(destination).length >= 16);
    const seconds = (performance.now() - startedAt) / 1000;
    const headers = ann.messages(destination).map((frame) => readSnapshotHeader(frame.body));
    // 15 snapshots after the first, at 15 a second: about a second (timers are coarse, so loosely).
    expect(seconds).toBeGreaterThan(0.8);
    expect(seconds).toBeLessThan(1.5);
    // A snapshot is cut every tick for a share of the players: this one's come every second tick.
    expect(headers.map((h) => h.seq)).toEqual(headers.map((_, index) => first.seq + index * 2));
    for (const [index, h] of headers.entries()) expect(h.tick).toBe(first.tick + index * 2);
    expect(world.snapshotRate).toBe(15);
  });

  it('arrive as binary WebSocket messages', async () => {
    const ann = await peer();
    const { roomId, playerId } = await ann.play();
    await ann.subscribe(GameDestination.snapshots(roomId));
    await ann.probe.waitFor(() => ann.messages(GameDestination.snapshots(roomId)).length >= 2);
    await ann.probe.waitFor(
      () => ann.messages(GameDestination.playerSnapshots(roomId, playerId)).length >= 2,
    );
    const isSnapshot = (frame: Frame) =>
      frame.command === 'MESSAGE' && frame.body[0] === GameMessageTag.SNAPSHOT;
    let snapshotFrames = 0;
    for (const message of ann.probe.messages) {
      const frames = decodeAll(message.data).items.flatMap((item) =>
        item.type === 'frame' ? [item.frame] : [],
      );
      const snapshots = frames.filter(isSnapshot).length;
      // A WebSocket message holds snapshots only, in a binary message, or none, in a text one.
      expect({ binary: message.binary, all: snapshots === frames.length }).toEqual({
        binary: snapshots > 0,
        all: snapshots > 0,
      });
      snapshotFrames += snapshots;
    }
    expect(snapshotFrames).toBeGreaterThanOrEqual(4);
  });

  it('are keyframes until the player acks one, then deltas against what it acked', async () => {
    const ann = await peer();
    const { roomId, playerId } = await ann.play();
    const first = await ann.snapshotWhere(() => true);
    expect(first.baseline).toBe(0);
    expect(first.you?.id).toBe(playerId);
    await ann.hold(roomId, {}, 300);
    const delta = await ann.snapshotWhere((s) => s.baseline > 0);
    expect(delta.baseline).toBeLessThan(delta.seq);
    // Decoded against its baseline, the shared part agrees with the exact own state beside it.
    const me = delta.players.find((p) => p.id === playerId)!;
    expect([me.x, me.y, me.score]).toEqual([
      Math.round(delta.you!.x),
      Math.round(delta.you!.y),
      delta.you!.score,
    ]);
  });

  it('are far smaller as deltas than as keyframes', async () => {
    const ann = await peer();
    const { roomId, playerId } = await ann.play();
    await ann.hold(roomId, { right: true }, 400);
    const frames = ann.messages(GameDestination.playerSnapshots(roomId, playerId));
    const sizes = frames.map((frame) => ({
      baseline: readSnapshotHeader(frame.body).baseline,
      bytes: frame.body.length,
    }));
    const keyframe = sizes.find((s) => s.baseline === 0)!;
    const deltas = sizes.filter((s) => s.baseline > 0);
    expect(deltas.length).toBeGreaterThan(0);
    for (const delta of deltas) expect(delta.bytes).toBeLessThan(keyframe.bytes);
  });
});

describe('the room topics', () => {
  it('give a new binary subscriber a keyframe at once, and deltas it can decode after it', async () => {
    const ann = await peer();
    const { roomId } = await ann.play();
    await ann.snapshotWhere((s) => s.seq >= 2);
    const watcher = await peer();
    await watcher.subscribe(GameDestination.snapshots(roomId));
    await watcher.probe.waitFor(() => watcher.messages(GameDestination.snapshots(roomId)).length >= 3);
    const [first, second, third] = watcher
      .messages(GameDestination.snapshots(roomId))
      .map((frame) => frame.body);
    const keyframe = decodeSnapshot(first!);
    expect(keyframe.baseline).toBe(0);
    expect(keyframe.you).toBeNull();
    const next = decodeSnapshot(second!, keyframe);
    expect(next.baseline).toBe(keyframe.seq);
    expect(decodeSnapshot(third!, next).players.length).toBe(4);
  });

  it('carry the whole room as JSON, each player with the last input applied for them', async () => {
    const ann = await peer();
    const { roomId, playerId } = await ann.play();
    await ann.subscribe(GameDestination.snapshotsJson(roomId));
    await ann.hold(roomId, { down: true }, 300);
    const json = GameDestination.snapshotsJson(roomId);
    await ann.probe.waitFor(() =>
      ann.jsonSnapshots(roomId).some((s) => s.players.some((p) => p.lastInput > 0)),
    );
    const snapshot: GameSnapshot = ann.jsonSnapshots(roomId).at(-1)!;
    const me = snapshot.players.find((p) => p.id === playerId)!;
    expect(me.lastInput).toBeGreaterThan(0);
    expect(me).toMatchObject({ name: ann.login, dashTicks: expect.any(Number), vx: expect.any(Number) });
    expect(snapshot.players).toHaveLength(4);
    expect(snapshot.orbs.length).toBeGreaterThan(0);
    expect(getHeader(ann.messages(json).at(-1)!.headers, 'content-type')).toBe('application/json');
  });
});
