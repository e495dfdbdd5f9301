/**
 * The game's cluster roles as the service sees them (`services/game/roles.ts`): the local
 * implementation (a process on its own: every room is here), and a service that tells whatever
 * roles it was given of every room and every session, and waits for a room they open for it. The
 * Redis implementation is tested with real server processes on the real Redis in `cluster.test.ts`.
 */
import { Broker } from '@stomping-ground/broker';
import { connectClient, header, type TestClient, text, until } from '@stomping-ground/broker/testing';
import { GameDestination, type GameEvent, type RoomSummary } from '@stomping-ground/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveGameOptions } from '../../src/services/game/options';
import {
  type GameRoles,
  LOCAL_NODE,
  LocalGameRoles,
  type Member,
  type RoomHost,
} from '../../src/services/game/roles';
import { Room } from '../../src/services/game/room';
import { GameService } from '../../src/services/game/service';

const encoder = new TextEncoder();

/** A `RoomHost` that records what the roles ask of it. */
class FakeHost implements RoomHost {
  readonly rooms = new Map<string, Room>();
  readonly calls: unknown[][] = [];
  readonly events: GameEvent[] = [];

  roomOf(): Room | undefined {
    return undefined;
  }
  join(...args: unknown[]): void {
    this.calls.push(['join', ...args]);
  }
  resume(...args: unknown[]): void {
    this.calls.push(['resume', ...args]);
  }
  leave(...args: unknown[]): void {
    this.calls.push(['leave', ...args]);
  }
  leaveRoom(): boolean {
    return false;
  }
  input(...args: unknown[]): void {
    this.calls.push(['input', ...args]);
  }
  sessionClosed(...args: unknown[]): void {
    this.calls.push(['sessionClosed', ...args]);
  }
  send(_login: string, _sessionId: string, event: GameEvent): void {
    this.events.push(event);
  }
  adopt(room: Room): void {
    this.rooms.set(room.id, room);
  }
  drop(): Member[] {
    return [];
  }
  members(): Member[] {
    return [];
  }
  summaries(): RoomSummary[] {
    return [...this.rooms.values()].map((room) => room.summary());
  }
}

describe('the local roles', () => {
  it('hand every request straight to the rooms here, from sessions on the one local node', () => {
    const host = new FakeHost();
    const roles = new LocalGameRoles(host, resolveGameOptions());
    roles.join(encoder.encode('{"roomId":"r1"}'), 'alice', 's-1');
    roles.resume(encoder.encode('{"roomId":"r1","resumeToken":"t"}'), 'alice', 's-1');
    roles.leave('alice', 's-1');
    roles.input('/app/game/rooms/r1/input', new Uint8Array([1]), 's-1');
    roles.sessionClosed('alice', 's-1');
    expect(host.calls).toEqual([
      ['join', { roomId: 'r1' }, 'alice', 's-1', LOCAL_NODE],
      ['resume', { roomId: 'r1', resumeToken: 't' }, 'alice', 's-1', LOCAL_NODE],
      ['leave', 'alice', 's-1'],
      ['input', 'r1', new Uint8Array([1]), 's-1'],
      ['sessionClosed', 's-1'],
    ]);
  });

  it('answer a request that is not JSON of the right shape with `rejected`, reaching no room', () => {
    const host = new FakeHost();
    const roles = new LocalGameRoles(host, resolveGameOptions());
    roles.join(encoder.encode('{"roomId":7}'), 'alice', 's-1');
    roles.resume(encoder.encode('not json'), 'alice', 's-1');
    expect(host.calls).toEqual([]);
    expect(host.events.map((event) => event.type)).toEqual(['rejected', 'rejected']);
  });

  it('open rooms here at once, numbered, up to the most there may be, and list the rooms here', () => {
    const host = new FakeHost();
    const roles = new LocalGameRoles(host, resolveGameOptions({ maxRooms: 2 }));
    const first = roles.openRoom();
    const second = roles.openRoom();
    expect([first, second].map((room) => (room instanceof Room ? room.id : room))).toEqual(['r1', 'r2']);
    expect(roles.openRoom()).toBe('every room is full');
    expect(roles.roomList().map((summary) => summary.roomId)).toEqual(['r1', 'r2']);
  });
});

/** Roles that keep what the service tells them and open rooms a moment later, as a cluster's do. */
class RecordingRoles implements GameRoles {
  readonly told: string[] = [];
  private readonly local: LocalGameRoles;
  private opened = 0;

  constructor(
    private readonly host: RoomHost,
    options = resolveGameOptions(),
  ) {
    this.local = new LocalGameRoles(host, options);
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  join(body: Uint8Array, login: string, sessionId: string): void | Promise<void> {
    // As a session of another node would come.
    const request = JSON.parse(new TextDecoder().decode(body)) as object;
    return this.host.join(request, login, sessionId, 'node-b');
  }
  resume(body: Uint8Array, login: string, sessionId: string): void {
    this.local.resume(body, login, sessionId);
  }
  leave(login: string, sessionId: string): void {
    this.local.leave(login, sessionId);
  }
  input(destination: string, body: Uint8Array, sessionId: string): void {
    this.local.input(destination, body, sessionId);
  }
  sessionClosed(login: string, sessionId: string): void {
    this.local.sessionClosed(login, sessionId);
  }
  async openRoom(): Promise<Room | string> {
    await Promise.resolve();
    const room = new Room(`x${++this.opened}`, resolveGameOptions(), 1);
    this.host.adopt(room, new Map());
    this.told.push(`opened ${room.id}`);
    return room;
  }
  roomChanged(roomId: string): void {
    if (this.told.at(-1) !== `changed ${roomId}`) this.told.push(`changed ${roomId}`);
  }
  roomClosed(room: Room): void {
    this.told.push(`closed ${room.id}`);
  }
  roomList(): RoomSummary[] {
    return this.local.roomList();
  }
  entered(sessionId: string, login: string, node: string, roomId: string): void {
    this.told.push(`entered ${sessionId} ${login} ${node} ${roomId}`);
  }
  exited(sessionId: string, node: string, roomId: string): void {
    this.told.push(`exited ${sessionId} ${node} ${roomId}`);
  }
}

describe('a game service given other roles', () => {
  let service: GameService | undefined;

  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });

  async function player(broker: Broker): Promise<TestClient> {
    const client = await connectClient(broker, { login: 'alice', passcode: 'alice' });
    client.send('SUBSCRIBE', { id: 'events', destination: GameDestination.events, receipt: 'sub' });
    await receipt(client, 'sub');
    return client;
  }

  async function receipt(client: TestClient, id: string): Promise<void> {
    const arrived = () => client.received('RECEIPT').some((frame) => header(frame, 'receipt-id') === id);
    await until(arrived, 5_000, `the receipt ${id}`);
  }

  function events(client: TestClient): GameEvent[] {
    return client.messages().map((frame) => JSON.parse(text(frame.body)) as GameEvent);
  }

  it('seats a join in the room the roles open for it once they have, and tells them of each session and room', async () => {
    const broker = new Broker();
    let roles: RecordingRoles | undefined;
    service = new GameService(broker, {}, undefined, (host, options) => {
      roles = new RecordingRoles(host, options);
      return roles;
    });
    await service.start();
    const alice = await player(broker);
    alice.send('SEND', { destination: GameDestination.join, receipt: 'join' }, '{}');
    await receipt(alice, 'join');
    expect(events(alice).map((event) => event.type)).toEqual(['joined']);
    expect(events(alice)[0]).toMatchObject({ roomId: 'x1' });
    const sessionId = service.room('x1')!.humanSeats()[0]!.sessionId!;

    alice.send('SEND', { destination: GameDestination.leave, receipt: 'leave' });
    await receipt(alice, 'leave');
    expect(events(alice).map((event) => event.type)).toEqual(['joined', 'left']);
    expect(roles!.told).toEqual([
      'changed x1',
      'opened x1',
      `entered ${sessionId} alice node-b x1`,
      'changed x1',
      `exited ${sessionId} node-b x1`,
      'changed x1',
      'closed x1',
    ]);
  });
});
