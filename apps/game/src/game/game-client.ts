/**
 * The game client: joins a room, turns keys into inputs and snapshots into what the scene draws,
 * with each netcode technique applied as the settings say.
 *
 *   keys ──(every tick)──▶ input #seq ──▶ predict locally ──▶ SEND /app/game/rooms/{id}/input
 *   MESSAGE snapshot ──▶ decode ──▶ reconcile own player   (prediction.ts)
 *                                └─▶ interpolation buffer   (interpolation.ts)
 *   every frame: own player = prediction, others = buffer sampled at serverNow − delay
 *
 * It also keeps the seat across reconnects: `joined` hands out a resume token, and after a dropped
 * connection the first thing the new session does is `resume` with it.
 */
import type { Client, IMessage, StompSubscription } from '@stomp/stompjs';
import {
  encodeInput,
  GameDestination,
  GameEventSchema,
  GameMessageTag,
  GameSnapshotSchema,
  type GameWorld,
  type JoinRequest,
  type PlayerInput,
  parseJsonBody,
  type ResumeRequest,
  SnapshotReader,
} from '@stomping-ground/contracts';
import { applyInput, type PlayerState, TICK_RATE } from '@stomping-ground/game-sim';
import { type StoredSeat, saveSeat } from '../net/identity';
import { RateMeter } from '../net/rate-meter';
import { InputSequencer } from '../netcode/input-sequencer';
import { InterpolationBuffer, lerpById, SampleStatus } from '../netcode/interpolation';
import { Predictor } from '../netcode/prediction';
import { RecentMedian } from '../netcode/recent-median';
import { ServerClock } from '../netcode/server-clock';
import { type NetcodeSettings, SnapshotFormat } from '../netcode/settings';
import { TickTimer } from '../netcode/tick-timer';
import type { ArenaView, PlayerView } from '../scene/view';
import type { HeldKeys } from './keyboard';
import { Mode } from './mode';
import {
  fromBinary,
  fromJson,
  isAway,
  isDashing,
  isStunned,
  otherFormatBytes,
  type WorldSnapshot,
} from './snapshots';

export interface Seat {
  readonly mode: Mode;
  readonly roomId: string | undefined;
  readonly playerId: number | undefined;
}

export interface GameClientEvents {
  onSeat(seat: Seat): void;
  onMessage(text: string): void;
  onSnapshotSizes(binaryBytes: number, jsonBytes: number): void;
}

export interface GameClientOptions {
  readonly name: () => string;
  readonly keys: () => HeldKeys;
  readonly settings: () => NetcodeSettings;
  readonly events: GameClientEvents;
  /** Seat to take back at start-up (a reload within the grace period). */
  readonly storedSeat?: StoredSeat | undefined;
  /** What to do once connected, when there is no seat to take back. */
  readonly initial?: Intent | undefined;
}

/** What the page means to be doing; kept across reconnects. */
export interface Intent {
  readonly mode: typeof Mode.PLAYING | typeof Mode.SPECTATING;
  readonly roomId?: string | undefined;
}

/**
 * How often one input carries a `receipt` header, to time a round trip to the broker and back: four
 * times a second, so the median of the last five follows a change of latency within about a second.
 */
const RTT_PROBE_MS = 250;
/** Round-trip probes the shown figure is the median of. */
const RTT_WINDOW = 5;
/** Acknowledged inputs the input→ack figure is the median of: about a second of snapshots. */
const INPUT_ACK_WINDOW = 15;
/** A move longer than this between two snapshots is a respawn or teleport: not interpolated. */
const SNAP_DISTANCE = 200;
const DEFAULT_WORLD: GameWorld = { width: 1600, height: 1000, tickRate: TICK_RATE, snapshotRate: 15 };

export class GameClient {
  private stomp: Client | undefined;
  private sessionId: string | undefined;
  private intent: Intent | undefined;
  private awaiting: 'join' | 'resume' | undefined;
  private mode: Mode = Mode.NONE;
  private roomId: string | undefined;
  private playerId: number | undefined;
  private resumeToken: string | undefined;
  private world: GameWorld | undefined;
  private snapshotSubscription: StompSubscription | undefined;
  private subscribedFormat: SnapshotFormat | undefined;
  /** Sends one input per tick while playing, on a drift-free schedule (see tick-timer.ts). */
  private inputTimer: TickTimer | undefined;
  /** A failed resume tries the seat's room again; if that is refused too, any room. */
  private anywhereIfRefused = false;
  /** After a resume, inputs wait for the first snapshot to learn where the seat's sequence stands. */
  private sequenceKnown = true;

  // ── Netcode state ───────────────────────────────────────────────────────────────────────────────
  private readonly sequencer = new InputSequencer();
  private readonly predictor = new Predictor<PlayerState, PlayerInput>((state, input) =>
    applyInput(state, input, 1 / this.tickRate, this.world ?? DEFAULT_WORLD),
  );
  private readonly buffer = new InterpolationBuffer<WorldSnapshot>();
  private readonly clock = new ServerClock();
  private readonly reader = new SnapshotReader();
  private latest: WorldSnapshot | undefined;
  /** The own player as drawn one tick ago, and when the newest tick began: see `ownPosition`. */
  private previousOwn: { x: number; y: number } | undefined;
  private lastInputAt = 0;

  // ── Measurements ────────────────────────────────────────────────────────────────────────────────
  readonly snapshotMeter = new RateMeter();
  private readonly rtt = new RecentMedian(RTT_WINDOW);
  private readonly inputAck = new RecentMedian(INPUT_ACK_WINDOW);
  private lastProbeAt = 0;
  private probeCount = 0;
  private lastCorrection: number | undefined;

  constructor(private readonly options: GameClientOptions) {
    this.intent = options.initial;
    if (options.storedSeat) {
      this.roomId = options.storedSeat.roomId;
      this.resumeToken = options.storedSeat.resumeToken;
      this.intent = { mode: Mode.PLAYING, roomId: options.storedSeat.roomId };
    }
  }

  private get tickRate(): number {
    return this.world?.tickRate ?? TICK_RATE;
  }

  // ── Session ─────────────────────────────────────────────────────────────────────────────────────

  /** A STOMP session is up (the first, or one after a reconnect). */
  connected(stomp: Client, sessionId: string | undefined): void {
    this.stomp = stomp;
    this.sessionId = sessionId;
    // The old session's subscriptions died with it.
    this.snapshotSubscription = undefined;
    this.subscribedFormat = undefined;
    this.stopInputs();
    stomp.subscribe(GameDestination.events, (message) => this.onEvent(message));

    if (this.mode === Mode.PLAYING || (this.resumeToken !== undefined && this.roomId !== undefined)) {
      this.resume();
    } else if (this.intent !== undefined) {
      this.join(this.intent);
    }
  }

  /** The connection dropped: stop sending, keep the seat for `resume`. */
  disconnected(): void {
    this.stomp = undefined;
    this.stopInputs();
    this.snapshotSubscription = undefined;
    this.subscribedFormat = undefined;
  }

  play(roomId?: string): void {
    this.switchTo({ mode: Mode.PLAYING, roomId: roomId || undefined });
  }

  spectate(roomId?: string): void {
    this.switchTo({ mode: Mode.SPECTATING, roomId: roomId || this.roomId });
  }

  leave(): void {
    this.intent = undefined;
    if (this.mode !== Mode.NONE && this.stomp?.connected) {
      this.stomp.publish({ destination: GameDestination.leave, body: '' });
    }
    this.clearSeat();
  }

  private switchTo(intent: Intent): void {
    if (this.mode !== Mode.NONE && this.stomp?.connected) {
      this.stomp.publish({ destination: GameDestination.leave, body: '' });
    }
    this.clearSeat();
    this.intent = intent;
    if (this.stomp?.connected) this.join(intent);
  }

  private join(intent: Intent): void {
    const request: JoinRequest = {
      name: this.options.name(),
      ...(intent.roomId ? { roomId: intent.roomId } : {}),
      ...(intent.mode === Mode.SPECTATING ? { spectate: true } : {}),
    };
    this.awaiting = 'join';
    this.publishJson(GameDestination.join, request);
    this.options.events.onMessage(intent.mode === Mode.SPECTATING ? 'joining as a spectator…' : 'joining…');
  }

  private resume(): void {
    if (this.roomId === undefined || this.resumeToken === undefined) return;
    const request: ResumeRequest = { roomId: this.roomId, resumeToken: this.resumeToken };
    this.awaiting = 'resume';
    this.publishJson(GameDestination.resume, request);
    this.options.events.onMessage(`taking seat ${this.playerId ?? ''} in room ${this.roomId} back…`);
  }

  private onEvent(message: IMessage): void {
    // Events go to every session of this login (another tab under the same name, say); an answer
    // names the session whose request it answers.
    const session = message.headers.session;
    if (session !== undefined && this.sessionId !== undefined && session !== this.sessionId) return;
    const event = parseJsonBody(GameEventSchema, message.body);
    if (event === undefined) return;
    // And a page only takes the answer to a request it is waiting for.
    switch (event.type) {
      case 'joined':
        if (this.awaiting !== 'join') return;
        this.awaiting = undefined;
        this.takeSeat(Mode.PLAYING, event.roomId, event.playerId, event.world);
        this.resumeToken = event.resumeToken;
        saveSeat({ roomId: event.roomId, resumeToken: event.resumeToken });
        this.options.events.onMessage(`joined room ${event.roomId} as player ${event.playerId}`);
        break;
      case 'resumed':
        if (this.awaiting !== 'resume') return;
        this.awaiting = undefined;
        this.takeSeat(Mode.PLAYING, event.roomId, event.playerId, event.world);
        // The seat's input sequence continues on the server: wait for a snapshot to say where.
        this.sequenceKnown = false;
        this.options.events.onMessage(`resumed seat ${event.playerId} in room ${event.roomId}`);
        break;
      case 'spectating':
        if (this.awaiting !== 'join') return;
        this.awaiting = undefined;
        this.takeSeat(Mode.SPECTATING, event.roomId, undefined, event.world);
        this.options.events.onMessage(`watching room ${event.roomId}`);
        break;
      case 'rejected':
        if (this.awaiting === undefined) return;
        if (this.awaiting === 'resume') {
          // The grace period is over: join afresh, in the same room if it is still open.
          const roomId = this.roomId;
          this.clearSeat();
          this.options.events.onMessage(`could not resume (${event.reason}); joining again`);
          this.intent = { mode: Mode.PLAYING, roomId };
          this.anywhereIfRefused = true;
          this.join(this.intent);
        } else if (this.anywhereIfRefused) {
          // That room is gone too (the server restarted, say): any room will do.
          this.anywhereIfRefused = false;
          this.intent = { mode: this.intent?.mode ?? Mode.PLAYING };
          this.join(this.intent);
        } else {
          this.awaiting = undefined;
          this.options.events.onMessage(`refused: ${event.reason}`);
        }
        break;
      case 'left':
        if (event.roomId === this.roomId) {
          this.clearSeat();
          this.options.events.onMessage(`left room ${event.roomId}`);
        }
        break;
    }
  }

  private takeSeat(mode: Mode, roomId: string, playerId: number | undefined, world: GameWorld): void {
    const newRoom = roomId !== this.roomId || playerId !== this.playerId;
    this.anywhereIfRefused = false;
    this.mode = mode;
    this.roomId = roomId;
    this.playerId = playerId;
    this.world = world;
    this.intent = { mode: mode === Mode.SPECTATING ? Mode.SPECTATING : Mode.PLAYING, roomId };
    // A new session or seat: nothing buffered or predicted carries over.
    this.buffer.clear();
    this.clock.reset();
    this.reader.reset();
    this.predictor.reset();
    this.latest = undefined;
    this.previousOwn = undefined;
    this.lastCorrection = undefined;
    if (newRoom) this.sequencer.reset();
    this.syncSubscription();
    if (mode === Mode.PLAYING) this.startInputs();
    this.options.events.onSeat(this.seat);
  }

  private clearSeat(): void {
    this.stopInputs();
    this.snapshotSubscription?.unsubscribe();
    this.snapshotSubscription = undefined;
    this.subscribedFormat = undefined;
    this.mode = Mode.NONE;
    this.roomId = undefined;
    this.playerId = undefined;
    this.resumeToken = undefined;
    this.awaiting = undefined;
    this.buffer.clear();
    this.latest = undefined;
    saveSeat(undefined);
    this.options.events.onSeat(this.seat);
  }

  get seat(): Seat {
    return { mode: this.mode, roomId: this.roomId, playerId: this.playerId };
  }

  // ── Snapshots ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Subscribes to the snapshots in the chosen format, and only those: switching format swaps the
   * subscription. Called when seated and whenever the settings change.
   *
   * - binary, playing: the player's own deltas (exact own state, last input applied);
   * - binary, watching: the room's topic (a keyframe a second, deltas between);
   * - JSON, either: the room's JSON topic, everything for everyone at full precision.
   */
  syncSubscription(): void {
    const stomp = this.stomp;
    const format = this.options.settings().snapshotFormat;
    const roomId = this.roomId;
    if (!stomp?.connected || roomId === undefined || this.mode === Mode.NONE) return;
    if (this.subscribedFormat === format) return;
    this.snapshotSubscription?.unsubscribe();
    let destination: string;
    if (format === SnapshotFormat.JSON) destination = GameDestination.snapshotsJson(roomId);
    else if (this.mode === Mode.PLAYING && this.playerId !== undefined) {
      destination = GameDestination.playerSnapshots(roomId, this.playerId);
    } else destination = GameDestination.snapshots(roomId);
    // A new stream: the deltas it sends are against snapshots of its own.
    this.reader.reset();
    this.snapshotSubscription = stomp.subscribe(destination, (message) => this.onSnapshot(message));
    this.subscribedFormat = format;
  }

  private onSnapshot(message: IMessage): void {
    const now = performance.now();
    let snapshot: WorldSnapshot | undefined;
    try {
      // stompjs hands every body over as bytes; the first byte tells the formats apart (a binary
      // snapshot starts with a tag that can never start UTF-8 text, a JSON one with "{").
      const bytes = message.binaryBody;
      if (bytes[0] === GameMessageTag.SNAPSHOT) {
        const decoded = this.reader.read(bytes);
        if (decoded === undefined) return; // its baseline is unknown: the next keyframe will do
        snapshot = fromBinary(decoded, bytes.length);
      } else {
        const json = parseJsonBody(GameSnapshotSchema, message.body);
        if (json === undefined) return;
        snapshot = fromJson(json, this.playerId, bytes.length);
      }
    } catch {
      return; // malformed: skip it, the next one may be fine
    }
    this.accept(snapshot, now);
  }

  /** A decoded snapshot, from whichever source: feed the clock, the buffer and the predictor. */
  private accept(snapshot: WorldSnapshot, now: number): void {
    if (this.latest !== undefined && snapshot.tick <= this.latest.tick) return;
    const previous = this.latest;
    this.latest = snapshot;
    this.snapshotMeter.record(now, snapshot.bytes);
    const serverTime = (snapshot.tick * 1000) / this.tickRate;
    this.clock.observe(serverTime, now);
    this.buffer.push(serverTime, snapshot);

    try {
      const other = otherFormatBytes(snapshot, previous);
      if (snapshot.format === SnapshotFormat.BINARY)
        this.options.events.onSnapshotSizes(snapshot.bytes, other);
      else this.options.events.onSnapshotSizes(other, snapshot.bytes);
    } catch {
      // a snapshot the estimate cannot re-encode: leave the last sizes shown
    }

    if (this.mode !== Mode.PLAYING) return;
    const own = this.ownServerState(snapshot);
    if (own === undefined) return;
    if (!this.sequenceKnown) {
      // After a resume: continue numbering after whatever the server last applied for this seat.
      this.sequencer.reset(Math.max(this.sequencer.next - 1, snapshot.lastInput));
      this.sequenceKnown = true;
    }
    const ackTime = this.sequencer.acknowledge(snapshot.lastInput, now);
    if (ackTime !== undefined) this.inputAck.add(ackTime);

    // Reconciliation (see prediction.ts): the server's state, plus the inputs it has not seen.
    const settings = this.options.settings();
    const before = this.predictor.state;
    const result = this.predictor.reconcile(
      own,
      snapshot.lastInput,
      settings.prediction && settings.reconciliation,
    );
    // Without prediction there is nothing to correct: the page shows the server's state as it is.
    this.lastCorrection = settings.prediction ? result.correction : undefined;
    // Keep the frame-to-frame smoothing of the own player from blending across a correction.
    if (before !== undefined && this.previousOwn !== undefined) {
      this.previousOwn = {
        x: this.previousOwn.x + (result.state.x - before.x),
        y: this.previousOwn.y + (result.state.y - before.y),
      };
    }
  }

  /** The own player's exact server state in a snapshot, as game-sim's `PlayerState`. */
  private ownServerState(snapshot: WorldSnapshot): PlayerState | undefined {
    const you = snapshot.you;
    if (you === null || you.id !== this.playerId) return undefined;
    return { ...you };
  }

  // ── Inputs ──────────────────────────────────────────────────────────────────────────────────────

  private startInputs(): void {
    // One input per simulation tick, sampled from the keys as it is sent: the server takes one
    // step per tick, merging whatever arrived since the last one (see the server's inputs.ts).
    // A new seat's figures start afresh: the old room's round trips say nothing of this one.
    this.rtt.reset();
    this.inputAck.reset();
    this.inputTimer?.stop();
    this.inputTimer = new TickTimer(1000 / this.tickRate, () => this.sendInput());
    this.inputTimer.start();
  }

  private stopInputs(): void {
    this.inputTimer?.stop();
  }

  private sendInput(): void {
    const stomp = this.stomp;
    if (!stomp?.connected || this.roomId === undefined || this.mode !== Mode.PLAYING || !this.sequenceKnown)
      return;
    const now = performance.now();
    const keys = this.options.keys();
    const settings = this.options.settings();
    const input: PlayerInput = {
      seq: this.sequencer.take(now),
      ...keys,
      // The newest binary snapshot decoded: the server encodes the next one as a delta against it.
      ack: this.reader.ack,
    };

    // Prediction: apply the input to the own player now (and keep it for replay either way).
    const before = this.predictor.state;
    this.predictor.input(input, settings.prediction);
    this.previousOwn = before === undefined ? undefined : { x: before.x, y: before.y };
    this.lastInputAt = now;

    const headers: Record<string, string> = {};
    if (now - this.lastProbeAt >= RTT_PROBE_MS) {
      // A RECEIPT comes back once the broker has handled this SEND: a clean network round trip.
      this.lastProbeAt = now;
      const receipt = `rtt-${++this.probeCount}`;
      headers.receipt = receipt;
      stomp.watchForReceipt(receipt, () => this.rtt.add(performance.now() - now));
    }
    const destination = GameDestination.input(this.roomId);
    if (settings.snapshotFormat === SnapshotFormat.JSON) {
      stomp.publish({
        destination,
        body: JSON.stringify(input),
        headers: { ...headers, 'content-type': 'application/json' },
      });
    } else {
      stomp.publish({ destination, binaryBody: encodeInput(input), headers });
    }
  }

  private publishJson(destination: string, body: unknown): void {
    if (!this.stomp?.connected) return;
    this.stomp.publish({
      destination,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  }

  // ── Rendering ───────────────────────────────────────────────────────────────────────────────────

  /** Render time for the others: the server's time now, minus the interpolation delay. */
  private renderTime(now: number): number {
    return this.clock.now(now) - this.options.settings().interpolationDelayMs;
  }

  /**
   * The own player's drawn position. Prediction advances in whole ticks (30 a second), and the
   * screen refreshes faster, so the drawn position glides from the previous tick's result to the
   * newest over one tick: at most one tick behind, never a stair-step.
   */
  private ownPosition(now: number, predicted: PlayerState): { x: number; y: number } {
    const previous = this.previousOwn;
    if (previous === undefined) return predicted;
    const alpha = Math.min(1, Math.max(0, (now - this.lastInputAt) / (1000 / this.tickRate)));
    return {
      x: previous.x + (predicted.x - previous.x) * alpha,
      y: previous.y + (predicted.y - previous.y) * alpha,
    };
  }

  /** What the scene draws this frame. */
  frame(now: number): ArenaView {
    const world = this.world ?? DEFAULT_WORLD;
    const latest = this.latest;
    if (latest === undefined) {
      return {
        width: world.width,
        height: world.height,
        players: [],
        orbs: [],
        banner:
          this.mode === Mode.NONE && this.awaiting === undefined
            ? 'not in a room'
            : 'waiting for the first snapshot…',
      };
    }
    const settings = this.options.settings();

    // Others: interpolated between the two snapshots around the render time, or the newest as is.
    let source = latest;
    let others = latest.players;
    if (settings.interpolation) {
      const sample = this.buffer.sample(this.renderTime(now));
      if (sample !== undefined) {
        source = sample.t >= 0.5 ? sample.to.value : sample.from.value;
        others =
          sample.status === SampleStatus.INTERPOLATING
            ? lerpById(sample.from.value.players, sample.to.value.players, sample.t, SNAP_DISTANCE)
            : sample.from.value.players;
      }
    }

    // Own player: predicted, or else the newest server state.
    const predicted = settings.prediction ? this.predictor.state : undefined;
    const serverOwn = this.mode === Mode.PLAYING ? this.ownServerState(latest) : undefined;
    const ownAt = predicted !== undefined ? this.ownPosition(now, predicted) : serverOwn;

    const players: PlayerView[] = [];
    const latestById = new Map(latest.players.map((player) => [player.id, player]));
    for (const player of others) {
      if (player.id === this.playerId) continue;
      players.push({
        id: player.id,
        name: player.name,
        x: player.x,
        y: player.y,
        score: latestById.get(player.id)?.score ?? player.score,
        own: false,
        dashing: isDashing(player),
        stunned: isStunned(player),
        away: isAway(player),
      });
    }
    const ownEntry = latestById.get(this.playerId ?? -1);
    if (ownAt !== undefined && this.playerId !== undefined) {
      players.push({
        id: this.playerId,
        name: ownEntry?.name ?? this.options.name(),
        x: ownAt.x,
        y: ownAt.y,
        score: latest.you?.score ?? ownEntry?.score ?? 0,
        own: true,
        dashing: (predicted?.dashTicks ?? latest.you?.dashTicks ?? 0) > 0,
        stunned: (predicted?.stunTicks ?? latest.you?.stunTicks ?? 0) > 0,
        away: false,
      });
    }

    return {
      width: world.width,
      height: world.height,
      players,
      orbs: source.orbs,
      serverPosition:
        settings.showServerPosition && serverOwn ? { x: serverOwn.x, y: serverOwn.y } : undefined,
    };
  }

  // ── Stats ───────────────────────────────────────────────────────────────────────────────────────

  stats(now: number): {
    rttMs: number | undefined;
    inputAckMs: number | undefined;
    serverTick: number | undefined;
    tickRate: number | undefined;
    snapshotsPerSecond: number;
    bufferMs: number | undefined;
    bufferSnapshots: number | undefined;
    pendingInputs: number;
    correction: number | undefined;
    snapshotBytes: number | undefined;
  } {
    const depth = this.latest === undefined ? undefined : this.buffer.depth(this.renderTime(now));
    return {
      rttMs: this.rtt.value,
      inputAckMs: this.inputAck.value,
      serverTick: this.latest?.tick,
      tickRate: this.world?.tickRate,
      snapshotsPerSecond: this.snapshotMeter.rate(now).messages,
      // Starved (the drawn time has passed the newest snapshot): nothing is buffered, and the
      // others are held at the newest snapshot; the buffer is empty, not negative.
      bufferMs: depth === undefined ? undefined : Math.max(0, depth.ms),
      bufferSnapshots: depth?.snapshots,
      pendingInputs: this.predictor.pending.length,
      correction: this.lastCorrection,
      snapshotBytes: this.latest?.bytes,
    };
  }
}
