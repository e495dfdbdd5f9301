/**
 * The server under attack: the production entry point (`src/main.ts` under tsx) as a child process,
 * watched from outside. Its memory and descriptors are read from `/proc/<pid>` (what the kernel
 * says, whatever state the process is in), its heap and connection counts from its own `/metrics`,
 * and a crash is recorded with its exit code, signal and last log lines, never waited on.
 *
 * With `SOAK_FORCE_GC=1` the server listens for the V8 inspector on a loopback port of its choosing,
 * and `collectGarbage()` asks it for a full collection (`HeapProfiler.collectGarbage`, the Chrome
 * DevTools protocol), the only way to do so without code in the server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import type { Settings } from './settings';

const serverMain = fileURLToPath(new URL('../../../src/main.ts', import.meta.url));
const LOG_LINES_KEPT = 30;

function temporaryDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'soak-data-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const METRICS_TIMEOUT_MS = 2_000;

export interface Crash {
  readonly code: number | null;
  readonly signal: string | null;
  readonly lastLines: readonly string[];
}

export interface Sample {
  readonly at: number;
  readonly rssMiB: number | undefined;
  readonly fds: number | undefined;
  readonly heapUsedMiB: number | undefined;
  readonly externalMiB: number | undefined;
  /** The server's sockets on its WebSocket port and on its STOMP TCP port (listeners not counted). */
  readonly wsSockets: number | undefined;
  readonly tcpSockets: number | undefined;
  /** Of those, sockets the server has ended (its FIN sent) but still holds open: FIN_WAIT1/2, CLOSING. */
  readonly endedHeld: number | undefined;
  /** Open transports, as the broker counts them (`stomp_connections`, all transports). */
  readonly connections: number | undefined;
  /** How long `/metrics` took to answer; `undefined` when it did not within 2 s. */
  readonly metricsMs: number | undefined;
}

export class ServerUnderTest {
  readonly crashes: Crash[] = [];
  /** Warnings and errors the server logged, counted by message. */
  readonly logged = new Map<string, number>();
  private child: ChildProcess | undefined;
  private lines: string[] = [];
  private partial = '';
  private stopping = false;
  private inspectorUrl: string | undefined;
  private inspector: WebSocket | undefined;
  private inspectorCalls = 0;

  constructor(
    readonly host: string,
    readonly port: number,
    readonly tcpPort: number,
    private readonly settings: Settings,
  ) {}

  /** Removed when the process exits, so queues from one soak never reach the next. */
  private readonly dataDir = temporaryDataDir();

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const node = [process.execPath];
    if (this.settings.serverHeapMb > 0) node.push(`--max-old-space-size=${this.settings.serverHeapMb}`);
    if (this.settings.forceGc > 0) node.push('--inspect=127.0.0.1:0');
    this.inspectorUrl = undefined;
    this.inspector?.terminate();
    this.inspector = undefined;
    node.push('--import', 'tsx', serverMain);
    // `exec` keeps one process, so the pid read in /proc is the server's own.
    const command =
      this.settings.serverNofile > 0
        ? ['sh', '-c', `ulimit -n ${this.settings.serverNofile} && exec "$@"`, 'sh', ...node]
        : node;
    const child = spawn(command[0]!, command.slice(1), {
      env: {
        NODE_ENV: 'production',
        PUBLIC_ORIGIN: `http://${this.host}:${this.port}`,
        LOG_LEVEL: 'warn',
        ...process.env,
        PORT: String(this.port),
        HOST: this.host,
        STOMP_TCP_PORT: String(this.tcpPort),
        STOMP_TCP_HOST: this.host,
        REDIS_URL: '',
        // The production default, durable queues on disk, in a folder of this run's own.
        DATA_DIR: this.dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => this.collect(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.collect(chunk));
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      if (this.partial !== '') this.lines.push(this.partial);
      this.crashes.push({ code, signal, lastLines: this.lines.slice(-LOG_LINES_KEPT) });
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(
          `the server exited at start (${child.exitCode ?? child.signalCode}):\n${this.lines.join('\n')}`,
        );
      }
      try {
        if ((await fetch(`${this.baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) })).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the server did not answer /healthz within 30 s:\n${this.lines.join('\n')}`);
  }

  get baseUrl(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** SIGTERM, then SIGKILL if it has not gone within 15 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.stopping = true;
    this.inspector?.terminate();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  }

  /** A full garbage collection in the server; false when it could not be asked (no inspector, no answer in 20 s). */
  async collectGarbage(): Promise<boolean> {
    if (!this.running || this.inspectorUrl === undefined) return false;
    try {
      if (this.inspector?.readyState !== WebSocket.OPEN) {
        const socket = new WebSocket(this.inspectorUrl);
        await new Promise<void>((resolve, reject) => {
          socket.once('open', () => resolve());
          socket.once('error', reject);
        });
        socket.on('error', () => {});
        this.inspector = socket;
      }
      const socket = this.inspector;
      const id = ++this.inspectorCalls;
      return await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => finish(false), 20_000);
        const onMessage = (data: Buffer) => {
          if ((JSON.parse(data.toString()) as { id?: number }).id === id) finish(true);
        };
        const onClose = () => finish(false);
        function finish(done: boolean) {
          clearTimeout(timer);
          socket.off('message', onMessage);
          socket.off('close', onClose);
          resolve(done);
        }
        socket.on('message', onMessage);
        socket.on('close', onClose);
        socket.send(JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' }));
      });
    } catch {
      return false;
    }
  }

  /** For an exit of the soak itself: no waiting. */
  killNow(): void {
    if (this.running) this.child?.kill('SIGKILL');
  }

  async sample(): Promise<Sample> {
    const pid = this.pid;
    const at = Date.now();
    if (pid === undefined || !this.running) {
      return {
        at,
        rssMiB: undefined,
        fds: undefined,
        wsSockets: undefined,
        tcpSockets: undefined,
        endedHeld: undefined,
        heapUsedMiB: undefined,
        externalMiB: undefined,
        connections: undefined,
        metricsMs: undefined,
      };
    }
    const [rssMiB, sockets, metrics] = await Promise.all([
      readRss(pid),
      readSockets(pid, this.port, this.tcpPort),
      this.readMetrics(),
    ]);
    return { at, rssMiB, ...sockets, ...metrics };
  }

  private async readMetrics(): Promise<
    Pick<Sample, 'heapUsedMiB' | 'externalMiB' | 'connections' | 'metricsMs'>
  > {
    const startedAt = performance.now();
    try {
      const response = await fetch(`${this.baseUrl}/metrics`, {
        signal: AbortSignal.timeout(METRICS_TIMEOUT_MS),
      });
      const text = await response.text();
      const metricsMs = Math.round(performance.now() - startedAt);
      return {
        heapUsedMiB: mib(metric(text, 'nodejs_heap_size_used_bytes')),
        externalMiB: mib(metric(text, 'nodejs_external_memory_bytes')),
        connections: metric(text, 'stomp_connections'),
        metricsMs,
      };
    } catch {
      return { heapUsedMiB: undefined, externalMiB: undefined, connections: undefined, metricsMs: undefined };
    }
  }

  private collect(chunk: Buffer): void {
    const text = this.partial + chunk.toString();
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      this.lines.push(line);
      this.countLogged(line);
    }
    if (this.lines.length > LOG_LINES_KEPT * 4) this.lines = this.lines.slice(-LOG_LINES_KEPT);
  }

  private countLogged(line: string): void {
    const inspector = /^Debugger listening on (ws:\/\/\S+)/.exec(line);
    if (inspector) this.inspectorUrl = inspector[1];
    // The inspector's own notices are not the server's.
    if (/^(Debugger (listening|attached|ending)|For help, see)/.test(line)) return;
    // Blank lines and the frames of a native stack trace say nothing on their own.
    if (line.trim() === '' || /^\s*\d+: 0x[0-9a-f]+ /.test(line)) return;
    let message = line.slice(0, 120);
    try {
      const entry = JSON.parse(line) as { msg?: unknown };
      if (typeof entry.msg === 'string') message = entry.msg;
    } catch {
      // not a pino line (a stack trace, V8's out-of-memory report): count it as it is
    }
    this.logged.set(message, (this.logged.get(message) ?? 0) + 1);
  }
}

/** The sum of a metric's samples over all its labels; `undefined` when absent. */
function metric(text: string, name: string): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

function mib(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : Math.round((bytes / 1024 / 1024) * 10) / 10;
}

async function readRss(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/** TCP states in `/proc/net/tcp` (include/net/tcp_states.h). */
const TcpState = { FIN_WAIT1: 0x04, FIN_WAIT2: 0x05, CLOSING: 0x0b, LISTEN: 0x0a } as const;

/**
 * The process's descriptors, and which of them are sockets on each of the server's ports: the
 * socket inodes behind `/proc/<pid>/fd` looked up in `/proc/<pid>/net/tcp`.
 */
async function readSockets(
  pid: number,
  wsPort: number,
  tcpPort: number,
): Promise<Pick<Sample, 'fds' | 'wsSockets' | 'tcpSockets' | 'endedHeld'>> {
  const none = { fds: undefined, wsSockets: undefined, tcpSockets: undefined, endedHeld: undefined };
  let names: string[];
  try {
    names = await readdir(`/proc/${pid}/fd`);
  } catch {
    return none;
  }
  const inodes = new Set<string>();
  await Promise.all(
    names.map(async (name) => {
      const target = await readlink(`/proc/${pid}/fd/${name}`).catch(() => '');
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match) inodes.add(match[1]!);
    }),
  );
  let table = '';
  try {
    table = await readFile(`/proc/${pid}/net/tcp`, 'utf8');
  } catch {
    return { ...none, fds: names.length };
  }
  let wsSockets = 0;
  let tcpSockets = 0;
  let endedHeld = 0;
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || !inodes.has(fields[9]!)) continue;
    const state = Number.parseInt(fields[3]!, 16);
    if (state === TcpState.LISTEN) continue;
    const port = Number.parseInt(fields[1]!.split(':')[1]!, 16);
    if (port === wsPort) wsSockets++;
    else if (port === tcpPort) tcpSockets++;
    else continue;
    if (state === TcpState.FIN_WAIT1 || state === TcpState.FIN_WAIT2 || state === TcpState.CLOSING)
      endedHeld++;
  }
  return { fds: names.length, wsSockets, tcpSockets, endedHeld };
}
