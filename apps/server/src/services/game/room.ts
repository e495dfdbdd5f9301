/**
 * One room: a game state stepped by the loop, the seats around it, and the snapshots it sends.
 *
 * The room is the authority. Clients send intentions (keys) and the room decides where everyone
 * is: one input per player per tick, bots deciding for themselves, then `step`, the same function
 * the page runs to predict its own player. Then it tells a share of the players where everyone is,
 * so that each player hears every `ticksPerSnapshot` ticks.
 */
import { randomBytes } from 'node:crypto';
import {
  GameDestination,
  type GameWorld,
  type RoomSummary,
  SNAPSHOT_HISTORY,
  type PlayerInput as WireInput,
} from '@stomping-ground/contracts';
import {
  addPlayer,
  botInput,
  createBotMemory,
  createGame,
  type GameState,
  type PlayerInput,
  type PlayerState,
  removePlayer,
  step,
} from '@stomping-ground/game-sim';
import { InputQueue, type InputRejection } from './inputs';
import type { ResolvedGameOptions } from './options';
import { SAVED_ROOM_VERSION, type SavedBot, type SavedHuman, type SavedRoom } from './saved-room';
import { type BotSeat, botName, type HumanSeat, type PlayerSeat, type Spectator } from './seats';
import { jsonSnapshotOf, SnapshotBatch, SnapshotHistory, selfOf, worldOf } from './snapshots';

/** What a room sends through: the broker's `publish`, `sendToUser` and `hasSubscribers`. */
export interface RoomOutput {
  publish(destination: string, body: Uint8Array | string, headers?: Array<[string, string]>): void;
  sendToUser(login: string, destination: string, body: Uint8Array | string): void;
  hasSubscribers(topic: string): boolean;
}

const JSON_HEADERS: Array<[string, string]> = [['content-type', 'application/json']];

/** A restored room is never stepped more than this far ahead of its saved state. */
const MAX_RESTORE_GAP_MS = 60_000;
/**
 * Snapshot numbers a restored room skips beyond the ticks it missed: clients ignore a snapshot not
 * newer than the last they read, and the dead owner may have sent a few more than it saved.
 */
const RESTORE_SEQ_MARGIN_SECONDS = 2;

export class Room {
  readonly id: string;
  readonly world: GameWorld;
  private readonly options: ResolvedGameOptions;
  private state: GameState;
  private readonly seats = new Map<number, PlayerSeat>();
  private readonly tokens = new Map<string, HumanSeat>();
  private readonly spectators = new Map<string, Spectator>();
  private readonly history: SnapshotHistory;
  private nextPlayerId = 1;
  private botsMade = 0;
  private humans = 0;
  /** People per snapshot phase: a newcomer takes the least busy one, so every tick sends about as many. */
  private readonly phaseLoad: number[];
  private seq = 0;
  /** The topic's latest snapshot, published or not: what a new topic subscriber gets as a keyframe. */
  private latestTopic: SnapshotBatch | undefined;
  private keyframe: { seq: number; bytes: Uint8Array } | undefined;

  constructor(id: string, options: ResolvedGameOptions, seed: number) {
    this.id = id;
    this.options = options;
    this.state = createGame({ seed, arena: options.arena });
    // A snapshot is cut every tick (for a share of the players), so remembering as far back as the
    // client does takes `ticksPerSnapshot` times its count.
    this.history = new SnapshotHistory(SNAPSHOT_HISTORY * options.ticksPerSnapshot);
    this.phaseLoad = new Array(options.ticksPerSnapshot).fill(0);
    this.world = {
      width: options.arena.width,
      height: options.arena.height,
      tickRate: options.tickRate,
      snapshotRate: options.snapshotRate,
    };
    this.balanceBots();
  }

  /** People holding a seat, playing or away. */
  get humanCount(): number {
    return this.humans;
  }

  get hasFreeSeat(): boolean {
    return this.humans < this.options.roomCapacity;
  }

  get tick(): number {
    return this.state.tick;
  }

  summary(): RoomSummary {
    return {
      roomId: this.id,
      players: this.humans,
      bots: this.seats.size - this.humans,
      spectators: this.spectators.size,
      capacity: this.options.roomCapacity,
    };
  }

  /** Spectators, for telling them when the room closes. */
  watchers(): Spectator[] {
    return [...this.spectators.values()];
  }

  /** People's seats, playing or away. */
  humanSeats(): HumanSeat[] {
    const humans: HumanSeat[] = [];
    for (const seat of this.seats.values()) if (seat.kind === 'human') humans.push(seat);
    return humans;
  }

  /** The player's state in the simulation (tests and tools). */
  player(playerId: number): PlayerState | undefined {
    return this.state.players.find((player) => player.id === playerId);
  }

  // ── Seats ──────────────────────────────────────────────────────────────────────────────────────

  /** Seats a person; the caller checks `hasFreeSeat` first. A bot makes way if the room is over its minimum. */
  addHuman(login: string, sessionId: string, name: string): HumanSeat {
    const phase = this.phaseLoad.indexOf(Math.min(...this.phaseLoad));
    this.phaseLoad[phase]!++;
    const seat: HumanSeat = {
      kind: 'human',
      playerId: this.nextPlayerId++,
      name,
      phase,
      resumeToken: randomBytes(16).toString('base64url'),
      login,
      sessionId,
      awaySince: undefined,
      inputs: new InputQueue(this.options.inputSlack),
      lastInput: 0,
      ack: 0,
    };
    this.seat(seat);
    this.humans++;
    this.tokens.set(seat.resumeToken, seat);
    this.balanceBots();
    return seat;
  }

  removeHuman(seat: HumanSeat): void {
    if (this.seats.get(seat.playerId) !== seat) return;
    this.unseat(seat);
    this.humans--;
    this.phaseLoad[seat.phase]!--;
    this.tokens.delete(seat.resumeToken);
    this.balanceBots();
  }

  /** The connection dropped: the seat waits `resumeGraceMs` for a `resume`, the player coasting to a stop. */
  markAway(seat: HumanSeat, now: number): void {
    seat.sessionId = undefined;
    seat.awaySince = now;
    seat.inputs.reset();
  }

  seatForToken(token: string): HumanSeat | undefined {
    return this.tokens.get(token);
  }

  /** The seat the token belongs to, handed to a new session; undefined when there is none (left or expired). */
  resume(token: string, login: string, sessionId: string): HumanSeat | undefined {
    const seat = this.tokens.get(token);
    if (seat === undefined) return undefined;
    seat.login = login;
    seat.sessionId = sessionId;
    seat.awaySince = undefined;
    // The new connection has no snapshots yet and numbers its inputs afresh.
    seat.inputs.reset();
    seat.lastInput = 0;
    seat.ack = 0;
    return seat;
  }

  addSpectator(login: string, sessionId: string): void {
    this.spectators.set(sessionId, { login, sessionId });
  }

  removeSpectator(sessionId: string): boolean {
    return this.spectators.delete(sessionId);
  }

  private seat(seat: PlayerSeat): void {
    this.seats.set(seat.playerId, seat);
    this.state = addPlayer(this.state, seat.playerId);
  }

  private unseat(seat: PlayerSeat): void {
    this.seats.delete(seat.playerId);
    this.state = removePlayer(this.state, seat.playerId);
  }

  /** Bots fill the room up to `minPlayers` and leave (the newest first) as people come. */
  private balanceBots(): void {
    const wanted = Math.max(0, this.options.minPlayers - this.humans);
    let bots = this.seats.size - this.humans;
    while (bots < wanted) {
      const playerId = this.nextPlayerId++;
      const bot: BotSeat = {
        kind: 'bot',
        playerId,
        name: botName(this.botsMade++),
        memory: createBotMemory(this.state.rng ^ playerId),
      };
      this.seat(bot);
      bots++;
    }
    while (bots > wanted) {
      let newest: BotSeat | undefined;
      for (const seat of this.seats.values()) {
        if (seat.kind === 'bot' && (newest === undefined || seat.playerId > newest.playerId)) newest = seat;
      }
      this.unseat(newest!);
      bots--;
    }
  }

  // ── Handover ───────────────────────────────────────────────────────────────────────────────────

  /** The room as data, for another node to carry on with (`saved-room.ts`). `now` is the loop clock. */
  save(now: number): SavedRoom {
    const humans: SavedHuman[] = [];
    const bots: SavedBot[] = [];
    for (const seat of this.seats.values()) {
      if (seat.kind === 'bot') {
        bots.push({ playerId: seat.playerId, name: seat.name, memory: seat.memory });
        continue;
      }
      humans.push({
        playerId: seat.playerId,
        name: seat.name,
        phase: seat.phase,
        resumeToken: seat.resumeToken,
        login: seat.login,
        sessionId: seat.sessionId ?? null,
        awayMs: seat.awaySince === undefined ? null : Math.max(0, now - seat.awaySince),
        lastInput: seat.lastInput,
      });
    }
    return {
      version: SAVED_ROOM_VERSION,
      id: this.id,
      savedAt: Date.now(),
      state: this.state,
      seq: this.seq,
      nextPlayerId: this.nextPlayerId,
      botsMade: this.botsMade,
      humans,
      bots,
      spectators: [...this.spectators.values()],
    };
  }

  /**
   * A room carried on from its saved state. The world resumes where it was saved (what happened
   * after that on the dead owner is lost), but its clock moves on by the time elapsed since, so
   * ticks and snapshot numbers keep rising for the clients that saw the later ones. Seats keep
   * their sessions: the caller marks away those whose session is gone. `now` is the loop clock.
   */
  static restore(saved: SavedRoom, options: ResolvedGameOptions, now: number, wallNow = Date.now()): Room {
    const room = new Room(saved.id, options, saved.state.rng);
    const elapsedMs = Math.min(MAX_RESTORE_GAP_MS, Math.max(0, wallNow - saved.savedAt));
    const missedTicks = Math.round((elapsedMs * options.tickRate) / 1000);
    room.state = { ...saved.state, tick: saved.state.tick + missedTicks };
    room.seq = saved.seq + missedTicks + RESTORE_SEQ_MARGIN_SECONDS * options.tickRate;
    room.nextPlayerId = saved.nextPlayerId;
    room.botsMade = saved.botsMade;
    // The constructor's bots make way for the saved seats (the saved state already holds their players).
    room.seats.clear();
    room.phaseLoad.fill(0);
    for (const bot of saved.bots) room.seats.set(bot.playerId, { kind: 'bot', ...bot });
    for (const human of saved.humans) {
      const phase = human.phase < room.phaseLoad.length ? human.phase : 0;
      const seat: HumanSeat = {
        kind: 'human',
        playerId: human.playerId,
        name: human.name,
        phase,
        resumeToken: human.resumeToken,
        login: human.login,
        sessionId: human.sessionId ?? undefined,
        awaySince: human.awayMs === null ? undefined : now - human.awayMs - elapsedMs,
        inputs: new InputQueue(options.inputSlack),
        lastInput: human.lastInput,
        ack: 0,
      };
      room.seats.set(seat.playerId, seat);
      room.tokens.set(seat.resumeToken, seat);
      room.phaseLoad[phase]!++;
      room.humans++;
    }
    for (const spectator of saved.spectators) room.spectators.set(spectator.sessionId, { ...spectator });
    return room;
  }

  // ── Inputs ─────────────────────────────────────────────────────────────────────────────────────

  /** Queues a player's input; its `ack` counts at once, so the next snapshot can use it as a baseline. */
  offerInput(seat: HumanSeat, input: WireInput): InputRejection | undefined {
    const rejection = seat.inputs.offer(input);
    if (rejection !== undefined) return rejection;
    const ack = input.ack ?? 0;
    // An ack beyond what was sent is a confused (or lying) client: ignore it rather than trust it.
    if (ack > seat.ack && ack <= this.seq) seat.ack = ack;
    return undefined;
  }

  // ── The tick ───────────────────────────────────────────────────────────────────────────────────

  /**
   * One step of the game, and a snapshot when one is due. Returns the seats whose grace period ran
   * out during it (they are gone from the room).
   */
  advance(now: number, output: RoomOutput): HumanSeat[] {
    const expired = this.expireAway(now);
    const inputs = new Map<number, PlayerInput>();
    for (const seat of this.seats.values()) {
      if (seat.kind === 'bot') {
        const decision = botInput(this.state, seat.playerId, seat.memory);
        seat.memory = decision.memory;
        inputs.set(seat.playerId, decision.input);
      } else if (seat.sessionId !== undefined) {
        const next = seat.inputs.take();
        if (next === undefined) continue;
        if (next.fresh) seat.lastInput = next.input.seq;
        inputs.set(seat.playerId, next.input);
      }
    }
    this.state = step(this.state, inputs);
    this.sendSnapshots(output);
    return expired;
  }

  private expireAway(now: number): HumanSeat[] {
    const expired: HumanSeat[] = [];
    for (const seat of this.seats.values()) {
      if (seat.kind !== 'human' || seat.awaySince === undefined) continue;
      if (now - seat.awaySince >= this.options.resumeGraceMs) expired.push(seat);
    }
    for (const seat of expired) this.removeHuman(seat);
    return expired;
  }

  /**
   * Every tick cuts a snapshot (seq + 1) for a share of the players: those whose phase is this
   * tick's. Each player still gets `snapshotRate` a second, every `ticksPerSnapshot` ticks,
   * but the work of encoding and queueing them is spread evenly over the ticks rather than piled
   * on every other one, which keeps the slowest tick fast. The topics go out on phase 0, and only
   * when someone reads them: the JSON one is by far the dearest to build.
   */
  private sendSnapshots(output: RoomOutput): void {
    const { ticksPerSnapshot } = this.options;
    const phase = this.state.tick % ticksPerSnapshot;
    const seq = ++this.seq;
    const world = worldOf(this.state, this.seats);
    this.history.add(seq, world);
    const batch = new SnapshotBatch(this.state.tick, seq, world, this.history);
    for (const player of this.state.players) {
      const seat = this.seats.get(player.id);
      if (seat?.kind !== 'human' || seat.phase !== phase || seat.sessionId === undefined) continue;
      output.sendToUser(
        seat.login,
        GameDestination.playerSnapshots(this.id, seat.playerId),
        batch.forPlayer(seat.ack, seat.lastInput, selfOf(player)),
      );
    }
    if (phase !== 0) return;

    const previous = this.latestTopic?.seq ?? 0;
    this.latestTopic = batch;
    const topic = GameDestination.snapshots(this.id);
    if (output.hasSubscribers(topic)) {
      // A keyframe once a second, deltas against the previous topic snapshot between them.
      const keyframe = this.state.tick % (ticksPerSnapshot * this.options.keyframeEvery) === 0;
      output.publish(topic, batch.forTopic(keyframe ? 0 : previous));
    }
    const json = GameDestination.snapshotsJson(this.id);
    if (output.hasSubscribers(json)) output.publish(json, this.latestJson(), JSON_HEADERS);
  }

  /**
   * What a new subscriber to the binary topic gets first: a keyframe of the topic's latest
   * snapshot, so the next delta on the topic (against that snapshot) decodes at once.
   */
  latestKeyframe(): Uint8Array | undefined {
    const latest = this.latestTopic;
    if (latest === undefined) return undefined;
    if (this.keyframe?.seq !== latest.seq) this.keyframe = { seq: latest.seq, bytes: latest.forTopic(0) };
    return this.keyframe.bytes;
  }

  /** The room now, as JSON: no deltas there, so any moment will do. */
  latestJson(): string {
    return JSON.stringify(jsonSnapshotOf(this.state, this.seq, this.seats));
  }
}
