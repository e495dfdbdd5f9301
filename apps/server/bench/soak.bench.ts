/**
 * Soak under attack: the production server as a child process, a numbered stream read by two
 * bystanders (WebSocket and TCP), and one attack after another from a third process. For every
 * attack it prints the server's RSS, heap, descriptors and open connections before, at their peak,
 * at the attack's end and a few seconds after its connections are gone, with what the attack saw
 * and what the bystanders lost; then a summary table and one JSON line.
 *
 *   pnpm soak                                  # from the repository root: about two and a half minutes
 *   SOAK_PHASES=descriptors,flood-ws pnpm soak # some attacks only
 *
 * Sizes are environment variables (`support/soak/settings.ts`; the server's README lists them).
 * Everything runs on loopback: the server on 127.0.0.1 at free ports, the attackers from
 * 127.0.0.2 and up. A server that dies is reported (exit code, signal, last lines of its log) and
 * started again for the next attack.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/server-process';
import {
  type AttackName,
  type AttackReport,
  type AttackRequest,
  releaseAll,
  runAttack,
} from './support/soak/attacks';
import { type BystanderFigures, Bystanders } from './support/soak/bystander';
import type { Endpoint } from './support/soak/raw-socket';
import { type Crash, type Sample, ServerUnderTest } from './support/soak/server';
import { SETTINGS } from './support/soak/settings';

const HOST = '127.0.0.1';
const MiB = 1024 * 1024;

// ───────────────────────────── the two client processes ─────────────────────────────

type ChildRequest =
  | { readonly type: 'attack'; readonly request: AttackRequest }
  | { readonly type: 'release' }
  | { readonly type: 'start'; readonly endpoint: Endpoint; readonly rate: number }
  | { readonly type: 'ready' }
  | { readonly type: 'victims' }
  | { readonly type: 'take' }
  | { readonly type: 'finish' };

/** Answers the soak's requests, one at a time, by id; exits with its parent. */
function serve(handle: (request: ChildRequest) => Promise<unknown>): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (message: { id: number; request: ChildRequest }) => {
    try {
      process.send!({ id: message.id, reply: await handle(message.request) });
    } catch (error) {
      process.send!({ id: message.id, error: (error as Error).stack ?? String(error) });
    }
  });
}

function attackerProcess(): void {
  serve(async (request) => {
    if (request.type === 'attack') return runAttack(request.request);
    if (request.type === 'release') return releaseAll();
    throw new Error(`the attacker does not do ${request.type}`);
  });
}

function bystanderProcess(): void {
  let bystanders: Bystanders | undefined;
  serve(async (request) => {
    if (request.type === 'start') {
      bystanders = new Bystanders(request.endpoint, request.rate);
      await bystanders.start();
      return bystanders.ready(30_000);
    }
    if (!bystanders) throw new Error('the bystanders have not started');
    if (request.type === 'ready') return bystanders.ready(30_000);
    if (request.type === 'victims') return bystanders.victims();
    if (request.type === 'take') return bystanders.take();
    if (request.type === 'finish') return bystanders.finish(10_000);
    throw new Error(`the bystanders do not do ${request.type}`);
  });
}

class Child {
  private next = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    process.on('message', (message: { id: number; reply?: unknown; error?: string }) => {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiting?.reject(new Error(`${name}: ${message.error}`));
      else waiting?.resolve(message.reply);
    });
    process.on('exit', (code, signal) => {
      for (const waiting of this.pending.values())
        waiting.reject(new Error(`${name} exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  static start(role: string): Child {
    const child = fork(fileURLToPath(import.meta.url), [role], { execArgv: ['--import', 'tsx'] });
    return new Child(role, child);
  }

  /** Sends `request` and resolves with the answer; rejects after `timeoutMs` rather than hang. */
  ask<T>(request: ChildRequest, timeoutMs: number): Promise<T> {
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name} did not answer ${request.type} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.process.send({ id, request });
    });
  }

  kill(): void {
    if (this.process.exitCode === null) this.process.kill('SIGKILL');
  }
}

// ───────────────────────────── the soak ─────────────────────────────

interface PhaseDefinition {
  readonly name: 'baseline' | AttackName | 'final';
  readonly what: string;
}

const S = SETTINGS;

/** Bytes for a reader: `16 MiB`, `15.4 MiB`, `60000 B`. */
function size(bytes: number): string {
  return bytes >= MiB ? `${Number((bytes / MiB).toFixed(1))} MiB` : `${bytes} B`;
}
const ALL_PHASES: readonly PhaseDefinition[] = [
  { name: 'baseline', what: `no attack for ${S.baselineSeconds} s` },
  {
    name: 'drip-logged-in',
    what: `${S.dripSessions} logged-in sessions per transport each sending a body of up to ${size(S.dripBytes)} one byte per WebSocket message / TCP write`,
  },
  {
    name: 'drip-prelogin',
    what: `${S.preloginDripConnections} connections per transport sending a CONNECT body of ${size(S.preloginDripBytes)} one byte at a time before login, reconnecting when ended`,
  },
  {
    name: 'pinned-prelogin',
    what: `${S.pinnedWsConnections} WebSockets announcing a ${size(S.pinnedDeclaredBytes)} message and sending ${size(S.pinnedWsBytes)} of it, ${S.pinnedTcpConnections} TCP connections sending a ${size(S.pinnedTcpBytes)} CONNECT without its NUL; all before login, then stalling`,
  },
  {
    name: 'descriptors',
    what: `${S.silentConnections} silent TCP connections, ${S.erroredConnections} per transport getting an ERROR and never closing their side; held ${S.holdSeconds} s`,
  },
  {
    name: 'connection-flood',
    what: `${S.connectionFlood} connections (half WebSocket, half TCP) opened at once that never log in, held ${S.connectionFloodSeconds} s`,
  },
  {
    name: 'flood-ws',
    what: `a publisher on the bystanders' topic writing ${size(S.floodBodyBytes)} messages as fast as its WebSocket takes them, ${S.floodSeconds} s`,
  },
  { name: 'flood-tcp', what: `the same over TCP, ${S.floodSeconds} s` },
  {
    name: 'big-messages',
    what: `${S.bigMessages} legal messages of ${size(S.bigMessageBytes)} back to back on the bystanders' topic`,
  },
  {
    name: 'impersonation',
    what: `logging in under the bystanders' names (and the stream publisher's guest name) with no, an empty and a wrong passcode, ${S.impersonationAttempts} times each way per transport`,
  },
  { name: 'final', what: `no attack for ${S.baselineSeconds} s: what is left` },
];

interface PhaseResult {
  readonly name: string;
  readonly before: Sample;
  readonly peak: Peak;
  readonly atEnd: Sample;
  readonly after: Sample;
  readonly attack: AttackReport;
  readonly bystanders: BystanderFigures | undefined;
  readonly crashes: readonly Crash[];
  readonly seconds: number;
  /**
   * Seconds from the attacker dropping its connections until the server was back to the sockets
   * and connections it had before (`null`: not within `SOAK_RELEASE_MAX_SECONDS`).
   */
  readonly releasedAfter?: number | null;
  readonly error?: string;
}

interface Peak {
  rssMiB: number | undefined;
  heapUsedMiB: number | undefined;
  externalMiB: number | undefined;
  fds: number | undefined;
  wsSockets: number | undefined;
  tcpSockets: number | undefined;
  endedHeld: number | undefined;
  connections: number | undefined;
  metricsMs: number | undefined;
  metricsUnanswered: number;
}

function peakOf(samples: readonly Sample[]): Peak {
  const max = (pick: (sample: Sample) => number | undefined) => {
    const values = samples.map(pick).filter((value): value is number => value !== undefined);
    return values.length === 0 ? undefined : Math.max(...values);
  };
  return {
    rssMiB: max((s) => s.rssMiB),
    heapUsedMiB: max((s) => s.heapUsedMiB),
    externalMiB: max((s) => s.externalMiB),
    fds: max((s) => s.fds),
    wsSockets: max((s) => s.wsSockets),
    tcpSockets: max((s) => s.tcpSockets),
    endedHeld: max((s) => s.endedHeld),
    connections: max((s) => s.connections),
    metricsMs: max((s) => s.metricsMs),
    metricsUnanswered: samples.filter((s) => s.rssMiB !== undefined && s.metricsMs === undefined).length,
  };
}

/** Samples the server once a second into whatever list is current. */
class Sampler {
  private samples: Sample[] = [];
  private busy = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly server: ServerUnderTest) {
    this.timer = setInterval(() => void this.tick(), 1_000);
  }

  /** A sample after a full garbage collection in the server (when `SOAK_FORCE_GC` allows). */
  async settled(): Promise<Sample> {
    await this.server.collectGarbage();
    return this.now();
  }

  async now(): Promise<Sample> {
    const sample = await this.server.sample();
    this.samples.push(sample);
    return sample;
  }

  /** The samples since the last call. */
  take(): Sample[] {
    return this.samples.splice(0);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      this.samples.push(await this.server.sample());
    } finally {
      this.busy = false;
    }
  }
}

/**
 * Waits until the server holds no more sockets and connections than at the phase's start (a
 * newcomer's may come and go), sampling once a second, for at most `SOAK_RELEASE_MAX_SECONDS`.
 * A busy server may still be reading what an attacker sent long after the attacker has gone, and
 * "after" must not be read while it is. Returns the seconds since the attacker let go, counting the
 * settle time, or `null` if that never happened.
 */
async function untilReleased(sampler: Sampler, before: Sample): Promise<number | null> {
  const startedAt = performance.now() - S.settleSeconds * 1000;
  const deadline = performance.now() + S.releaseMaxSeconds * 1000;
  const sockets = (sample: Sample) => (sample.wsSockets ?? 0) + (sample.tcpSockets ?? 0);
  for (;;) {
    const sample = await sampler.now();
    const released =
      sample.rssMiB === undefined ||
      (sockets(sample) <= sockets(before) + 2 && (sample.connections ?? 0) <= (before.connections ?? 0) + 1);
    if (released) return Math.round((performance.now() - startedAt) / 100) / 10;
    if (performance.now() >= deadline) return null;
    await wait(1);
  }
}

const wait = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

function cell(value: number | undefined): string | number {
  return value === undefined ? '—' : value;
}

function serverRow(label: string, sample: Sample | Peak) {
  return {
    '': label,
    'RSS MiB': cell(sample.rssMiB),
    'heap MiB': cell(sample.heapUsedMiB),
    'external MiB': cell(sample.externalMiB),
    descriptors: cell(sample.fds),
    'WS sockets': cell(sample.wsSockets),
    'TCP sockets': cell(sample.tcpSockets),
    'ended, held': cell(sample.endedHeld),
    'STOMP connections': cell(sample.connections),
    '/metrics ms':
      'metricsUnanswered' in sample && sample.metricsUnanswered > 0
        ? `${cell(sample.metricsMs)} (${sample.metricsUnanswered} unanswered)`
        : cell(sample.metricsMs),
  };
}

function bystanderRows(figures: BystanderFigures) {
  return figures.readers.map((reader) => ({
    reader: `${reader.transport} (${reader.loginKind} login)`,
    'stream received': reader.received,
    'stream published': figures.publisher.sent,
    gaps: reader.gaps,
    'out of order': reader.outOfOrder,
    'flood received': reader.floodReceived,
    'big received': reader.bigReceived,
    drops: reader.drops.length,
    'p50 ms': reader.p50Ms,
    'p99 ms': reader.p99Ms,
    'max ms': reader.maxMs,
  }));
}

/** Bytes the attack sent that the server had to read (the drips), summed over transports. */
function attackBytes(result: PhaseResult): number {
  return Object.entries(result.attack)
    .filter(([name, value]) => /bytes sent$/.test(name) && typeof value === 'number')
    .reduce((sum, [, value]) => sum + (value as number), 0);
}

/**
 * Server memory per attacking byte: what heap and external memory (and, apart, RSS) grew by from
 * "before" to their peak, over the bytes sent. The heap is read from `/metrics`, which a saturated
 * server may not answer every second, so RSS (from the kernel) is given too.
 */
function perAttackByte(result: PhaseResult): { heap: number | undefined; rss: number | undefined } {
  const sent = attackBytes(result);
  const { before, peak } = result;
  if (sent === 0) return { heap: undefined, rss: undefined };
  const heap =
    before.heapUsedMiB === undefined || peak.heapUsedMiB === undefined
      ? undefined
      : peak.heapUsedMiB + (peak.externalMiB ?? 0) - before.heapUsedMiB - (before.externalMiB ?? 0);
  const rss =
    before.rssMiB === undefined || peak.rssMiB === undefined ? undefined : peak.rssMiB - before.rssMiB;
  const perByte = (mib: number | undefined) =>
    mib === undefined ? undefined : Math.round((Math.max(0, mib) * MiB) / sent);
  return { heap: perByte(heap), rss: perByte(rss) };
}

function loadAverage(): string {
  return loadavg()
    .map((load) => load.toFixed(1))
    .join(' ');
}

function printPhase(index: number, count: number, phase: PhaseDefinition, result: PhaseResult): void {
  console.log(`\n── ${index}/${count} ${phase.name}: ${phase.what} (${result.seconds.toFixed(0)} s)`);
  console.table([
    serverRow('before', result.before),
    serverRow('peak', result.peak),
    serverRow('attack end', result.atEnd),
    serverRow(
      result.releasedAfter === undefined || result.releasedAfter === null
        ? 'after'
        : `after (+${result.releasedAfter} s)`,
      result.after,
    ),
  ]);
  const attack = Object.entries(result.attack);
  if (attack.length > 0)
    console.log(`attack: ${attack.map(([name, value]) => `${name} ${value}`).join(', ')}`);
  const perByte = perAttackByte(result);
  if (perByte.rss !== undefined) {
    console.log(
      `server growth per attacking byte: heap + external ${perByte.heap ?? '—'} B, RSS ${perByte.rss} B (${attackBytes(result)} bytes sent)`,
    );
  }
  if (result.bystanders) {
    console.table(bystanderRows(result.bystanders));
    const drops = result.bystanders.readers.flatMap((reader) =>
      reader.drops.map((drop) => `${reader.transport}: ${drop}`),
    );
    if (drops.length > 0) console.log(`bystanders dropped: ${[...new Set(drops)].slice(0, 4).join('; ')}`);
    const newcomers = result.bystanders.newcomers;
    const failures = [...new Set(newcomers.failures)].slice(0, 3).join('; ');
    console.log(
      `newcomers: ${newcomers.loggedIn} of ${newcomers.attempts} logged in, p50 ${newcomers.p50Ms} ms, max ${newcomers.maxMs} ms${newcomers.stillWaiting ? ', one still waiting' : ''}${failures === '' ? '' : `; refused or unanswered: ${failures}`}`,
    );
    const publisher = result.bystanders.publisher;
    if (publisher.drops.length > 0 || publisher.maxBacklogBytes > 64 * 1024) {
      console.log(
        `stream publisher: ${publisher.drops.length} drops${publisher.drops.length > 0 ? ` (${publisher.drops[0]})` : ''}, up to ${publisher.maxBacklogBytes} B waiting in its socket`,
      );
    }
  }
  for (const crash of result.crashes) {
    console.log(`SERVER CRASHED: exit code ${crash.code}, signal ${crash.signal}; last lines of its log:`);
    const telling = crash.lastLines.filter(
      (line) => line.trim() !== '' && !/^\s*\d+: 0x[0-9a-f]+ /.test(line),
    );
    for (const line of telling.slice(-12)) console.log(`  | ${line.slice(0, 300)}`);
  }
  if (result.releasedAfter === null) {
    console.log(
      `the server still held the attack's connections ${S.releaseMaxSeconds} s after they were dropped`,
    );
  } else if (result.releasedAfter !== undefined && result.releasedAfter > S.settleSeconds + 1) {
    console.log(
      `the server let go of the attack's connections ${result.releasedAfter} s after they were dropped`,
    );
  }
  if (result.error) console.log(`soak error: ${result.error}`);
}

function summaryRow(result: PhaseResult) {
  const readers = result.bystanders?.readers ?? [];
  return {
    phase: result.name,
    'RSS MiB before→peak→after': `${cell(result.before.rssMiB)}→${cell(result.peak.rssMiB)}→${cell(result.after.rssMiB)}`,
    'heap MiB before→peak→after': `${cell(result.before.heapUsedMiB)}→${cell(result.peak.heapUsedMiB)}→${cell(result.after.heapUsedMiB)}`,
    'fds before→end→after': `${cell(result.before.fds)}→${cell(result.atEnd.fds)}→${cell(result.after.fds)}`,
    'ended, held at end': cell(result.atEnd.endedHeld),
    'bystander gaps': readers.reduce((sum, reader) => sum + reader.gaps, 0),
    'bystander drops': readers.reduce((sum, reader) => sum + reader.drops.length, 0),
    'newcomers in': result.bystanders
      ? `${result.bystanders.newcomers.loggedIn}/${result.bystanders.newcomers.attempts}`
      : '—',
    crashes: result.crashes.length,
  };
}

function compact(result: PhaseResult) {
  const pick = (sample: Sample | Peak) => ({
    rssMiB: sample.rssMiB ?? null,
    heapUsedMiB: sample.heapUsedMiB ?? null,
    externalMiB: sample.externalMiB ?? null,
    fds: sample.fds ?? null,
    wsSockets: sample.wsSockets ?? null,
    tcpSockets: sample.tcpSockets ?? null,
    endedHeld: sample.endedHeld ?? null,
    connections: sample.connections ?? null,
  });
  return {
    phase: result.name,
    seconds: Math.round(result.seconds),
    before: pick(result.before),
    peak: {
      ...pick(result.peak),
      metricsMs: result.peak.metricsMs ?? null,
      metricsUnanswered: result.peak.metricsUnanswered,
    },
    atEnd: pick(result.atEnd),
    after: pick(result.after),
    releasedAfterSeconds: result.releasedAfter ?? null,
    heapBytesPerAttackByte: perAttackByte(result).heap ?? null,
    rssBytesPerAttackByte: perAttackByte(result).rss ?? null,
    attack: result.attack,
    bystanders: result.bystanders?.readers.map((reader) => ({
      transport: reader.transport,
      login: reader.loginKind,
      received: reader.received,
      gaps: reader.gaps,
      outOfOrder: reader.outOfOrder,
      flood: reader.floodReceived,
      big: reader.bigReceived,
      drops: reader.drops,
      p99Ms: reader.p99Ms,
      maxMs: reader.maxMs,
    })),
    published: result.bystanders?.publisher.sent ?? null,
    newcomers: result.bystanders?.newcomers ?? null,
    crashes: result.crashes.map((crash) => ({
      code: crash.code,
      signal: crash.signal,
      lastLines: crash.lastLines.slice(-5),
    })),
    ...(result.error ? { error: result.error } : {}),
  };
}

async function soak(): Promise<void> {
  const wanted = process.env.SOAK_PHASES?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const phases =
    wanted === undefined ? ALL_PHASES : ALL_PHASES.filter((phase) => wanted.includes(phase.name));
  if (wanted !== undefined && phases.length !== wanted.length) {
    throw new Error(
      `SOAK_PHASES names an unknown phase; known: ${ALL_PHASES.map((phase) => phase.name).join(', ')}`,
    );
  }
  const [port, tcpPort] = [await freePort(), await freePort()];
  const server = new ServerUnderTest(HOST, port, tcpPort, SETTINGS);
  const endpoint: Endpoint = { host: HOST, wsPort: port, tcpPort };
  const attacker = Child.start('attacker');
  const bystanders = Child.start('bystanders');
  const cleanUp = () => {
    server.killNow();
    attacker.kill();
    bystanders.kill();
  };
  process.once('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`\n${signal}: stopping the server and the clients`);
      cleanUp();
      process.exit(130);
    });
  }

  console.log(
    `soak: server on ${HOST}:${port} (WebSocket) and :${tcpPort} (TCP); attackers from ${S.attackerAddresses > 0 ? `127.0.0.2–127.0.0.${1 + S.attackerAddresses}` : HOST}`,
  );
  await server.start();
  const loadAtStart = loadAverage();
  console.log(
    `load average ${loadAtStart} on ${availableParallelism()} CPUs: a busy machine slows every figure but memory and descriptors`,
  );
  console.log(
    `server started (pid ${server.pid}); starting the bystanders and the stream (${S.streamRate} messages/s)`,
  );
  console.log(
    S.forceGc > 0
      ? '"before" and "after" are read after a full garbage collection in the server (SOAK_FORCE_GC=0: without)'
      : 'no garbage collection is forced: "before" and "after" include garbage not yet collected',
  );
  const sampler = new Sampler(server);
  const ready = await bystanders.ask<boolean>({ type: 'start', endpoint, rate: S.streamRate }, 60_000);
  if (!ready) throw new Error('the bystanders could not subscribe within 30 s');
  // Let the stream run a moment so the first phase starts from a steady state.
  await wait(1);
  await bystanders.ask({ type: 'take' }, 10_000);
  sampler.take();

  const results: PhaseResult[] = [];
  const attackTimeoutMs =
    (Math.max(S.attackSeconds, S.holdSeconds, S.floodSeconds, S.connectionFloodSeconds) + 120) * 1000;
  for (const [index, phase] of phases.entries()) {
    const startedAt = performance.now();
    const crashesBefore = server.crashes.length;
    sampler.take();
    const before = await sampler.settled();
    let attack: AttackReport = {};
    let error: string | undefined;
    try {
      if (phase.name === 'baseline' || phase.name === 'final') await wait(S.baselineSeconds);
      else {
        const victims =
          phase.name === 'impersonation'
            ? await bystanders.ask<string[]>({ type: 'victims' }, 10_000)
            : undefined;
        const request: AttackRequest = {
          attack: phase.name,
          endpoint,
          settings: SETTINGS,
          ...(victims ? { victims } : {}),
        };
        attack = await attacker.ask<AttackReport>({ type: 'attack', request }, attackTimeoutMs);
      }
    } catch (failure) {
      error = (failure as Error).message;
    }
    const atEnd = await sampler.now();
    await attacker.ask({ type: 'release' }, 30_000).catch(() => undefined);
    let releasedAfter: number | null | undefined;
    if (phase.name !== 'baseline' && phase.name !== 'final') {
      await wait(S.settleSeconds);
      releasedAfter = await untilReleased(sampler, before);
    }
    const after = await sampler.settled();
    const samples = sampler.take();
    const crashes = server.crashes.slice(crashesBefore);
    if (!server.running) {
      try {
        await server.start();
        console.log(`(the server was started again, pid ${server.pid})`);
        await bystanders.ask<boolean>({ type: 'ready' }, 60_000);
      } catch (failure) {
        error = `${error ?? ''} could not restart the server: ${(failure as Error).message}`.trim();
      }
    }
    const figures =
      phase === phases.at(-1)
        ? await bystanders.ask<BystanderFigures>({ type: 'finish' }, 60_000).catch(() => undefined)
        : await bystanders.ask<BystanderFigures>({ type: 'take' }, 10_000).catch(() => undefined);
    const result: PhaseResult = {
      name: phase.name,
      before,
      peak: peakOf(samples),
      atEnd,
      after,
      attack,
      bystanders: figures,
      crashes,
      seconds: (performance.now() - startedAt) / 1000,
      ...(releasedAfter === undefined ? {} : { releasedAfter }),
      ...(error ? { error } : {}),
    };
    results.push(result);
    printPhase(index + 1, phases.length, phase, result);
    if (!server.running) break;
  }
  sampler.stop();

  console.log('\n── summary');
  console.table(results.map(summaryRow));
  console.log(`load average at the start ${loadAtStart}, at the end ${loadAverage()}`);
  const logged = [...server.logged.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  if (logged.length > 0) {
    console.log('the server logged (warn and above, most frequent):');
    for (const [message, count] of logged) console.log(`  ${count}× ${message}`);
  }
  console.log(
    JSON.stringify({
      soak: 'stomping-ground',
      at: new Date().toISOString(),
      settings: SETTINGS,
      loadAverage: { start: loadAtStart, end: loadAverage() },
      crashes: server.crashes.length,
      phases: results.map(compact),
    }),
  );
  await server.stop();
  attacker.kill();
  bystanders.kill();
}

const role = process.argv[2];
if (role === 'attacker') attackerProcess();
else if (role === 'bystanders') bystanderProcess();
else {
  soak().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`soak failed: ${(error as Error).stack ?? String(error)}`);
      process.exit(1);
    },
  );
}
