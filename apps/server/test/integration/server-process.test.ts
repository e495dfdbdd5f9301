/**
 * The server as a real process (`src/main.ts`, as `pnpm dev` runs it): a SIGTERM drains sessions
 * and exits cleanly, and a bad environment stops it before it listens.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { BrokerErrorCode, CloseCode } from '@stomping-ground/broker';
import { afterEach, describe, expect, it } from 'vitest';
import { StompProbe } from '../support/probe';
import { connect, header, nextFrame, text, within } from '../support/raw';
import { freePort } from '../support/server-process';

const serverDir = fileURLToPath(new URL('../..', import.meta.url));

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<Exit>;
  stderr(): string;
}

const children: Child[] = [];

afterEach(() => {
  // A test that failed half-way must not leave a server running.
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  }
});

function startProcess(env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    // Only what the server reads, so nothing from the test runner's environment leaks in.
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      STOMP_TCP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATA_DIR: ':memory:',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const started = { process: child, exited, stderr: () => stderr };
  children.push(started);
  return started;
}

/** Polls `/healthz` until it answers 200; fails early if the process exits. */
async function waitUntilHealthy(child: Child, url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`the server exited early: ${child.stderr()}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`no answer from ${url} after ${timeoutMs} ms: ${child.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the server process', () => {
  it('on SIGTERM tells every session it is shutting down, closes them and exits with 0', async () => {
    const port = await freePort();
    const tcpPort = await freePort();
    const child = startProcess({ PORT: String(port), STOMP_TCP_PORT: String(tcpPort) });
    await waitUntilHealthy(child, `http://127.0.0.1:${port}/healthz`);

    const ws = await StompProbe.ws(`ws://127.0.0.1:${port}/ws`);
    await connect(ws, 'alice', 'alice');
    const tcp = await StompProbe.tcp(tcpPort);
    await connect(tcp, 'bob', 'bob');

    const signalledAt = Date.now();
    child.process.kill('SIGTERM');

    for (const probe of [ws, tcp]) {
      const error = await nextFrame(probe);
      expect(error.command).toBe('ERROR');
      expect(header(error, 'code')).toBe(BrokerErrorCode.SHUTTING_DOWN);
      expect(header(error, 'message')).toBeTruthy();
      expect(text(error).trim()).not.toBe('');
    }
    expect((await within(ws.closed, 5_000, 'the WebSocket close')).code).toBe(CloseCode.GOING_AWAY);
    await within(tcp.closed, 5_000, 'the TCP close');

    const exit = await within(child.exited, 5_000, 'the process to exit');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
  });

  it('stops in one line naming PORT when another program holds the HTTP port', async () => {
    const occupant = createServer();
    await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = occupant.address() as { port: number };
      const child = startProcess({ PORT: String(port), STOMP_TCP_PORT: '0' });
      const exit = await within(child.exited, 10_000, 'the process to exit');
      expect(exit.code).toBe(1);
      const lines = child.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`port ${port}`);
      expect(lines[0]).toContain('set PORT');
    } finally {
      await new Promise<void>((resolve) => occupant.close(() => resolve()));
    }
  });

  it.each([
    ['PORT', 'abc'],
    ['STOMP_HEARTBEAT', 'x'],
    ['STOMP_TCP_PORT', '70000'],
    ['LOG_LEVEL', 'chatty'],
  ])('refuses to start when %s is %j, naming the variable on stderr', async (name, value) => {
    const child = startProcess({ PORT: '0', STOMP_TCP_PORT: '0', [name]: value });
    const exit = await within(child.exited, 10_000, 'the process to exit');
    // EX_CONFIG: refused, as opposed to a crash (1) that might mention the variable by chance.
    expect(exit.code).toBe(78);
    expect(child.stderr()).toContain(name);
  });
});
