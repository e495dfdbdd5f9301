/** A room on its own, ticked by hand, with a recording stand-in for the broker. */
import { GameDestination, readSnapshotHeader } from '@stomping-ground/contracts';
import { describe, expect, it } from 'vitest';
import { resolveGameOptions } from '../../src/services/game/options';
import { Room, type RoomOutput } from '../../src/services/game/room';

class Recorder implements RoomOutput {
  readonly sent: Array<{ destination: string; body: Uint8Array | string }> = [];
  readonly published: Array<{ destination: string; body: Uint8Array | string }> = [];
  readonly subscribed = new Set<string>();

  publish(destination: string, body: Uint8Array | string): void {
    this.published.push({ destination, body });
  }

  sendToUser(_login: string, destination: string, body: Uint8Array | string): void {
    this.sent.push({ destination, body });
  }

  hasSubscribers(topic: string): boolean {
    return this.subscribed.has(topic);
  }
}

function room(options: Parameters<typeof resolveGameOptions>[0] = {}): Room {
  return new Room('r1', resolveGameOptions({ minPlayers: 0, ...options }), 7);
}

describe('a room', () => {
  it('spreads its players’ snapshots evenly over the ticks, each player every other tick', () => {
    const r = room();
    const seats = ['a', 'b', 'c', 'd'].map((login) => r.addHuman(login, `${login}-session`, login));
    const output = new Recorder();
    const perTick: number[] = [];
    for (let tick = 0; tick < 10; tick++) {
      const before = output.sent.length;
      r.advance(0, output);
      perTick.push(output.sent.length - before);
    }
    expect(perTick).toEqual(new Array(10).fill(2));
    for (const seat of seats) {
      const mine = output.sent.filter(
        (m) => m.destination === GameDestination.playerSnapshots('r1', seat.playerId),
      );
      const ticks = mine.map((m) => readSnapshotHeader(m.body as Uint8Array).tick);
      expect(ticks.slice(1).map((tick, i) => tick - ticks[i]!)).toEqual([2, 2, 2, 2]);
    }
  });

  it('builds its topics only while someone reads them, with a keyframe each second', () => {
    const r = room();
    r.addHuman('a', 's', 'a');
    const output = new Recorder();
    for (let tick = 0; tick < 30; tick++) r.advance(0, output);
    expect(output.published).toEqual([]);
    output.subscribed.add(GameDestination.snapshots('r1'));
    for (let tick = 0; tick < 60; tick++) r.advance(0, output);
    const headers = output.published.map((m) => readSnapshotHeader(m.body as Uint8Array));
    expect(headers).toHaveLength(30);
    expect(headers.filter((h) => h.baseline === 0).map((h) => h.tick)).toEqual([60, 90]);
    // Each delta is against the topic's previous snapshot; the first against one nobody was sent,
    // which a new subscriber gets as its keyframe on subscribe (`latestKeyframe`).
    expect(headers[0]!.baseline).toBe(headers[0]!.seq - 2);
    for (const [i, h] of headers.entries()) {
      if (i > 0 && h.baseline !== 0) expect(h.baseline).toBe(headers[i - 1]!.seq);
    }
  });

  it('gives a seat up once its player has been away for the grace period', () => {
    const r = room({ resumeGraceMs: 1000 });
    const seat = r.addHuman('a', 's', 'a');
    r.addHuman('b', 't', 'b');
    r.markAway(seat, 5000);
    expect(r.advance(5999, new Recorder())).toEqual([]);
    expect(r.advance(6000, new Recorder())).toEqual([seat]);
    expect(r.summary()).toMatchObject({ players: 1 });
    expect(r.resume(seat.resumeToken, 'a', 's2')).toBeUndefined();
  });
});

describe('a room saved and restored elsewhere', () => {
  it('comes back with its world, seats, tokens, bots and away times, its clock moved on past the gap', () => {
    const options = resolveGameOptions({ minPlayers: 3 });
    const original = new Room('r9', options, 11);
    const ann = original.addHuman('ann', 'ann-session', 'Ann');
    const ben = original.addHuman('ben', 'ben-session', 'Ben');
    const output = new Recorder();
    for (let tick = 0; tick < 40; tick++) original.advance(1_000, output);
    original.markAway(ben, 1_000);
    const saved = JSON.parse(JSON.stringify(original.save(1_500)));
    const lastSeq = readSnapshotHeader(output.sent.at(-1)!.body as Uint8Array).seq;

    // Two seconds later, on a node whose loop clock reads something else entirely.
    const restored = Room.restore(saved, options, 50_000, saved.savedAt + 2_000);
    expect(restored.summary()).toEqual(original.summary());
    expect(restored.tick).toBe(original.tick + 60);
    expect(restored.player(ann.playerId)).toEqual(original.player(ann.playerId));
    expect(restored.seatForToken(ann.resumeToken)).toMatchObject({
      playerId: ann.playerId,
      login: 'ann',
      sessionId: 'ann-session',
      awaySince: undefined,
    });
    // Away for 500 ms when saved, and 2 s since: 2.5 s before the new loop clock's now.
    expect(restored.seatForToken(ben.resumeToken)).toMatchObject({ sessionId: undefined, awaySince: 47_500 });
    expect(restored.humanSeats().map((seat) => seat.playerId)).toEqual([ann.playerId, ben.playerId]);

    // Ann's next snapshot is a keyframe numbered past anything the old room sent.
    const after = new Recorder();
    restored.advance(50_000, after);
    restored.advance(50_000, after);
    const next = readSnapshotHeader(
      after.sent.find((m) => m.destination.endsWith(`/${ann.playerId}`))!.body as Uint8Array,
    );
    expect(next.seq).toBeGreaterThan(lastSeq);
    expect(next.baseline).toBe(0);
  });
});
