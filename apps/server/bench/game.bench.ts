/**
 * Game benchmark: one room of 100 players on the real broker, ticking at 30 Hz and snapshotting
 * at 15 Hz. Reports the server's time per tick (mean, p99) and the snapshot bytes each client
 * receives per second, binary and, in the same run, JSON.
 *
 * Two rooms are measured in turn:
 * - 100 headless clients: each a real STOMP-over-WebSocket peer that joins, steers at 30 inputs a
 *   second, decodes its delta snapshots and acks them (so the per-client deltas are real);
 * - 1 client and 99 bots: the server's own cost of thinking for its bots.
 * Beside the players, one spectator reads the room's binary topic and one its JSON topic.
 *
 * The clients run in a child process so they do not share the server's event loop. Time per tick
 * is given twice: wall clock (what players feel; inflated whenever the operating system runs
 * something else mid-tick, so the machine's load average is printed too) and the CPU the server
 * process used meanwhile (its own cost, garbage collection and its helper threads included). Sizes
 * are counted by the clients: "payload" is snapshot bodies, "wire" is the WebSocket messages
 * carrying them (STOMP MESSAGE headers included). KB = 1000 bytes.
 *
 *   pnpm bench                                  # after the fan-out benchmark
 *   GAME_BENCH_PLAYERS=100 GAME_BENCH_SECONDS=10 node --expose-gc --import tsx bench/game.bench.ts
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Broker } from '@stomping-ground/broker';
import {
  encodeInput,
  GameDestination,
  type GameEvent,
  readSnapshotHeader,
  SnapshotReader,
} from '@stomping-ground/contracts';
import { encodeFrame, type Frame, FrameDecoder, getHeader } from '@stomping-ground/protocol';
import { WebSocket } from 'ws';
import { buildApp } from '../src/app';
import { GameService } from '../src/services/game/service';
import { testConfig } from '../test/support/app';

const PLAYERS = Number(process.env.GAME_BENCH_PLAYERS ?? 100);
const SECONDS = Number(process.env.GAME_BENCH_SECONDS ?? 10);
const WARM_UP_SECONDS = Number(process.env.GAME_BENCH_WARM_UP_SECONDS ?? 3);
const TICK_TARGET_MS = 2;
const BYTES_TARGET_PER_SECOND = 8000;
const TICK_RATE = 30;

type Role = 'player' | 'binary-spectator' | 'json-spectator';

interface JoinRequestMessage {
  readonly type: 'join';
  readonly url: string;
  readonly players: number;
}
interface MeasureRequest {
  readonly type: 'measure';
  readonly seconds: number;
}
interface Counters {
  payloadBytes: number;
  wireBytes: number;
  snapshots: number;
  keyframes: number;
}
interface MeasureResult {
  readonly seconds: number;
  readonly byRole: Record<Role, { clients: number } & Counters>;
  readonly inputsSent: number;
}

// ───────────────────────────── the client process ─────────────────────────────

const textDecoder = new TextDecoder();

function freshCounters(): Counters {
  return { payloadBytes: 0, wireBytes: 0, snapshots: 0, keyframes: 0 };
}

class BenchClient {
  readonly counters: Counters = freshCounters();
  readonly reader = new SnapshotReader();
  roomId: string | undefined;
  seq = 0;
  /** The keys held: one of eight directions, changed now and then. */
  keys = { up: false, down: false, left: false, right: true };
  private receiptWaiters = new Map<string, () => void>();
  private firstSnapshot: (() => void) | undefined;
  readonly ready: Promise<void>;

  constructor(
    readonly socket: WebSocket,
    readonly role: Role,
    /** Names the client in errors; it logs in as a guest the server mints. */
    readonly label: string,
  ) {
    this.ready = new Promise((resolve) => (this.firstSnapshot = resolve));
    const frames = new FrameDecoder({ onFrame: (frame) => this.onFrame(frame) });
    socket.on('message', (data: Buffer, binary) => {
      // Snapshots are the only binary messages, and a spectator's JSON ones the only others it counts.
      if (binary || this.role === 'json-spectator') this.counters.wireBytes += data.length;
      frames.push(data);
    });
  }

  static async open(url: string, role: Role, label: string): Promise<BenchClient> {
    const socket = new WebSocket(url, ['v12.stomp']);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const client = new BenchClient(socket, role, label);
    await client.request('CONNECT', [
      ['accept-version', '1.2'],
      ['host', 'bench'],
      ['heart-beat', '0,0'],
    ]);
    await client.request('SUBSCRIBE', [
      ['id', 'events'],
      ['destination', GameDestination.events],
    ]);
    const join = role === 'player' ? {} : { spectate: true };
    client.send('SEND', [['destination', GameDestination.join]], JSON.stringify(join));
    return client;
  }

  private receipts = 0;

  /** Sends a frame and waits for its RECEIPT (or, for CONNECT, the CONNECTED). */
  private request(command: 'CONNECT' | 'SUBSCRIBE', headers: Array<[string, string]>): Promise<void> {
    const receipt = command === 'CONNECT' ? 'connected' : `r${++this.receipts}`;
    const done = new Promise<void>((resolve) => this.receiptWaiters.set(receipt, resolve));
    this.send(command, command === 'CONNECT' ? headers : [...headers, ['receipt', receipt]]);
    return done;
  }

  send(
    command: 'CONNECT' | 'SUBSCRIBE' | 'SEND',
    headers: Array<[string, string]>,
    body?: string | Uint8Array,
  ) {
    const frame = body === undefined ? { command, headers } : { command, headers, body };
    this.socket.send(encodeFrame(frame).bytes);
  }

  private onFrame(frame: Frame): void {
    if (frame.command === 'CONNECTED') this.receiptWaiters.get('connected')?.();
    if (frame.command === 'RECEIPT')
      this.receiptWaiters.get(getHeader(frame.headers, 'receipt-id') ?? '')?.();
    if (frame.command === 'ERROR') throw new Error(`ERROR ${getHeader(frame.headers, 'message')}`);
    if (frame.command !== 'MESSAGE') return;
    const destination = getHeader(frame.headers, 'destination') ?? '';
    if (destination === GameDestination.events) this.onEvent(JSON.parse(textDecoder.decode(frame.body)));
    else this.onSnapshot(frame.body, destination.endsWith('.json'));
  }

  private onEvent(event: GameEvent): void {
    if (event.type === 'joined') {
      this.roomId = event.roomId;
      this.send('SUBSCRIBE', [
        ['id', 'state'],
        ['destination', GameDestination.playerSnapshots(event.roomId, event.playerId)],
      ]);
    } else if (event.type === 'spectating') {
      this.roomId = event.roomId;
      const json = this.role === 'json-spectator';
      const destination = json
        ? GameDestination.snapshotsJson(event.roomId)
        : GameDestination.snapshots(event.roomId);
      this.send('SUBSCRIBE', [
        ['id', 'state'],
        ['destination', destination],
      ]);
    } else if (event.type === 'rejected') {
      throw new Error(`${this.label} was refused: ${event.reason}`);
    }
  }

  private onSnapshot(body: Uint8Array, json: boolean): void {
    this.counters.payloadBytes += body.length;
    this.counters.snapshots++;
    if (!json) {
      if (readSnapshotHeader(body).baseline === 0) this.counters.keyframes++;
      this.reader.read(body);
    }
    this.firstSnapshot?.();
    this.firstSnapshot = undefined;
  }

  /** One tick's input, as a game page sends it: the keys held, and the newest snapshot decoded. */
  sendInput(): void {
    if (this.roomId === undefined) return;
    if (Math.random() < 1 / 45) {
      const direction = Math.floor(Math.random() * 8);
      this.keys = {
        up: [7, 0, 1].includes(direction),
        right: [1, 2, 3].includes(direction),
        down: [3, 4, 5].includes(direction),
        left: [5, 6, 7].includes(direction),
      };
    }
    const input = encodeInput({
      seq: ++this.seq,
      ...this.keys,
      action: Math.random() < 0.01,
      ack: this.reader.ack,
    });
    this.send('SEND', [['destination', GameDestination.input(this.roomId)]], input);
  }
}

let clients: BenchClient[] = [];
let inputTimer: ReturnType<typeof setInterval> | undefined;
let inputsSent = 0;

async function joinAll(request: JoinRequestMessage): Promise<void> {
  clients = [];
  inputsSent = 0;
  for (let i = 0; i < request.players; i++)
    clients.push(await BenchClient.open(request.url, 'player', `bench-${i}`));
  clients.push(await BenchClient.open(request.url, 'binary-spectator', 'bench-spectator'));
  clients.push(await BenchClient.open(request.url, 'json-spectator', 'bench-json-spectator'));
  const players = clients.filter((client) => client.role === 'player');
  inputTimer = setInterval(() => {
    for (const client of players) client.sendInput();
    inputsSent += players.length;
  }, 1000 / TICK_RATE);
  await Promise.all(clients.map((client) => client.ready));
}

async function measure(request: MeasureRequest): Promise<MeasureResult> {
  for (const client of clients) Object.assign(client.counters, freshCounters());
  const sentBefore = inputsSent;
  const startedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, request.seconds * 1000));
  const seconds = (performance.now() - startedAt) / 1000;
  const byRole = {} as MeasureResult['byRole'];
  for (const role of ['player', 'binary-spectator', 'json-spectator'] as const) {
    const group = clients.filter((client) => client.role === role);
    const sum = freshCounters();
    for (const client of group) {
      for (const key of Object.keys(sum) as Array<keyof Counters>) sum[key] += client.counters[key];
    }
    byRole[role] = { clients: group.length, ...sum };
  }
  return { seconds, byRole, inputsSent: inputsSent - sentBefore };
}

function clientProcess(): void {
  process.on('message', async (request: JoinRequestMessage | MeasureRequest | { type: 'close' }) => {
    if (request.type === 'join') {
      await joinAll(request);
      process.send!({ ready: true });
    } else if (request.type === 'measure') {
      process.send!(await measure(request));
    } else {
      clearInterval(inputTimer);
      for (const client of clients) client.socket.terminate();
      clients = [];
      process.send!({ closed: true });
    }
  });
}

// ───────────────────────────── the server process ─────────────────────────────

function ask<T>(child: ChildProcess, request: object): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    child.send(request);
  });
}

interface Distribution {
  readonly mean: number;
  readonly p99: number;
  readonly max: number;
}

interface ScenarioResult {
  readonly name: string;
  readonly ticks: number;
  /** Wall-clock time per tick: what a player feels, and what another busy process on the machine inflates. */
  readonly wall: Distribution;
  /** CPU time the process used per tick: the server's own cost. */
  readonly cpu: Distribution;
  readonly eventLoopUtilization: number;
  readonly measured: MeasureResult;
}

function distribution(values: number[]): Distribution {
  const sorted = Float64Array.from(values).sort();
  return {
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

async function runScenario(
  child: ChildProcess,
  url: string,
  broker: Broker,
  name: string,
  humans: number,
  bots: number,
): Promise<ScenarioResult> {
  const wall: number[] = [];
  const cpu: number[] = [];
  let measuring = false;
  const game = new GameService(broker, {
    roomCapacity: humans + bots,
    minPlayers: bots > 0 ? humans + bots : 0,
    onTick: (timing) => {
      if (!measuring) return;
      wall.push(timing.wallMs);
      cpu.push(timing.cpuMs);
    },
  });
  game.start();
  await ask(child, { type: 'join', url, players: humans });
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_SECONDS * 1000));
  // A full collection now, and a second for its sweeping to finish, so that neither the warm-up's
  // garbage nor this collection's aftermath lands in the measured ticks.
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const elu = performance.eventLoopUtilization();
  measuring = true;
  const measured = await ask<MeasureResult>(child, { type: 'measure', seconds: SECONDS });
  measuring = false;
  const utilization = performance.eventLoopUtilization(elu).utilization;
  const summary = game.stats().rooms[0];
  await ask(child, { type: 'close' });
  game.stop();
  if (summary?.players !== humans || summary.bots !== bots) {
    throw new Error(`expected ${humans} people and ${bots} bots in one room, got ${JSON.stringify(summary)}`);
  }
  return {
    name,
    ticks: wall.length,
    wall: distribution(wall),
    cpu: distribution(cpu),
    eventLoopUtilization: utilization,
    measured,
  };
}

function perClientPerSecond(result: ScenarioResult, role: Role, key: 'payloadBytes' | 'wireBytes'): number {
  const group = result.measured.byRole[role];
  return group[key] / group.clients / result.measured.seconds;
}

const kb = (bytes: number) => Number((bytes / 1000).toFixed(2));
const ms = (value: number) => Number(value.toFixed(3));

async function serverProcess(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['clients'], { execArgv: ['--import', 'tsx'] });
  const config = testConfig({
    tcp: null,
    market: { enabled: false, updatesPerSecond: 0 },
    game: { enabled: false, roomCapacity: 8, minPlayers: 0, resumeGraceMs: 15_000, maxRooms: 1 },
  });
  const app = await buildApp(config, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const url = `ws://127.0.0.1:${port}/ws`;

  const loadBefore = loadavg()[0]!;
  console.log(
    `game: one room of ${PLAYERS} players, ${TICK_RATE} Hz ticks, 15 Hz snapshots; ${WARM_UP_SECONDS} s warm-up, ${SECONDS} s measured`,
  );
  console.log('plus one spectator on the binary topic and one on the JSON topic; KB = 1000 bytes');
  console.log(`machine: ${cpus().length} CPUs, load average ${loadBefore.toFixed(2)} at the start\n`);
  const scenarios = [
    await runScenario(child, url, app.broker, `${PLAYERS} headless clients`, PLAYERS, 0),
    await runScenario(child, url, app.broker, `1 client + ${PLAYERS - 1} bots`, 1, PLAYERS - 1),
  ];
  await app.close();
  child.kill();
  const loadAfter = loadavg()[0]!;

  console.log('server time per tick (the whole room: inputs, bots, step, every snapshot encoded and queued)');
  console.table(
    scenarios.map((result) => ({
      room: result.name,
      ticks: result.ticks,
      'cpu mean ms': ms(result.cpu.mean),
      'cpu p99 ms': ms(result.cpu.p99),
      'wall mean ms': ms(result.wall.mean),
      'wall p99 ms': ms(result.wall.p99),
      'wall max ms': ms(result.wall.max),
      'event loop busy': `${(result.eventLoopUtilization * 100).toFixed(1)} %`,
      'inputs/s': Math.round(result.measured.inputsSent / result.measured.seconds),
    })),
  );
  const main = scenarios[0]!;
  const rows = [
    ['player: binary deltas on its own queue', 'player'],
    ['spectator: binary topic (keyframe each second)', 'binary-spectator'],
    ['anyone: JSON topic', 'json-spectator'],
  ] as const;
  console.log(`snapshot bytes per client per second (${main.name})`);
  console.table(
    rows.map(([label, role]) => {
      const group = main.measured.byRole[role];
      return {
        stream: label,
        'payload KB/s': kb(perClientPerSecond(main, role, 'payloadBytes')),
        'wire KB/s': kb(perClientPerSecond(main, role, 'wireBytes')),
        'snapshots/s': Number((group.snapshots / group.clients / main.measured.seconds).toFixed(1)),
        'bytes/snapshot': Math.round(group.payloadBytes / Math.max(1, group.snapshots)),
        keyframes: group.keyframes,
      };
    }),
  );

  const playerWire = perClientPerSecond(main, 'player', 'wireBytes');
  const jsonWire = perClientPerSecond(main, 'json-spectator', 'wireBytes');
  const cpuP99 = Math.max(...scenarios.map((result) => result.cpu.p99));
  const wallP99 = Math.max(...scenarios.map((result) => result.wall.p99));
  console.log(
    `targets: ≤ ${TICK_TARGET_MS} ms per tick: cpu p99 ${ms(cpuP99)} ms, wall p99 ${ms(wallP99)} ms ` +
      `(load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${cpus().length} CPUs); ` +
      `≤ ${BYTES_TARGET_PER_SECOND / 1000} KB/s per player: ${kb(playerWire)} KB/s on the wire ` +
      `(${playerWire <= BYTES_TARGET_PER_SECOND ? 'met' : 'missed'}), JSON ${(jsonWire / playerWire).toFixed(0)}× that\n`,
  );
  console.log(
    JSON.stringify({
      players: PLAYERS,
      tickRate: TICK_RATE,
      snapshotRate: 15,
      seconds: SECONDS,
      cpus: cpus().length,
      loadAverage: Number(loadBefore.toFixed(2)),
      tickCpuMeanMs: ms(main.cpu.mean),
      tickCpuP99Ms: ms(main.cpu.p99),
      tickWallMeanMs: ms(main.wall.mean),
      tickWallP99Ms: ms(main.wall.p99),
      tickWallMaxMs: ms(main.wall.max),
      botsTickCpuMeanMs: ms(scenarios[1]!.cpu.mean),
      botsTickCpuP99Ms: ms(scenarios[1]!.cpu.p99),
      botsTickWallP99Ms: ms(scenarios[1]!.wall.p99),
      eventLoopUtilization: Number(main.eventLoopUtilization.toFixed(3)),
      playerBinaryWireBytesPerSecond: Math.round(playerWire),
      playerBinaryPayloadBytesPerSecond: Math.round(perClientPerSecond(main, 'player', 'payloadBytes')),
      spectatorBinaryWireBytesPerSecond: Math.round(
        perClientPerSecond(main, 'binary-spectator', 'wireBytes'),
      ),
      jsonWireBytesPerSecond: Math.round(jsonWire),
      jsonPayloadBytesPerSecond: Math.round(perClientPerSecond(main, 'json-spectator', 'payloadBytes')),
      tickCpuTargetMet: cpuP99 <= TICK_TARGET_MS,
      tickWallTargetMet: wallP99 <= TICK_TARGET_MS,
      bytesTargetMet: playerWire <= BYTES_TARGET_PER_SECOND,
    }),
  );
}

if (process.argv[2] === 'clients') clientProcess();
else await serverProcess();
