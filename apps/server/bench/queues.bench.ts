/**
 * Queue benchmark, in one run:
 *
 * 1. Receipted SENDs per second to a queue, with 1 and with 50 producers, each producer sending its
 *    next SEND when the RECEIPT of the last one came (so the RECEIPT is what is measured); then
 *    consume-and-ACK per second: one `client-individual` consumer ACKing every message of the
 *    queue the 50 producers filled.
 *    Against this server with durable queues (`DATA_DIR` on disk), the same server with
 *    `DATA_DIR=:memory:`, and RabbitMQ's STOMP plugin with `persistent:true` messages on a durable
 *    queue (its RECEIPT for a SEND follows the publisher confirm, i.e. the message is on disk) as
 *    the reference, when `RABBITMQ_STOMP_PORT` names its port.
 * 2. Restart time with 1,000,000 queued messages of 128 B: the store is filled, then the server is
 *    started on it and timed until `/healthz` answers, beside a start on an empty directory.
 *
 * The server runs as its own process (`src/main.ts` under tsx); the clients run here, over TCP.
 *
 *   pnpm bench
 *   RABBITMQ_STOMP_PORT=61623 QUEUE_BENCH_RESTART_MESSAGES=1000000 pnpm bench
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboundMessage, SqliteQueueStore } from '@stomping-ground/broker';
import type { Frame, Header } from '@stomping-ground/protocol';
import { getHeader } from '@stomping-ground/protocol';
import { freePort, ServerProcess } from '../test/support/server-process';
import { StompTcpClient } from './support/stomp-tcp';

const SIZE = Number(process.env.QUEUE_BENCH_SIZE ?? 128);
const SINGLE_PRODUCER_MESSAGES = Number(process.env.QUEUE_BENCH_SINGLE ?? 2000);
const PRODUCERS = Number(process.env.QUEUE_BENCH_PRODUCERS ?? 50);
/** Per producer of the 50: the queue ends at 10,000 messages, this broker's default depth bound. */
const MESSAGES_PER_PRODUCER = Number(process.env.QUEUE_BENCH_PER_PRODUCER ?? 200);
const RESTART_MESSAGES = Number(process.env.QUEUE_BENCH_RESTART_MESSAGES ?? 1_000_000);
const RESTART_QUEUES = 100;
const RABBITMQ_PORT = process.env.RABBITMQ_STOMP_PORT ? Number(process.env.RABBITMQ_STOMP_PORT) : undefined;

const body = 'x'.repeat(SIZE);
const run = Date.now().toString(36);

interface Target {
  readonly name: string;
  readonly port: number;
  /** Headers every SEND and SUBSCRIBE carries on this broker. */
  readonly sendHeaders: Header[];
  readonly subscribeHeaders: Header[];
}

interface Figures {
  readonly single: number;
  readonly many: number;
  readonly consume: number;
}

/** `count` producers, each SEND waiting for the last one's RECEIPT; messages per second. */
async function produce(target: Target, queue: string, count: number, perProducer: number): Promise<number> {
  const producers = await Promise.all(
    Array.from({ length: count }, () => StompTcpClient.connect(target.port)),
  );
  const started = performance.now();
  await Promise.all(
    producers.map(async (producer) => {
      for (let i = 0; i < perProducer; i++) {
        await producer.request({
          command: 'SEND',
          headers: [['destination', queue], ['content-type', 'text/plain'], ...target.sendHeaders],
          body,
        });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const producer of producers) producer.close();
  return (count * perProducer) / seconds;
}

/** One consumer ACKs each of `expected` messages; messages per second, up to the last ACK's RECEIPT. */
async function consume(target: Target, queue: string, expected: number): Promise<number> {
  const consumer = await StompTcpClient.connect(target.port);
  let received = 0;
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  consumer.onMessage = (frame: Frame) => {
    received++;
    const ack: FrameHeaderList = [['id', getHeader(frame.headers, 'ack') ?? '']];
    if (received === expected) {
      void consumer.request({ command: 'ACK', headers: ack }).then(finished);
    } else {
      consumer.send({ command: 'ACK', headers: ack });
    }
  };
  const started = performance.now();
  consumer.send({
    command: 'SUBSCRIBE',
    headers: [['id', '1'], ['destination', queue], ['ack', 'client-individual'], ...target.subscribeHeaders],
  });
  await done;
  const seconds = (performance.now() - started) / 1000;
  consumer.close();
  return expected / seconds;
}

type FrameHeaderList = Header[];

async function measure(target: Target): Promise<Figures> {
  const single = await produce(target, `/queue/bench-${run}-single`, 1, SINGLE_PRODUCER_MESSAGES);
  const manyQueue = `/queue/bench-${run}-many`;
  const many = await produce(target, manyQueue, PRODUCERS, MESSAGES_PER_PRODUCER);
  const consumeRate = await consume(target, manyQueue, PRODUCERS * MESSAGES_PER_PRODUCER);
  // Leaves nothing behind on a shared broker: the single producer's queue is drained too.
  await consume(target, `/queue/bench-${run}-single`, SINGLE_PRODUCER_MESSAGES);
  return { single, many, consume: consumeRate };
}

async function startServer(dataDir: string): Promise<{ server: ServerProcess; tcpPort: number }> {
  const tcpPort = await freePort();
  const server = new ServerProcess(await freePort(), {
    DATA_DIR: dataDir,
    STOMP_TCP_PORT: String(tcpPort),
    STOMP_TCP_HOST: '127.0.0.1',
    STOMP_HEARTBEAT: '0,0',
    MARKET_ENABLED: 'false',
    GAME_ENABLED: 'false',
    LOG_LEVEL: 'info',
  });
  // A full store on a busy machine may take a while: the figure is reported, not bounded here.
  await server.start(120_000);
  return { server, tcpPort };
}

async function ourServer(name: string, dataDir: string): Promise<Figures> {
  const { server, tcpPort } = await startServer(dataDir);
  try {
    return await measure({
      name,
      port: tcpPort,
      sendHeaders: [['persistent', 'true']],
      subscribeHeaders: [],
    });
  } finally {
    await server.stop();
  }
}

async function rabbitmq(port: number): Promise<Figures> {
  // A durable, non-auto-delete queue (RabbitMQ's default for /queue/ too, said outright), removed by
  // RabbitMQ a minute after the bench stops using it; 1000 unacknowledged at most, as here.
  const queueArgs: Header[] = [
    ['durable', 'true'],
    ['auto-delete', 'false'],
    ['x-expires', '60000'],
  ];
  return measure({
    name: 'RabbitMQ',
    port,
    sendHeaders: [['persistent', 'true'], ...queueArgs],
    subscribeHeaders: [['prefetch-count', '1000'], ...queueArgs],
  });
}

/** Fills a store directory with `count` messages over `RESTART_QUEUES` queues, as the server writes them. */
async function fillStore(dataDir: string, count: number): Promise<void> {
  const store = new SqliteQueueStore({ dataDir });
  store.restore(() => {
    throw new Error('the restart bench starts from an empty directory');
  });
  const bytes = new TextEncoder().encode(body);
  for (let i = 0; i < count; i++) {
    const queue = `/queue/restart-${i % RESTART_QUEUES}`;
    store.add(queue, new OutboundMessage(queue, `fill-m${i}`, [['content-type', 'text/plain']], bytes));
    if (i % 20_000 === 19_999) await store.flushed();
  }
  await store.close();
}

interface StartFigures {
  readonly startMs: number;
  readonly restoreMs: number;
  readonly restoreCpuMs: number;
  readonly messages: number;
}

async function timedStart(dataDir: string): Promise<StartFigures> {
  const started = performance.now();
  const { server } = await startServer(dataDir);
  const startMs = performance.now() - started;
  const line = server.log
    .split('\n')
    .filter((entry) => entry.includes('"queues restored"'))
    .at(-1);
  await server.stop();
  const report = JSON.parse(line ?? '{}') as { ms?: number; cpuMs?: number; messages?: number };
  return {
    startMs,
    restoreMs: report.ms ?? Number.NaN,
    restoreCpuMs: report.cpuMs ?? Number.NaN,
    messages: report.messages ?? 0,
  };
}

function rate(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')}/s`.padStart(10);
}

async function main(): Promise<void> {
  const [load] = loadavg();
  console.log(`\nLoad average when starting: ${load?.toFixed(1)} on ${availableParallelism()} cores`);
  console.log(
    `Queue benchmark: ${SIZE} B bodies; 1 producer × ${SINGLE_PRODUCER_MESSAGES}, ${PRODUCERS} producers × ${MESSAGES_PER_PRODUCER}, each SEND waiting for its RECEIPT; one consumer ACKing each of ${PRODUCERS * MESSAGES_PER_PRODUCER}\n`,
  );
  const rows: Array<[string, Figures]> = [];
  const durableDir = mkdtempSync(join(tmpdir(), 'sg-queue-bench-'));
  try {
    rows.push(['stomping-ground, durable (SQLite WAL, fsync)', await ourServer('durable', durableDir)]);
  } finally {
    rmSync(durableDir, { recursive: true, force: true });
  }
  rows.push(['stomping-ground, DATA_DIR=:memory:', await ourServer('memory', ':memory:')]);
  if (RABBITMQ_PORT === undefined) {
    console.log('RabbitMQ: not measured (set RABBITMQ_STOMP_PORT to the port of its STOMP plugin)');
  } else {
    try {
      rows.push([
        `RabbitMQ STOMP :${RABBITMQ_PORT}, durable queue, persistent:true`,
        await rabbitmq(RABBITMQ_PORT),
      ]);
    } catch (error) {
      console.log(
        `RabbitMQ: not measured, nothing answers STOMP on ${RABBITMQ_PORT} (${(error as Error).message})`,
      );
    }
  }
  console.log(
    `${'broker'.padEnd(60)}${'1 producer'.padStart(12)}${`${PRODUCERS} producers`.padStart(14)}${'consume+ACK'.padStart(13)}`,
  );
  for (const [name, figures] of rows) {
    console.log(
      `${name.padEnd(60)}${rate(figures.single).padStart(12)}${rate(figures.many).padStart(14)}${rate(figures.consume).padStart(13)}`,
    );
  }
  const durable = rows[0]![1];
  const reference = rows.find(([name]) => name.startsWith('RabbitMQ'))?.[1];
  if (reference !== undefined) {
    console.log(
      `durable ÷ RabbitMQ: 1 producer ${(durable.single / reference.single).toFixed(2)}×, ${PRODUCERS} producers ${(durable.many / reference.many).toFixed(2)}×, consume+ACK ${(durable.consume / reference.consume).toFixed(2)}× (target ≥ 2× for receipted SENDs)`,
    );
  }

  const restartDir = mkdtempSync(join(tmpdir(), 'sg-queue-restart-'));
  try {
    const empty = await timedStart(restartDir);
    const fillStarted = performance.now();
    await fillStore(restartDir, RESTART_MESSAGES);
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    const full = await timedStart(restartDir);
    console.log(
      `\nRestart (${RESTART_MESSAGES.toLocaleString('en-US')} messages of ${SIZE} B in ${RESTART_QUEUES} queues, written in ${fillSeconds.toFixed(1)} s):`,
    );
    console.log(
      `  empty DATA_DIR:  process start to /healthz ${Math.round(empty.startMs)} ms (restore ${empty.restoreMs} ms, ${empty.restoreCpuMs} ms of CPU, ${empty.messages} messages)`,
    );
    console.log(
      `  full DATA_DIR:   process start to /healthz ${Math.round(full.startMs)} ms (restore ${full.restoreMs} ms, ${full.restoreCpuMs} ms of CPU, ${full.messages.toLocaleString('en-US')} messages; target < 5000 ms)`,
    );
  } finally {
    rmSync(restartDir, { recursive: true, force: true });
  }
}

await main();
