/**
 * The netcode lab's world, after Gabriel Gambetta's "Fast-Paced Multiplayer" demo: one
 * authoritative server and two clients in one page, joined by simulated links with lag and jitter.
 * The server runs the real game step (`@stomping-ground/game-sim`) at its fixed tick; each client
 * sends its keys once a tick and can predict its own player with the same `applyInput`, reconcile
 * with the server's answer by replaying what the server has not seen yet, and interpolate the other
 * player between two past snapshots. Switch each off to see what it is for.
 *
 * Time is passed in (`advance(now)`), so the model has no clock of its own and no DOM.
 */
import {
  type ArenaConfig,
  addPlayer,
  applyInput,
  createGame,
  type GameState,
  type PlayerId,
  type PlayerInput,
  type PlayerState,
  step,
  TICK_SECONDS,
} from '@stomping-ground/game-sim';

export const LAB_ARENA: ArenaConfig = { width: 960, height: 320, orbCount: 8 };
const TICK_MS = TICK_SECONDS * 1000;
/** A frame that took longer than this (a hidden tab) is not caught up tick by tick. */
const MAX_CATCH_UP_MS = 250;

export interface NetcodeSettings {
  /** One-way delay of each link, in ms. */
  lagMs: number;
  /** Extra random delay, 0 to this, in ms; order is kept, as over TCP. */
  jitterMs: number;
  /** Snapshots the server sends each client per second. */
  updatesPerSecond: number;
  prediction: boolean;
  reconciliation: boolean;
  interpolation: boolean;
}

export const DEFAULT_SETTINGS: NetcodeSettings = {
  lagMs: 150,
  jitterMs: 30,
  updatesPerSecond: 10,
  prediction: true,
  reconciliation: true,
  interpolation: true,
};

export interface Keys {
  up: boolean;
  down: boolean;
  left: boolean;
  right: boolean;
}

/** A link that delivers each message after the lag plus jitter, never before an earlier one. */
export class LatencyLink<T> {
  private readonly queue: { at: number; message: T }[] = [];
  private lastAt = 0;

  constructor(
    private readonly settings: NetcodeSettings,
    private readonly random: () => number = Math.random,
  ) {}

  send(message: T, now: number): void {
    const at = Math.max(this.lastAt, now + this.settings.lagMs + this.random() * this.settings.jitterMs);
    this.lastAt = at;
    this.queue.push({ at, message });
  }

  /** The messages due by `now`, oldest first. */
  receive(now: number): T[] {
    let due = 0;
    while (due < this.queue.length && this.queue[due]!.at <= now) due++;
    return this.queue.splice(0, due).map((entry) => entry.message);
  }

  get inFlight(): number {
    return this.queue.length;
  }
}

interface Snapshot {
  readonly players: readonly PlayerState[];
  /** Per player, the last input the server applied. */
  readonly acked: ReadonlyMap<PlayerId, number>;
}

class LabServer {
  state: GameState;
  private readonly queues = new Map<PlayerId, PlayerInput[]>();
  readonly acked = new Map<PlayerId, number>();

  constructor(ids: readonly PlayerId[]) {
    let state = createGame({ seed: 7, arena: LAB_ARENA });
    for (const id of ids) {
      state = addPlayer(state, id);
      this.queues.set(id, []);
      this.acked.set(id, 0);
    }
    this.state = state;
  }

  receive(id: PlayerId, input: PlayerInput): void {
    this.queues.get(id)?.push(input);
  }

  /** One tick: one queued input per player (a player with none coasts), then the real step. */
  tick(): void {
    const inputs = new Map<PlayerId, PlayerInput>();
    for (const [id, queue] of this.queues) {
      const input = queue.shift();
      if (input === undefined) continue;
      inputs.set(id, input);
      this.acked.set(id, input.seq);
    }
    this.state = step(this.state, inputs);
  }

  snapshot(): Snapshot {
    return { players: this.state.players, acked: new Map(this.acked) };
  }
}

interface Sample {
  readonly at: number;
  readonly x: number;
  readonly y: number;
}

export class LabClient {
  readonly keys: Keys = { up: false, down: false, left: false, right: false };
  /** Drives itself, sweeping left and right, when set. */
  auto = false;
  /** This client's own player as it shows it. */
  self: PlayerState | undefined;
  /** Inputs sent that the server has not yet confirmed applying. */
  pending: PlayerInput[] = [];
  private seq = 0;
  private readonly others = new Map<PlayerId, Sample[]>();
  lastUpdateAt = 0;

  constructor(
    readonly id: PlayerId,
    private readonly settings: NetcodeSettings,
    readonly uplink: LatencyLink<PlayerInput>,
    readonly downlink: LatencyLink<Snapshot>,
  ) {}

  /** One client tick: read the keys, send them, and predict their effect if prediction is on. */
  tick(now: number): void {
    const keys = this.auto ? autoKeys(now, this.id) : this.keys;
    this.seq += 1;
    const input: PlayerInput = { seq: this.seq, ...keys };
    this.uplink.send(input, now);
    if (this.settings.prediction && this.self) {
      this.self = applyInput(this.self, input, TICK_SECONDS, LAB_ARENA);
      this.pending.push(input);
    }
  }

  /** Applies the snapshots that have arrived. */
  receive(now: number): void {
    for (const snapshot of this.downlink.receive(now)) {
      this.lastUpdateAt = now;
      const authoritative = snapshot.players.find((player) => player.id === this.id);
      const acked = snapshot.acked.get(this.id) ?? 0;
      if (authoritative) {
        if (this.settings.prediction && this.settings.reconciliation) {
          // Start from the server's word and replay what it has not applied yet: the same
          // applyInput, so the replay lands where the server will.
          this.pending = this.pending.filter((input) => input.seq > acked);
          let replayed = authoritative;
          for (const input of this.pending) replayed = applyInput(replayed, input, TICK_SECONDS, LAB_ARENA);
          this.self = replayed;
        } else {
          this.pending = [];
          this.self = authoritative;
        }
      }
      for (const player of snapshot.players) {
        if (player.id === this.id) continue;
        const samples = this.others.get(player.id) ?? [];
        samples.push({ at: now, x: player.x, y: player.y });
        // Two seconds of history is far more than interpolation needs.
        while (samples.length > 2 && samples[0]!.at < now - 2000) samples.shift();
        this.others.set(player.id, samples);
      }
    }
  }

  /** Where this client draws each other player: interpolated one update interval back, or the latest. */
  otherPositions(now: number): { id: PlayerId; x: number; y: number }[] {
    const positions: { id: PlayerId; x: number; y: number }[] = [];
    const renderAt = now - 1000 / this.settings.updatesPerSecond;
    for (const [id, samples] of this.others) {
      const latest = samples[samples.length - 1];
      if (!latest) continue;
      if (!this.settings.interpolation) {
        positions.push({ id, x: latest.x, y: latest.y });
        continue;
      }
      let index = samples.length - 1;
      while (index > 0 && samples[index - 1]!.at > renderAt) index--;
      const before = samples[index - 1];
      const after = samples[index]!;
      if (!before || renderAt >= after.at) {
        positions.push({ id, x: after.x, y: after.y });
        continue;
      }
      const share = Math.min(1, Math.max(0, (renderAt - before.at) / (after.at - before.at)));
      positions.push({
        id,
        x: before.x + (after.x - before.x) * share,
        y: before.y + (after.y - before.y) * share,
      });
    }
    return positions;
  }
}

/** The keys of a client on "auto": a second and a half right, then as long left. */
function autoKeys(now: number, id: PlayerId): Keys {
  const right = Math.floor((now + id * 700) / 1500) % 2 === 0;
  return { up: false, down: false, left: !right, right };
}

/** The whole lab: a server, two clients, four links, one clock. */
export class NetcodeWorld {
  readonly settings: NetcodeSettings;
  readonly server: LabServer;
  readonly clients: readonly [LabClient, LabClient];
  private lastNow: number | undefined;
  private serverClock = 0;
  private clientClock = 0;
  private updateClock = 0;

  constructor(settings: NetcodeSettings = { ...DEFAULT_SETTINGS }) {
    this.settings = settings;
    this.server = new LabServer([1, 2]);
    const client = (id: PlayerId) =>
      new LabClient(
        id,
        settings,
        new LatencyLink<PlayerInput>(settings),
        new LatencyLink<Snapshot>(settings),
      );
    this.clients = [client(1), client(2)];
    for (const labClient of this.clients) {
      labClient.self = this.server.state.players.find((player) => player.id === labClient.id);
    }
  }

  /** Runs everything due up to `now` (ms), in fixed ticks. */
  advance(now: number): void {
    const elapsed = this.lastNow === undefined ? 0 : Math.min(MAX_CATCH_UP_MS, now - this.lastNow);
    this.lastNow = now;
    const start = now - elapsed;
    this.clientClock += elapsed;
    this.serverClock += elapsed;
    this.updateClock += elapsed;
    let at = start;
    while (this.clientClock >= TICK_MS) {
      this.clientClock -= TICK_MS;
      at += TICK_MS;
      for (const client of this.clients) client.tick(Math.min(at, now));
    }
    for (const client of this.clients) {
      for (const input of client.uplink.receive(now)) this.server.receive(client.id, input);
    }
    while (this.serverClock >= TICK_MS) {
      this.serverClock -= TICK_MS;
      this.server.tick();
    }
    const updateMs = 1000 / this.settings.updatesPerSecond;
    if (this.updateClock >= updateMs) {
      this.updateClock %= updateMs;
      const snapshot = this.server.snapshot();
      for (const client of this.clients) client.downlink.send(snapshot, now);
    }
    for (const client of this.clients) client.receive(now);
  }
}
