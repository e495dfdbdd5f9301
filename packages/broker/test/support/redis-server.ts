/**
 * A Redis server of a test's own (Debian's `redis-server`, on a free port, keeping nothing on disk):
 * the one a test run shares (`setupTestRedis`), or one a test takes away (kill, freeze) while the
 * run's goes on serving the other test files.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './free-port';

export class TestRedisServer {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<TestRedisServer> {
    const server = new TestRedisServer(await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port and waits until it answers PING. */
  async restart(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.child = child;
    let failed: Error | undefined;
    child.once('error', (error) => {
      failed = error;
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (failed !== undefined) {
        throw new Error(
          `cannot run redis-server (${failed.message}): install it (Debian: redis-server), or set TEST_REDIS_URL`,
        );
      }
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      const probe = new Redis(this.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => {}); // refused until the server listens: that is what the loop waits for
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${this.port}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        probe.disconnect();
      }
    }
  }

  /** SIGSTOP: Redis freezes; its connections stay open and nothing answers. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  /** SIGCONT: a frozen Redis answers again, what was sent meanwhile included. */
  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  /** SIGKILL: Redis vanishes at once, as in a crash. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }
}

/**
 * A Vitest `globalSetup` for the tests on Redis: one private `redis-server` for the whole run, its
 * URL handed to the test workers as `TEST_REDIS_URL` (they are started after global setups, with
 * this process's environment). A `TEST_REDIS_URL` already set is used instead, and nothing started.
 */
export async function setupTestRedis(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.TEST_REDIS_URL !== undefined) return undefined;
  const server = await TestRedisServer.start();
  process.env.TEST_REDIS_URL = server.url;
  return async () => {
    delete process.env.TEST_REDIS_URL;
    await server.kill();
  };
}
