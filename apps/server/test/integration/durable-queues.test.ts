/**
 * Nothing receipted is lost on one node: the server is killed with SIGKILL in the middle of a
 * stream of receipted SENDs and of deliveries, some ACKed and some not, then started again on the
 * same DATA_DIR. Every receipted message comes back (once, or again with `redelivered:true` if it
 * had gone out unacknowledged), and none whose ACK got its RECEIPT does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type IMessage } from '@stomp/stompjs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { until } from '../support/raw';
import { freePort, ServerProcess } from '../support/server-process';

const QUEUE = '/queue/durable-crash';
/** Receipted SENDs before the kill. More are on their way when it comes. */
const RECEIPTED_BEFORE_KILL = 1500;
/** SENDs in flight at once. */
const WINDOW = 64;

let dataDir: string;
let server: ServerProcess;
const clients: Client[] = [];

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sg-durable-'));
  server = new ServerProcess(await freePort(), {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    MARKET_ENABLED: 'false',
    GAME_ENABLED: 'false',
  });
  await server.start();
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.deactivate();
  await server.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

function connectClient(): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client({
      webSocketFactory: () => new WebSocket(`ws://127.0.0.1:${server.port}/ws`, ['v12.stomp']),
      connectHeaders: { login: 'guest', passcode: 'guest' },
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
      onConnect: () => resolve(client),
      onStompError: (frame) => reject(new Error(frame.headers.message)),
    });
    clients.push(client);
    client.activate();
  });
}

it('keeps every receipted message through a SIGKILL, redelivers the unacknowledged, never the ACKed', async () => {
  const producer = await connectClient();
  const consumer = await connectClient();

  const receipted = new Set<string>();
  /** ACKs sent: one whose RECEIPT had not come yet may or may not have been applied. */
  const ackSent = new Set<string>();
  /** ACKs whose RECEIPT came: they were on disk. */
  const ackedForSure = new Set<string>();
  const deliveredBefore = new Set<string>();
  const unacked = new Set<string>();

  // The consumer ACKs every other message (with a receipt) and leaves the rest unacknowledged.
  let seen = 0;
  consumer.subscribe(
    QUEUE,
    (message: IMessage) => {
      deliveredBefore.add(message.body);
      if (seen++ % 2 === 0) {
        const receipt = `ack-${message.body}`;
        consumer.watchForReceipt(receipt, () => ackedForSure.add(message.body));
        ackSent.add(message.body);
        message.ack({ receipt });
      } else {
        unacked.add(message.body);
      }
    },
    { ack: 'client-individual' },
  );

  // The producer keeps WINDOW receipted SENDs in flight and never stops by itself.
  let sent = 0;
  let stopped = false;
  const sendNext = (): void => {
    if (stopped || !producer.connected) return;
    const body = `m-${sent++}`;
    const receipt = `send-${body}`;
    producer.watchForReceipt(receipt, () => {
      receipted.add(body);
      sendNext();
    });
    producer.publish({ destination: QUEUE, body, headers: { receipt } });
  };
  for (let i = 0; i < WINDOW; i++) sendNext();

  await until(
    () => receipted.size >= RECEIPTED_BEFORE_KILL && ackedForSure.size >= 100 && unacked.size >= 100,
    40_000,
    'receipted SENDs and deliveries, ACKed and not',
  );
  await server.kill();
  stopped = true;
  const receiptedAtKill = new Set(receipted);
  const ackedAtKill = new Set(ackedForSure);
  expect(sent).toBeGreaterThan(receiptedAtKill.size);
  for (const client of clients.splice(0)) await client.deactivate();

  await server.start();
  // The log holds both runs: the second run's report is the last.
  const restoredLine = server.log
    .split('\n')
    .filter((line) => line.includes('"queues restored"'))
    .at(-1);
  expect(restoredLine, server.log).toBeDefined();
  const restored = JSON.parse(restoredLine!) as { messages: number; ms: number };
  expect(restored.messages).toBeGreaterThanOrEqual(receiptedAtKill.size - ackSent.size);

  const drained: Array<{ body: string; redelivered: boolean }> = [];
  const reader = await connectClient();
  reader.subscribe(QUEUE, (message) => {
    drained.push({ body: message.body, redelivered: message.headers.redelivered === 'true' });
  });
  await until(() => drained.length === restored.messages, 30_000, 'every restored message');
  // Nothing more waits in the queue.
  const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
  expect(metrics).toContain(`stomp_queue_depth{queue="${QUEUE}"} 0`);
  expect(drained.length).toBe(restored.messages);

  const bodies = drained.map((message) => message.body);
  expect(new Set(bodies).size, 'no message twice after the restart').toBe(bodies.length);
  const got = new Map(drained.map((message) => [message.body, message.redelivered]));
  for (const body of receiptedAtKill) {
    if (ackSent.has(body)) continue;
    expect(got.has(body), `receipted ${body} is back`).toBe(true);
  }
  for (const body of ackedAtKill) expect(got.has(body), `ACKed ${body} stays gone`).toBe(false);
  for (const body of unacked) {
    if (got.has(body)) expect(got.get(body), `${body} went out unacknowledged before`).toBe(true);
  }
  // Those never handed out may be flagged too (the store errs on the safe side after a crash), but
  // everything handed out and not ACKed is.
  const handedOutAgain = drained.filter((message) => deliveredBefore.has(message.body));
  expect(handedOutAgain.every((message) => message.redelivered)).toBe(true);
}, 90_000);
