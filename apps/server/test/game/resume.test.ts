/**
 * Dropped connections and `resume`: the seat is held, marked away, for the grace period, and the
 * seat's token takes it back from a new connection, score and all; after the grace period it is gone.
 */
import { GameDestination, PlayerFlag } from '@stomping-ground/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/app';
import { until } from '../support/raw';
import { GamePeer, scoreAPoint } from './game-peer';

const GRACE_MS = 600;
let server: RunningServer;
const peers: GamePeer[] = [];

async function peer(): Promise<GamePeer> {
  const opened = await GamePeer.open(server);
  peers.push(opened);
  return opened;
}

beforeEach(async () => {
  server = await startServer({
    game: { enabled: true, roomCapacity: 4, minPlayers: 0, resumeGraceMs: GRACE_MS, maxRooms: 10 },
  });
});

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await server.close();
});

describe('a dropped player', () => {
  it('keeps the seat, shown as away, and takes it back with resume: same player, same score', async () => {
    const ann = await peer();
    const joined = await ann.play();
    const scored = await scoreAPoint(ann, joined.roomId);
    const watcher = await peer();
    await watcher.play();
    const seen = (flags: (f: number) => boolean) =>
      watcher.snapshotWhere((s) => s.players.some((p) => p.id === joined.playerId && flags(p.flags)));

    await ann.close();
    await seen((flags) => (flags & PlayerFlag.AWAY) !== 0);
    expect(server.app.game!.stats().rooms[0]).toMatchObject({ players: 2 });

    const back = await peer();
    await back.send(
      GameDestination.resume,
      JSON.stringify({ roomId: joined.roomId, resumeToken: joined.resumeToken }),
    );
    expect(await back.nextEvent()).toEqual({
      type: 'resumed',
      roomId: joined.roomId,
      playerId: joined.playerId,
      world: joined.world,
    });
    await back.subscribe(GameDestination.playerSnapshots(joined.roomId, joined.playerId));
    const resumed = await back.snapshotWhere(() => true);
    expect(resumed.baseline).toBe(0);
    // Kept, not reset: at least what it was (coasting to a stop while away may even collect another orb).
    expect(resumed.you!.id).toBe(joined.playerId);
    expect(resumed.you!.score).toBeGreaterThanOrEqual(scored.you!.score);
    expect(scored.you!.score).toBeGreaterThan(0);
    await seen((flags) => (flags & PlayerFlag.AWAY) === 0);

    // The seat is playable again from the new connection.
    await back.hold(joined.roomId, { up: true }, 200);
    expect((await back.snapshotWhere((s) => s.lastInput > 0)).lastInput).toBeGreaterThan(0);
  });

  it('loses the seat once the grace period is over, and a late resume is rejected', async () => {
    const ann = await peer();
    const joined = await ann.play();
    await ann.close();
    // The room closes with its only seat gone.
    await until(() => server.app.game!.stats().rooms.length === 0, GRACE_MS + 2_000, 'the seat to expire');
    const back = await peer();
    await back.send(
      GameDestination.resume,
      JSON.stringify({ roomId: joined.roomId, resumeToken: joined.resumeToken }),
    );
    expect(await back.nextEvent()).toMatchObject({ type: 'rejected' });
  });

  it('cannot be taken over with a wrong token', async () => {
    const ann = await peer();
    const joined = await ann.play();
    const thief = await peer();
    await thief.send(GameDestination.resume, JSON.stringify({ roomId: joined.roomId, resumeToken: 'guess' }));
    expect(await thief.nextEvent()).toMatchObject({ type: 'rejected' });
    await thief.send(GameDestination.resume, '{"roomId":1}');
    expect(await thief.nextEvent()).toMatchObject({ type: 'rejected' });
  });

  it('that reconnects before the server noticed the drop takes the seat from the old connection', async () => {
    const ann = await peer();
    const joined = await ann.play();
    const back = await peer();
    await back.send(
      GameDestination.resume,
      JSON.stringify({ roomId: joined.roomId, resumeToken: joined.resumeToken }),
    );
    expect(await back.nextEvent()).toMatchObject({ type: 'resumed', playerId: joined.playerId });
    const { rejected } = server.app.game!.stats().inputs;
    ann.sendInput(joined.roomId, { up: true });
    await ann.send(GameDestination.leave, '');
    expect(await ann.nextEvent()).toEqual({ type: 'rejected', reason: 'not in a room' });
    expect(server.app.game!.stats().inputs.rejected['not-playing']).toBe(rejected['not-playing'] + 1);
    expect(server.app.game!.stats().rooms[0]).toMatchObject({ players: 1 });
  });
});
