/**
 * Fan-out benchmark: N subscribers on one topic, a publisher sending M messages of S bytes.
 * Reports deliveries per second and p50/p99 latency for the broker and, with the same client
 * harness and the same bytes, for a bare `ws` broadcast server (the ceiling); then memory per idle
 * connection with heart-beats on.
 *
 * The clients (`support/fanout-clients.ts`) run in a child process so they do not share the
 * server's event loop, and the publisher sits beside the subscribers so send and receive times come
 * from one clock.
 *
 *   pnpm bench                      # defaults below
 *   FANOUT_SUBSCRIBERS=100 FANOUT_MESSAGES=2000 FANOUT_SIZE=128 IDLE_CONNECTIONS=5000 pnpm bench
 */
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type WebSocket, WebSocketServer } from 'ws';
import { buildApp } from '../src/app';
import { testConfig } from '../test/support/app';
import {
  ask,
  type FanoutRequest,
  type FanoutResult,
  type Mode,
  median,
  runFanout,
  stompPeer,
} from './support/fanout-clients';

const SUBSCRIBERS = Number(process.env.FANOUT_SUBSCRIBERS ?? 100);
const MESSAGES = Number(process.env.FANOUT_MESSAGES ?? 2000);
const SIZE = Number(process.env.FANOUT_SIZE ?? 128);
const ROUNDS = Number(process.env.FANOUT_ROUNDS ?? 3);
/** The paced run's publish rate: latency without the queueing a burst causes. */
const PACED_RATE = Number(process.env.FANOUT_PACED_RATE ?? 1000);
const IDLE_CONNECTIONS = Number(process.env.IDLE_CONNECTIONS ?? 5000);

interface IdleRequest {
  readonly type: 'idle';
  readonly url: string;
  readonly connections: number;
}

// ───────────────────────────── the client process ─────────────────────────────

const idleSockets: WebSocket[] = [];

async function openIdle(request: IdleRequest): Promise<void> {
  const batch = 200;
  for (let i = 0; i < request.connections; i += batch) {
    const opened = [];
    for (let j = i; j < Math.min(i + batch, request.connections); j++) {
      opened.push(stompPeer(request.url, `idle${j}`, '10000,10000', () => {}).then((peer) => peer.socket));
    }
    idleSockets.push(...(await Promise.all(opened)));
  }
}

function clientProcess(): void {
  process.on('message', async (request: FanoutRequest | IdleRequest | { type: 'close-idle' }) => {
    if (request.type === 'fanout') process.send!(await runFanout(request));
    else if (request.type === 'idle') {
      await openIdle(request);
      process.send!({ ready: idleSockets.length });
    } else {
      for (const socket of idleSockets) socket.terminate();
      idleSockets.length = 0;
      process.send!({ closed: true });
    }
  });
}

// ───────────────────────────── the server process ─────────────────────────────

/** The ceiling: `ws` relaying each message to every subscriber, one `send` per delivery. */
async function startBareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const subscribers = new Set<WebSocket>();
  server.on('connection', (socket) => {
    socket.once('message', (hello) => {
      if (hello.toString() === 'subscribe') {
        subscribers.add(socket);
        socket.on('close', () => subscribers.delete(socket));
        return;
      }
      socket.on('message', (data: Buffer) => {
        for (const subscriber of subscribers) subscriber.send(data, { binary: false });
      });
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function startBroker(heartBeat = { canSend: 0, wantsToReceive: 0 }) {
  // Every client comes from this machine, so the per-address cap on connections waiting to log in
  // would refuse the idle run's batches of 200: one trusted load generator is not an attacker.
  const limits = { ...testConfig().connectionLimits, maxPreLoginConnectionsPerAddress: 100_000 };
  const app = await buildApp(testConfig({ tcp: null, heartBeat, connectionLimits: limits }), {
    logger: false,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `ws://127.0.0.1:${port}/ws` };
}

function memory() {
  globalThis.gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed + usage.external };
}

/** Publisher and subscribers on one server. */
function at(url: string): Pick<FanoutRequest, 'publisherUrl' | 'subscriberUrls'> {
  return { publisherUrl: url, subscriberUrls: [url] };
}

async function serverProcess(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['clients'], { execArgv: ['--import', 'tsx'] });
  const request = { subscribers: SUBSCRIBERS, messages: MESSAGES, size: SIZE, rate: 0 };
  const paced = { ...request, rate: PACED_RATE };
  console.log(
    `fan-out: ${SUBSCRIBERS} subscribers × ${MESSAGES} messages of ${SIZE} B, median of ${ROUNDS} rounds`,
  );
  console.log(
    `burst: published as fast as the socket takes them; paced: ${PACED_RATE} messages/s (one round)\n`,
  );

  const results: Record<Mode, FanoutResult[]> = { stomp: [], bare: [] };
  const pacedResults: Record<Mode, FanoutResult[]> = { stomp: [], bare: [] };
  const broker = await startBroker();
  const bare = await startBareServer();
  // Warm both up, then alternate so drift on the machine hits both alike.
  await ask(child, { type: 'fanout', ...at(broker.url), mode: 'stomp', ...request, messages: 200 });
  await ask(child, { type: 'fanout', ...at(bare.url), mode: 'bare', ...request, messages: 200 });
  for (let round = 0; round < ROUNDS; round++) {
    results.stomp.push(
      await ask<FanoutResult>(child, { type: 'fanout', ...at(broker.url), mode: 'stomp', ...request }),
    );
    results.bare.push(
      await ask<FanoutResult>(child, { type: 'fanout', ...at(bare.url), mode: 'bare', ...request }),
    );
  }
  pacedResults.stomp.push(
    await ask<FanoutResult>(child, { type: 'fanout', ...at(broker.url), mode: 'stomp', ...paced }),
  );
  pacedResults.bare.push(
    await ask<FanoutResult>(child, { type: 'fanout', ...at(bare.url), mode: 'bare', ...paced }),
  );
  await broker.app.close();
  await bare.close();

  const summarise = (runs: FanoutResult[], mode: Mode, load: string) => ({
    server: mode === 'stomp' ? 'stomping-ground broker' : 'bare ws broadcast (ceiling)',
    load,
    'deliveries/s': Math.round(median(runs.map((run) => run.deliveries / run.seconds))),
    'p50 ms': Number(median(runs.map((run) => run.p50)).toFixed(2)),
    'p99 ms': Number(median(runs.map((run) => run.p99)).toFixed(2)),
    delivered: `${runs.at(-1)!.deliveries}/${SUBSCRIBERS * MESSAGES}`,
  });
  const rows = (['stomp', 'bare'] as const).map((mode) => summarise(results[mode], mode, 'burst'));
  const pacedRows = (['stomp', 'bare'] as const).map((mode) => summarise(pacedResults[mode], mode, 'paced'));
  console.table([...rows, ...pacedRows]);
  const ratio = rows[0]!['deliveries/s'] / rows[1]!['deliveries/s'];

  console.log(`\nidle connections: ${IDLE_CONNECTIONS} STOMP sessions with heart-beats 10000,10000`);
  const idleBroker = await startBroker({ canSend: 10_000, wantsToReceive: 10_000 });
  const before = memory();
  await ask(child, { type: 'idle', url: idleBroker.url, connections: IDLE_CONNECTIONS });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = memory();
  const sessions = idleBroker.app.broker.stats().sessions;
  await ask(child, { type: 'close-idle' });
  await idleBroker.app.close();
  child.kill();

  const perConnection = {
    sessions,
    'heap+external bytes per connection': Math.round((after.heap - before.heap) / IDLE_CONNECTIONS),
    'rss bytes per connection': Math.round((after.rss - before.rss) / IDLE_CONNECTIONS),
  };
  console.table([perConnection]);
  console.log(
    JSON.stringify({
      deliveriesPerSecond: rows[0]!['deliveries/s'],
      bareWsDeliveriesPerSecond: rows[1]!['deliveries/s'],
      ratioToBareWs: Number(ratio.toFixed(2)),
      burstP50Ms: rows[0]!['p50 ms'],
      burstP99Ms: rows[0]!['p99 ms'],
      pacedP50Ms: pacedRows[0]!['p50 ms'],
      pacedP99Ms: pacedRows[0]!['p99 ms'],
      bareWsPacedP50Ms: pacedRows[1]!['p50 ms'],
      bareWsPacedP99Ms: pacedRows[1]!['p99 ms'],
      idleBytesPerConnection: perConnection['heap+external bytes per connection'],
      idleRssBytesPerConnection: perConnection['rss bytes per connection'],
    }),
  );
}

if (process.argv[2] === 'clients') clientProcess();
else await serverProcess();
