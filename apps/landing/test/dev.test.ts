/**
 * `pnpm dev` as a person runs it, through Turborepo (the broker and this page's dev server), on
 * ports of its own: the environment reaches the broker through turbo's strict mode, a TCP port
 * another program holds leaves the broker serving, the banner appears only once `/healthz` answers
 * through this dev server, and when the broker is down the banner says so instead.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const turbo = fileURLToPath(new URL('../../../node_modules/.bin/turbo', import.meta.url));

interface DevRun {
  readonly child: ChildProcess;
  /** Resolves with the output so far once `pattern` appears in it. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  output(): string;
}

const runs: DevRun[] = [];

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function devPortsEnv(): Promise<Record<string, string>> {
  return {
    PORT: String(await freePort()),
    LANDING_DEV_PORT: String(await freePort()),
    TICKER_DEV_PORT: String(await freePort()),
    GAME_DEV_PORT: String(await freePort()),
  };
}

/** `turbo run dev` for the broker and this page, in a process group of its own. */
function startDev(env: Record<string, string>): DevRun {
  const inherited = Object.fromEntries(
    // An outer turbo run's own variables must not steer this one.
    Object.entries(process.env).filter(([name]) => !name.startsWith('TURBO_')),
  );
  const child = spawn(
    turbo,
    ['run', 'dev', '--filter=@stomping-ground/server', '--filter=@stomping-ground/landing', '--ui=stream'],
    {
      cwd: root,
      env: { ...inherited, LOG_LEVEL: 'info', MARKET_UPDATES_PER_SECOND: '0', ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const waiters: Array<{ pattern: RegExp; resolve: (match: RegExpMatchArray) => void }> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of [...waiters]) {
      const match = output.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const run: DevRun = {
    child,
    output: () => output,
    waitFor: (pattern) =>
      new Promise((resolve) => {
        const match = output.match(pattern);
        if (match) resolve(match);
        else waiters.push({ pattern, resolve });
      }),
  };
  runs.push(run);
  return run;
}

async function stop(run: DevRun): Promise<void> {
  const { child } = run;
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  const forced = setTimeout(() => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(forced);
}

/**
 * The status a WebSocket handshake to `/ws` gets, as the page at `origin` would make it: 101 when
 * the proxy passes it on and the broker accepts that origin.
 */
function handshakeStatus(url: string, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const handshake = request(`${url}ws`, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        origin,
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-protocol': 'v12.stomp',
      },
    });
    handshake.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    handshake.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    handshake.on('error', reject);
    handshake.end();
  });
}

const BANNER = /Stomping Ground is running: open (http:\/\/localhost:\d+\/)/;
const BROKER_DOWN = /The broker is not answering: (http:\/\/localhost:\d+\/)healthz/;

afterEach(async () => {
  await Promise.all(runs.splice(0).map(stop));
});

describe('pnpm dev with the STOMP TCP port taken by another program', () => {
  let occupant: Server;
  let taken: number;

  beforeAll(async () => {
    occupant = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
    taken = (occupant.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => occupant.close(() => resolve()));
  });

  it('prints the URL once the broker answers through it, and says in one line that TCP is off', async () => {
    const ports = await devPortsEnv();
    const run = startDev({ ...ports, STOMP_TCP_PORT: String(taken), STOMP_TCP_HOST: '127.0.0.1' });
    const [, url] = await run.waitFor(BANNER);
    expect(url).toBe(`http://localhost:${ports.LANDING_DEV_PORT}/`);

    // The broker listens where PORT (passed through turbo) says, and answers through the dev server.
    expect((await fetch(`http://127.0.0.1:${ports.PORT}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}healthz`)).status).toBe(200);
    // The page's WebSocket, through the dev server on its moved port, is accepted by the broker.
    expect(await handshakeStatus(url ?? '', url?.slice(0, -1) ?? '')).toBe(101);

    const tcpLines = run
      .output()
      .split('\n')
      .filter((line) => line.includes('STOMP over TCP is off'));
    expect(tcpLines).toHaveLength(1);
    expect(tcpLines[0]).toContain(`port ${taken}`);
    expect(tcpLines[0]).toContain('STOMP_TCP_PORT=0');
    // Waiting for the broker to start did not fill the output with the proxy's connection errors.
    expect(run.output()).not.toContain('ECONNREFUSED');
  });
});

describe('pnpm dev with a broker that cannot start', () => {
  it('says the broker is not answering instead of printing the URL', async () => {
    const ports = await devPortsEnv();
    const run = startDev({
      ...ports,
      STOMP_TCP_PORT: '0',
      // Refused at start-up (exit 78); it reaches the broker only if turbo passes it through.
      STOMP_HEARTBEAT: 'often',
      DEV_BROKER_TIMEOUT_MS: '1000',
    });
    const [, url] = await run.waitFor(BROKER_DOWN);
    expect(url).toBe(`http://localhost:${ports.LANDING_DEV_PORT}/`);
    // The broker's own line says why: the variable reached it.
    await run.waitFor(/invalid configuration: .*STOMP_HEARTBEAT/);
    expect(run.output()).not.toMatch(BANNER);
    // Waiting for the broker does not fill the output with the proxy's connection errors.
    expect(run.output()).not.toContain('ECONNREFUSED');
  });
});
