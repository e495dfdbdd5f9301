/**
 * The real server as a child process (`src/main.ts` under tsx, as `pnpm dev` runs it), so a test
 * can stop it with SIGTERM and start it again on the same port. The pages' end-to-end suites use it
 * through `@stomping-ground/server/testing`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '@stomping-ground/broker/testing';

export { freePort };

const serverMain = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export class ServerProcess {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    readonly port: number,
    private readonly env: Record<string, string> = {},
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the process and waits until `/healthz` answers, for `timeoutMs` at most. */
  async start(timeoutMs = 20_000): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', serverMain], {
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        STOMP_TCP_PORT: '0',
        LOG_LEVEL: 'warn',
        // Queues on disk only where a test gives its own directory.
        DATA_DIR: ':memory:',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${this.output}`);
      try {
        if ((await fetch(`${this.baseUrl}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // A server that never answered is not left running.
    await this.kill();
    throw new Error(`the server did not answer /healthz within ${timeoutMs} ms:\n${this.output}`);
  }

  /** Whether the process is running. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What the process wrote to stdout and stderr so far. */
  get log(): string {
    return this.output;
  }

  /** SIGKILL: the process dies at once, as in a crash or an out-of-memory kill. Nothing is handed over. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }

  /** SIGTERM, as a deploy would: sessions are told and closed, then the process exits. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    this.child = undefined;
  }
}
