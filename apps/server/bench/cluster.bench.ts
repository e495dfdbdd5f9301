/**
 * Cluster fan-out benchmark: the fan-out of `fanout.bench.ts` (N subscribers on one topic, a
 * publisher sending M messages of S bytes, burst and paced) on one node and on three nodes sharing
 * Redis, in the same run so both meet the same machine and the same load. Three set-ups:
 *
 * - single node: publisher and subscribers on one server, `REDIS_URL` unset;
 * - 3 nodes, remote: the publisher on node 0, the subscribers spread over nodes 1 and 2, so every
 *   delivery crosses Redis pub/sub;
 * - 3 nodes, spread: the subscribers spread over all three, a third of them beside the publisher.
 *
 * Every server is a real process (`src/main.ts` under tsx), the single node too, so none shares an
 * event loop with the clients or with this script. The clients run in one child process (the
 * harness of `support/fanout-clients.ts`), publisher beside subscribers, so send and receive times
 * come from one clock. Each run also reads the servers' CPU time (`process_cpu_seconds_total` on
 * `/metrics`) and Redis's (`INFO cpu`) just before the first publish and just after the last
 * delivery. Redis may serve other work meanwhile; its figure counts that too.
 *
 *   pnpm bench                      # runs this after the other benchmarks, with the defaults below
 *   CLUSTER_BENCH_SUBSCRIBERS=100 CLUSTER_BENCH_MESSAGES=2000 CLUSTER_BENCH_SIZE=128 \
 *     CLUSTER_BENCH_ROUNDS=3 CLUSTER_BENCH_PACED_RATE=1000 node --import tsx bench/cluster.bench.ts
 *
 * Redis: `TEST_REDIS_URL`, default redis://127.0.0.1:6379. The cluster uses a key prefix of its own
 * and its keys are deleted at the end, also after a failure or Ctrl-C.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startCluster, TEST_REDIS_URL } from '../test/support/cluster';
import { freePort, ServerProcess } from '../test/support/server-process';
import { ask, type FanoutRequest, type FanoutResult, median, runFanout } from './support/fanout-clients';

const SUBSCRIBERS = Number(process.env.CLUSTER_BENCH_SUBSCRIBERS ?? 100);
const MESSAGES = Number(process.env.CLUSTER_BENCH_MESSAGES ?? 2000);
const SIZE = Number(process.env.CLUSTER_BENCH_SIZE ?? 128);
const ROUNDS = Number(process.env.CLUSTER_BENCH_ROUNDS ?? 3);
/** The paced runs' publish rate: latency without the queueing a burst causes. */
const PACED_RATE = Number(process.env.CLUSTER_BENCH_PACED_RATE ?? 1000);
/**
 * Messages of the warm-up run each set-up gets first. More than the single-node bench's 200, so the
 * cluster's own code paths (publishing to Redis on node 0, decoding envelopes on nodes 1 and 2) have
 * run a while, as the single node's hot path has, before the first measured round.
 */
const WARM_UP_MESSAGES = 1000;

/** Every server, single or clustered: nothing but the benchmark's own traffic, and quiet logs. */
const SERVER_ENV = {
  MARKET_UPDATES_PER_SECOND: '0',
  STOMP_HEARTBEAT: '0,0',
  LOG_LEVEL: 'warn',
};

/** A fan-out run, plus the servers whose CPU time it should read. */
interface MeasuredRequest extends FanoutRequest {
  readonly metricsUrls: readonly string[];
}

interface MeasuredResult extends FanoutResult {
  /** CPU time of the servers taking part, summed, from the first publish to the last delivery. */
  readonly serverCpuSeconds: number;
  /** CPU time of Redis over the same span. */
  readonly redisCpuSeconds: number;
}

// ───────────────────────────── the client process ─────────────────────────────

async function serverCpuSeconds(metricsUrls: readonly string[]): Promise<number> {
  const readings = await Promise.all(
    metricsUrls.map(async (url) => {
      const text = await (await fetch(url)).text();
      return Number(/^process_cpu_seconds_total (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
    }),
  );
  return readings.reduce((sum, seconds) => sum + seconds, 0);
}

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:(\\S+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return field('used_cpu_sys') + field('used_cpu_user');
}

function clientProcess(): void {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  // The open Redis connection would keep this process alive after its parent has gone.
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (request: MeasuredRequest) => {
    let before = { server: 0, redis: 0 };
    let after = { server: 0, redis: 0 };
    const read = async () => ({
      server: await serverCpuSeconds(request.metricsUrls),
      redis: await redisCpuSeconds(redis),
    });
    const result = await runFanout(request, {
      beforePublish: async () => {
        before = await read();
      },
      afterDelivery: async () => {
        after = await read();
      },
    });
    const measured: MeasuredResult = {
      ...result,
      serverCpuSeconds: after.server - before.server,
      redisCpuSeconds: after.redis - before.redis,
    };
    process.send!(measured);
  });
}

// ───────────────────────────── the orchestrating process ─────────────────────────────

interface Setup {
  readonly name: string;
  readonly publisherUrl: string;
  readonly subscriberUrls: readonly string[];
  readonly metricsUrls: readonly string[];
}

/** What to undo at the end, newest first, whether the run succeeded, failed or was interrupted. */
class Cleanup {
  private readonly steps: Array<{ what: string; run: () => Promise<void> }> = [];
  private running: Promise<void> | undefined;

  add(what: string, run: () => Promise<void>): void {
    this.steps.push({ what, run });
  }

  /** Runs every step once; a second call (a signal during the normal ending) waits for the first. */
  runAll(): Promise<void> {
    this.running ??= this.drain();
    return this.running;
  }

  private async drain(): Promise<void> {
    for (let step = this.steps.pop(); step !== undefined; step = this.steps.pop()) {
      try {
        await step.run();
      } catch (error) {
        console.error(`cleanup: ${step.what} failed:`, error);
      }
    }
  }
}

const startedAt = performance.now();
function progress(line: string): void {
  console.log(`[${((performance.now() - startedAt) / 1000).toFixed(1).padStart(5)} s] ${line}`);
}

async function redisAnswers(): Promise<boolean> {
  const redis = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {}); // a refused connection is the answer, reported below
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

const wsUrl = (node: ServerProcess) => `ws://127.0.0.1:${node.port}/ws`;
const metricsUrl = (node: ServerProcess) => `${node.baseUrl}/metrics`;

/** Counters on `/metrics` that should stay at zero in a clean run, with their non-zero values. */
async function troubleCounters(node: ServerProcess): Promise<string[]> {
  const text = await (await fetch(metricsUrl(node))).text();
  const watched =
    /^(stomp_messages_dropped_total|stomp_slow_consumer_events_total|stomp_protocol_errors_total|stomp_cluster_dropped_total|stomp_cluster_reconnects_total)(\{[^}]*\})? (\S+)$/gm;
  return [...text.matchAll(watched)]
    .filter((match) => Number(match[3]) > 0)
    .map((match) => `${match[1]}${match[2] ?? ''} ${match[3]}`);
}

function formatTable(rows: Array<Record<string, string>>): string {
  const columns = Object.keys(rows[0] ?? {});
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(columns),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(columns.map((column) => row[column]!))),
  ].join('\n');
}

async function measure(child: ReturnType<typeof fork>, setup: Setup, rate: number, messages = MESSAGES) {
  const request: MeasuredRequest = {
    type: 'fanout',
    mode: 'stomp',
    publisherUrl: setup.publisherUrl,
    subscriberUrls: setup.subscriberUrls,
    metricsUrls: setup.metricsUrls,
    subscribers: SUBSCRIBERS,
    messages,
    size: SIZE,
    rate,
  };
  return ask<MeasuredResult>(child, request);
}

async function benchmark(cleanup: Cleanup): Promise<void> {
  console.log(
    `cluster fan-out: ${SUBSCRIBERS} subscribers × ${MESSAGES} messages of ${SIZE} B, median of ${ROUNDS} rounds`,
  );
  console.log(`burst: published as fast as the socket takes them; paced: ${PACED_RATE} messages/s`);
  console.log(`Redis: ${TEST_REDIS_URL}\n`);

  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  cleanup.add('closing the Redis connection', async () => void (await redis.quit()));
  const redisAtStart = await redisCpuSeconds(redis);

  progress('starting the single node (REDIS_URL unset)');
  const single = new ServerProcess(await freePort(), { ...SERVER_ENV, REDIS_URL: '' });
  // Registered before it starts: a start that times out leaves a process behind.
  cleanup.add('stopping the single node', () => single.stop());
  await single.start();

  progress('starting three cluster nodes');
  const cluster = await startCluster(3, SERVER_ENV);
  cleanup.add(`stopping the cluster and deleting its keys (${cluster.prefix}:*)`, () => cluster.close());
  const [node0, node1, node2] = cluster.nodes as [ServerProcess, ServerProcess, ServerProcess];
  progress(`cluster up, key prefix ${cluster.prefix}`);

  const setups: Setup[] = [
    {
      name: 'single node',
      publisherUrl: wsUrl(single),
      subscriberUrls: [wsUrl(single)],
      metricsUrls: [metricsUrl(single)],
    },
    {
      name: '3 nodes, subscribers on nodes 1-2',
      publisherUrl: wsUrl(node0),
      subscriberUrls: [wsUrl(node1), wsUrl(node2)],
      metricsUrls: cluster.nodes.map(metricsUrl),
    },
    {
      name: '3 nodes, subscribers on all 3',
      publisherUrl: wsUrl(node0),
      subscriberUrls: cluster.nodes.map(wsUrl),
      metricsUrls: cluster.nodes.map(metricsUrl),
    },
  ];

  const child = fork(fileURLToPath(import.meta.url), ['clients'], { execArgv: ['--import', 'tsx'] });
  cleanup.add('stopping the client process', async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  });

  const burst = new Map<Setup, MeasuredResult[]>(setups.map((setup) => [setup, []]));
  const paced = new Map<Setup, MeasuredResult[]>(setups.map((setup) => [setup, []]));
  const describe = (result: MeasuredResult) =>
    `${result.deliveries}/${SUBSCRIBERS * MESSAGES} delivered, CPU ${result.serverCpuSeconds.toFixed(2)} s nodes + ${result.redisCpuSeconds.toFixed(2)} s redis`;

  progress(`warming up each set-up (${WARM_UP_MESSAGES} messages)`);
  for (const setup of setups) await measure(child, setup, 0, WARM_UP_MESSAGES);

  // Set-ups alternate within each round so that drift in the machine's load hits them alike.
  for (let round = 1; round <= ROUNDS; round++) {
    for (const setup of setups) {
      const result = await measure(child, setup, 0);
      burst.get(setup)!.push(result);
      const rate = Math.round(result.deliveries / result.seconds);
      progress(`burst ${round}/${ROUNDS}  ${setup.name}: ${rate} deliveries/s, ${describe(result)}`);
    }
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const setup of setups) {
      const result = await measure(child, setup, PACED_RATE);
      paced.get(setup)!.push(result);
      progress(
        `paced ${round}/${ROUNDS}  ${setup.name}: p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, ${describe(result)}`,
      );
    }
  }

  const summary = setups.map((setup) => {
    const bursts = burst.get(setup)!;
    const paces = paced.get(setup)!;
    const all = [...bursts, ...paces];
    return {
      setup,
      deliveriesPerSecond: Math.round(median(bursts.map((run) => run.deliveries / run.seconds))),
      burstP99: median(bursts.map((run) => run.p99)),
      pacedP50: median(paces.map((run) => run.p50)),
      pacedP99: median(paces.map((run) => run.p99)),
      burstServerCpu: median(bursts.map((run) => run.serverCpuSeconds)),
      burstRedisCpu: median(bursts.map((run) => run.redisCpuSeconds)),
      pacedRedisCpu: median(paces.map((run) => run.redisCpuSeconds)),
      delivered: all.reduce((sum, run) => sum + run.deliveries, 0),
      expected: all.length * SUBSCRIBERS * MESSAGES,
      outOfOrder: all.reduce((sum, run) => sum + run.outOfOrder, 0),
      duplicates: all.reduce((sum, run) => sum + run.duplicates, 0),
      errors: all.flatMap((run) => run.errors),
    };
  });
  const base = summary[0]!;
  const ratio = (row: (typeof summary)[number], value: number, single: number) =>
    row === base ? '' : ` (×${(value / single).toFixed(2)})`;

  console.log(
    `\nmedian of ${ROUNDS} rounds; (×…) is the ratio to the single node; CPU is per burst round of ${SUBSCRIBERS * MESSAGES} deliveries\n`,
  );
  console.log(
    formatTable(
      summary.map((row) => ({
        'set-up': row.setup.name,
        'burst deliveries/s': `${row.deliveriesPerSecond}${ratio(row, row.deliveriesPerSecond, base.deliveriesPerSecond)}`,
        'burst p99 ms': `${row.burstP99.toFixed(1)}${ratio(row, row.burstP99, base.burstP99)}`,
        'paced p50 ms': `${row.pacedP50.toFixed(2)}${ratio(row, row.pacedP50, base.pacedP50)}`,
        'paced p99 ms': `${row.pacedP99.toFixed(2)}${ratio(row, row.pacedP99, base.pacedP99)}`,
        'CPU s, nodes / redis': `${row.burstServerCpu.toFixed(2)} / ${row.burstRedisCpu.toFixed(3)}`,
        delivered: `${row.delivered}/${row.expected}`,
      })),
    ),
  );

  // Anything that should not happen in a clean run: lost, repeated or reordered deliveries, ERROR
  // frames or closed connections, non-zero drop counters, and whatever the servers logged (warn+).
  console.log('');
  let trouble = 0;
  for (const row of summary) {
    const lost = row.expected - row.delivered;
    if (lost > 0 || row.duplicates > 0 || row.outOfOrder > 0 || row.errors.length > 0) {
      trouble++;
      console.log(
        `${row.setup.name}: ${lost} lost, ${row.duplicates} duplicated, ${row.outOfOrder} out of order, ${row.errors.length} errors`,
      );
      for (const error of new Set(row.errors)) console.log(`  ${error}`);
    }
  }
  const servers: Array<[string, ServerProcess]> = [
    ['single node', single],
    ...cluster.nodes.map((node, index): [string, ServerProcess] => [`node ${index}`, node]),
  ];
  for (const [name, server] of servers) {
    const counters = await troubleCounters(server);
    const logged = server.log.trim();
    if (counters.length > 0 || logged !== '') {
      trouble++;
      console.log(`${name}: ${counters.join(', ') || 'no drop counters'}`);
      if (logged !== '') console.log(logged.split('\n').slice(0, 10).join('\n'));
    }
  }
  if (trouble === 0)
    console.log('no losses, duplicates, reordering, errors, drop counters or server log lines');

  const redisUsed = (await redisCpuSeconds(redis)) - redisAtStart;
  const [remote, spread] = [summary[1]!, summary[2]!];
  // A paced round lasts about MESSAGES / PACED_RATE seconds: Redis's share of a core meanwhile.
  const pacedRedisShare = remote.pacedRedisCpu / (MESSAGES / PACED_RATE);
  console.log(
    `Redis CPU: ${redisUsed.toFixed(2)} s over the whole benchmark; about ${(pacedRedisShare * 100).toFixed(1)}% of a core ` +
      `while ${PACED_RATE} messages/s go from node 0 to nodes 1-2`,
  );

  console.log(
    JSON.stringify({
      subscribers: SUBSCRIBERS,
      messages: MESSAGES,
      size: SIZE,
      rounds: ROUNDS,
      pacedRate: PACED_RATE,
      singleDeliveriesPerSecond: base.deliveriesPerSecond,
      remoteDeliveriesPerSecond: remote.deliveriesPerSecond,
      spreadDeliveriesPerSecond: spread.deliveriesPerSecond,
      remoteToSingleDeliveries: Number((remote.deliveriesPerSecond / base.deliveriesPerSecond).toFixed(2)),
      singlePacedP50Ms: Number(base.pacedP50.toFixed(2)),
      singlePacedP99Ms: Number(base.pacedP99.toFixed(2)),
      remotePacedP50Ms: Number(remote.pacedP50.toFixed(2)),
      remotePacedP99Ms: Number(remote.pacedP99.toFixed(2)),
      spreadPacedP50Ms: Number(spread.pacedP50.toFixed(2)),
      spreadPacedP99Ms: Number(spread.pacedP99.toFixed(2)),
      redisCpuSeconds: Number(redisUsed.toFixed(2)),
    }),
  );
}

async function orchestrate(): Promise<void> {
  if (!(await redisAnswers())) {
    console.log(`cluster fan-out: skipped, no Redis answers at ${TEST_REDIS_URL} (set TEST_REDIS_URL)`);
    return;
  }
  const cleanup = new Cleanup();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    interrupted = true;
    progress(`${signal}: stopping the servers and deleting the cluster keys`);
    void cleanup.runAll().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => onSignal('SIGINT', 130));
  process.once('SIGTERM', () => onSignal('SIGTERM', 143));
  try {
    await benchmark(cleanup);
  } catch (error) {
    // After a signal the clients and servers are being stopped under the run: that is not a failure.
    if (!interrupted) console.error('cluster fan-out failed:', error);
    process.exitCode = 1;
  } finally {
    if (!interrupted) progress('stopping the servers and deleting the cluster keys');
    await cleanup.runAll();
    progress('done');
  }
}

if (process.argv[2] === 'clients') clientProcess();
else await orchestrate();
