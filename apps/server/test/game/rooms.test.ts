/**
 * Rooms over real sockets: joining, the seats people and bots take, spectators, leaving, and the
 * room list.
 */
import { GameDestination, type RoomSummary } from '@stomping-ground/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/app';
import { header } from '../support/raw';
import { GamePeer, type GuestIdentity } from './game-peer';

let server: RunningServer;
const peers: GamePeer[] = [];

async function peer(identity?: GuestIdentity): Promise<GamePeer> {
  const opened = await GamePeer.open(server, identity);
  peers.push(opened);
  return opened;
}

function rooms(): readonly RoomSummary[] {
  return server.app.game!.stats().rooms;
}

beforeEach(async () => {
  server = await startServer({
    game: { enabled: true, roomCapacity: 3, minPlayers: 4, resumeGraceMs: 15_000, maxRooms: 2 },
  });
});

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await server.close();
});

describe('joining', () => {
  it('seats two players in the same room, each with an id, a resume token and the world', async () => {
    const ann = await peer();
    const ben = await peer();
    const first = await ann.play({ name: 'Ann' });
    const second = await ben.play();
    expect(second.roomId).toBe(first.roomId);
    expect(second.playerId).not.toBe(first.playerId);
    expect(first.resumeToken).not.toBe(second.resumeToken);
    expect(first.world).toEqual({ width: 1600, height: 1000, tickRate: 30, snapshotRate: 15 });
    const snapshot = await ann.snapshotWhere((s) => s.players.some((p) => p.id === second.playerId));
    expect(snapshot.players.find((p) => p.id === first.playerId)?.name).toBe('Ann');
    expect(snapshot.players.find((p) => p.id === second.playerId)?.name).toBe(ben.login);
  });

  it('marks its answers with the session that asked, for tabs sharing a login', async () => {
    const tab = await peer();
    const otherTab = await peer(tab.identity);
    await tab.play();
    await otherTab.probe.waitFor(() => otherTab.messages(GameDestination.events).length === 1);
    const [message] = otherTab.messages(GameDestination.events);
    expect(header(message!, 'session')).toBe(tab.sessionId);
    expect(header(message!, 'session')).not.toBe(otherTab.sessionId);
  });

  it('fills a room with bots up to the minimum, and lets a bot go for each person who joins', async () => {
    const ann = await peer();
    const { roomId } = await ann.play();
    expect(rooms()).toEqual([{ roomId, players: 1, bots: 3, spectators: 0, capacity: 3 }]);
    await (await peer()).play();
    await (await peer()).play();
    expect(rooms()).toEqual([{ roomId, players: 3, bots: 1, spectators: 0, capacity: 3 }]);
    // Snapshots sent between the second and the third join hold two people and two bots.
    const snapshot = await ann.snapshotWhere((s) => s.players.filter((p) => !(p.flags & 4)).length === 3);
    expect(snapshot.players).toHaveLength(4);
    expect(snapshot.players.filter((p) => p.flags & 4)).toHaveLength(1);
  });

  it('opens another room when the fullest is full, and refuses once every room is', async () => {
    const seated = [];
    for (let i = 0; i < 6; i++) seated.push(await (await peer()).play());
    expect(new Set(seated.map((event) => event.roomId)).size).toBe(2);
    expect(await (await peer()).join()).toEqual({ type: 'rejected', reason: 'every room is full' });
  });

  it('joins a named room, and refuses one that does not exist or is full', async () => {
    const { roomId } = await (await peer()).play();
    expect((await (await peer()).play({ roomId })).roomId).toBe(roomId);
    expect(await (await peer()).join({ roomId: 'r404' })).toEqual({
      type: 'rejected',
      reason: 'there is no room r404',
    });
    await (await peer()).play({ roomId });
    expect(await (await peer()).join({ roomId })).toEqual({
      type: 'rejected',
      reason: `room ${roomId} is full`,
    });
  });

  it.each([
    ['not JSON', 'hello'],
    ['a JSON array', '[]'],
    ['a name that is not a string', '{"name":42}'],
  ])('rejects a join request that is %s, and the session stays open', async (_title, body) => {
    const ann = await peer();
    await ann.send(GameDestination.join, body);
    expect((await ann.nextEvent()).type).toBe('rejected');
    expect((await ann.play()).type).toBe('joined');
  });

  it('cleans a display name of control characters and cuts it to 24 characters', async () => {
    const ann = await peer();
    const { playerId } = await ann.play({ name: `  Ann\u0007\n  the ${'great'.repeat(10)}` });
    const snapshot = await ann.snapshotWhere(() => true);
    expect(snapshot.players.find((p) => p.id === playerId)?.name).toBe('Ann the greatgreatgreatg');
  });
});

describe('spectators', () => {
  it('watch a room on its topics, are counted, and cannot steer anyone', async () => {
    const player = await peer();
    const { roomId, playerId } = await player.play();
    const watcher = await peer();
    expect(await watcher.join({ spectate: true })).toMatchObject({ type: 'spectating', roomId });
    expect(rooms()[0]?.spectators).toBe(1);
    await watcher.subscribe(GameDestination.snapshots(roomId));
    await watcher.subscribe(GameDestination.snapshotsJson(roomId));
    await watcher.probe.waitFor(() => watcher.messages(GameDestination.snapshots(roomId)).length >= 3);
    await watcher.probe.waitFor(() => watcher.jsonSnapshots(roomId).length >= 3);

    const rejected = server.app.game!.stats().inputs.rejected['not-playing'];
    for (let i = 0; i < 10; i++) watcher.sendInput(roomId, { right: true, action: true });
    await watcher.send(
      GameDestination.input(roomId),
      '{"seq":99,"up":true,"down":false,"left":false,"right":false}',
    );
    expect(server.app.game!.stats().inputs.rejected['not-playing']).toBe(rejected + 11);
    expect(server.app.game!.stats().inputs.accepted).toBe(0);
    // Snapshots taken after those inputs still say the player's seat has processed none.
    const seq = player.readSnapshots().at(-1)?.seq ?? 0;
    const later = await player.snapshotWhere((s) => s.seq > seq + 1);
    expect(later.lastInput).toBe(0);
    expect(later.you?.id).toBe(playerId);
  });

  it('are refused when there is no room to watch', async () => {
    expect(await (await peer()).join({ spectate: true })).toEqual({
      type: 'rejected',
      reason: 'no room is open',
    });
  });
});

describe('leaving', () => {
  it('frees the seat, brings a bot back, and closes the room once no person is left, telling its spectators', async () => {
    const ann = await peer();
    const ben = await peer();
    const watcher = await peer();
    const { roomId } = await ann.play();
    await ben.play();
    await watcher.join({ spectate: true });
    expect(rooms()[0]).toMatchObject({ players: 2, bots: 2 });

    await ann.send(GameDestination.leave, '');
    expect(await ann.nextEvent()).toEqual({ type: 'left', roomId });
    expect(rooms()[0]).toMatchObject({ players: 1, bots: 3 });

    await ben.send(GameDestination.leave, '');
    expect(await ben.nextEvent()).toEqual({ type: 'left', roomId });
    expect(await watcher.nextEvent()).toEqual({ type: 'left', roomId });
    expect(rooms()).toEqual([]);
  });

  it('is refused for a session in no room', async () => {
    const ann = await peer();
    await ann.send(GameDestination.leave, '');
    expect(await ann.nextEvent()).toEqual({ type: 'rejected', reason: 'not in a room' });
  });

  it('happens first when a seated session joins again', async () => {
    const ann = await peer();
    const first = await ann.play();
    const second = await ann.join();
    expect(second).toEqual({ type: 'left', roomId: first.roomId });
    // The room closed with its only person gone, so the new seat is in a new room.
    expect(await ann.nextEvent()).toMatchObject({ type: 'joined' });
    expect(rooms()).toHaveLength(1);
  });
});

describe('the room list', () => {
  it('comes at once on subscribe, then again whenever it changes', async () => {
    const ann = await peer();
    const { roomId } = await ann.play();
    const viewer = await peer();
    await viewer.subscribe(GameDestination.rooms);
    const lists = () =>
      viewer.messages(GameDestination.rooms).map((frame) => JSON.parse(new TextDecoder().decode(frame.body)));
    await viewer.probe.waitFor(() => lists().length >= 1);
    expect(lists()[0]).toEqual([{ roomId, players: 1, bots: 3, spectators: 0, capacity: 3 }]);
    await (await peer()).play();
    await viewer.probe.waitFor(() => lists().some((list) => list[0]?.players === 2));
    expect(lists().at(-1)).toEqual([{ roomId, players: 2, bots: 2, spectators: 0, capacity: 3 }]);
  });
});
