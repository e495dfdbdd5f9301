/**
 * A game client for tests, on a raw `StompProbe`: it logs in, reads its game events, subscribes to
 * snapshot streams and decodes them, and sends inputs exactly as given, so tests see the wire.
 */
import {
  type DecodedSnapshot,
  encodeInput,
  GameDestination,
  type GameEvent,
  type GameSnapshot,
  type JoinRequest,
  type PlayerInput,
  SnapshotReader,
} from '@stomping-ground/contracts';
import { type Frame, getHeader } from '@stomping-ground/protocol';
import { expect } from 'vitest';
import type { RunningServer } from '../support/app';
import { StompProbe } from '../support/probe';
import { connect, sendWithReceipt, subscribe } from '../support/raw';

/** A minted guest's name and passcode, as CONNECTED gave them. */
export interface GuestIdentity {
  readonly login: string;
  readonly passcode: string;
}

export class GamePeer {
  readonly probe: StompProbe;
  readonly login: string;
  readonly identity: GuestIdentity;
  /** Decoded binary snapshots of this peer's own stream, in arrival order. */
  readonly snapshots: DecodedSnapshot[] = [];
  readonly reader = new SnapshotReader();
  private readonly subscriptions = new Map<string, string>();
  private eventsTaken = 0;
  private framesRead = 0;
  private inputSeq = 0;
  sessionId = '';

  private constructor(probe: StompProbe, identity: GuestIdentity) {
    this.probe = probe;
    this.login = identity.login;
    this.identity = identity;
  }

  /**
   * A peer listening to its game events, on a server or a cluster's node: a guest the server mints,
   * as the game page is on its first visit, or one coming back with the identity it was given.
   */
  static async open(server: Pick<RunningServer, 'wsUrl'>, identity?: GuestIdentity): Promise<GamePeer> {
    const probe = await StompProbe.ws(server.wsUrl);
    const connected =
      identity === undefined
        ? await probe.connect()
        : await connect(probe, identity.login, identity.passcode);
    expect(connected.command).toBe('CONNECTED');
    const peer = new GamePeer(probe, {
      login: getHeader(connected.headers, 'user-name') ?? '',
      passcode: getHeader(connected.headers, 'guest-passcode') ?? '',
    });
    peer.sessionId = getHeader(connected.headers, 'session') ?? '';
    await peer.subscribe(GameDestination.events);
    return peer;
  }

  async subscribe(destination: string): Promise<void> {
    const id = `sub-${this.subscriptions.size}`;
    this.subscriptions.set(destination, id);
    await subscribe(this.probe, id, destination);
  }

  /** MESSAGE frames received on `destination`. */
  messages(destination: string): Frame[] {
    return this.probe.frames.filter(
      (frame) => frame.command === 'MESSAGE' && getHeader(frame.headers, 'destination') === destination,
    );
  }

  events(): GameEvent[] {
    return this.messages(GameDestination.events).map((frame) =>
      JSON.parse(new TextDecoder().decode(frame.body)),
    );
  }

  /** The next game event not yet taken. */
  async nextEvent(): Promise<GameEvent> {
    await this.probe.waitFor(() => this.events().length > this.eventsTaken, 5_000, 'a game event');
    return this.events()[this.eventsTaken++]!;
  }

  async send(destination: string, body: string | Uint8Array): Promise<void> {
    await sendWithReceipt(this.probe, 'SEND', [['destination', destination]], body);
  }

  async join(request: JoinRequest = {}): Promise<GameEvent> {
    await this.send(GameDestination.join, JSON.stringify(request));
    return this.nextEvent();
  }

  /** Joins as a player and subscribes to the player's own snapshot stream. */
  async play(request: JoinRequest = {}): Promise<Extract<GameEvent, { type: 'joined' }>> {
    const event = await this.join(request);
    if (event.type !== 'joined') throw new Error(`expected joined, got ${JSON.stringify(event)}`);
    await this.subscribe(GameDestination.playerSnapshots(event.roomId, event.playerId));
    return event;
  }

  /**
   * Sends an input, binary unless asked for JSON; `seq` runs on by itself and `ack` is the newest
   * snapshot decoded, unless given.
   */
  sendInput(roomId: string, keys: Partial<PlayerInput> = {}, format: 'binary' | 'json' = 'binary'): void {
    const input: PlayerInput = {
      seq: ++this.inputSeq,
      up: false,
      down: false,
      left: false,
      right: false,
      ack: this.reader.ack,
      ...keys,
    };
    const body = format === 'binary' ? encodeInput(input) : JSON.stringify(input);
    this.probe.send({ command: 'SEND', headers: [['destination', GameDestination.input(roomId)]], body });
  }

  /** Decodes what arrived on the player's own stream since the last call. */
  readSnapshots(): DecodedSnapshot[] {
    const fresh: DecodedSnapshot[] = [];
    const frames = this.probe.frames;
    for (; this.framesRead < frames.length; this.framesRead++) {
      const frame = frames[this.framesRead]!;
      const destination = frame.command === 'MESSAGE' ? getHeader(frame.headers, 'destination') : undefined;
      if (destination === undefined || !destination.startsWith('/user/queue/game/rooms/')) continue;
      const snapshot = this.reader.read(frame.body);
      if (snapshot !== undefined) {
        this.snapshots.push(snapshot);
        fresh.push(snapshot);
      }
    }
    return fresh;
  }

  /** Waits until a decoded snapshot satisfies `predicate`, and returns it. */
  async snapshotWhere(
    predicate: (snapshot: DecodedSnapshot) => boolean,
    timeoutMs = 5_000,
  ): Promise<DecodedSnapshot> {
    let found: DecodedSnapshot | undefined;
    await this.probe.waitFor(
      () => {
        found = this.readSnapshots().find(predicate) ?? found;
        return found !== undefined;
      },
      timeoutMs,
      'a matching snapshot',
    );
    return found!;
  }

  /**
   * Plays like a client: every 1/30 s an input with `keys`, for `ms`, reading snapshots as they come
   * (so acks follow).
   */
  async hold(
    roomId: string,
    keys: Partial<PlayerInput>,
    ms: number,
    format: 'binary' | 'json' = 'binary',
  ): Promise<void> {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      this.readSnapshots();
      this.sendInput(roomId, keys, format);
      await new Promise((resolve) => setTimeout(resolve, 1000 / 30));
    }
    this.readSnapshots();
  }

  jsonSnapshots(roomId: string): GameSnapshot[] {
    return this.messages(GameDestination.snapshotsJson(roomId)).map((frame) =>
      JSON.parse(new TextDecoder().decode(frame.body)),
    );
  }

  close(): Promise<unknown> {
    this.probe.close();
    return this.probe.closed;
  }
}

/** Steers toward the nearest orb, as a client would, until the player has scored. */
export async function scoreAPoint(
  player: GamePeer,
  roomId: string,
  timeoutMs = 10_000,
): Promise<DecodedSnapshot> {
  return player.snapshotWhere((snapshot) => {
    const me = snapshot.you!;
    if (me.score > 0) return true;
    const orb = [...snapshot.orbs].sort(
      (a, b) => (a.x - me.x) ** 2 + (a.y - me.y) ** 2 - ((b.x - me.x) ** 2 + (b.y - me.y) ** 2),
    )[0]!;
    // Two inputs per snapshot: one per tick.
    for (let i = 0; i < 2; i++) {
      player.sendInput(roomId, {
        left: orb.x < me.x - 4,
        right: orb.x > me.x + 4,
        up: orb.y < me.y - 4,
        down: orb.y > me.y + 4,
      });
    }
    return false;
  }, timeoutMs);
}
