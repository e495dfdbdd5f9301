/**
 * The attacks, run in a process of their own. Each runs for its time, reports what it did and what
 * the server did to it, and keeps its connections open until `releaseAll()`, so the figures taken
 * at the end of an attack still see them.
 */

import {
  type Endpoint,
  HostileConnection,
  oneByteMessages,
  type TransportKind,
  webSocketFrame,
  webSocketFrameHeader,
} from './raw-socket';
import { DRIP_TOPIC, type Settings, STREAM_TOPIC } from './settings';

export const TRANSPORTS: readonly TransportKind[] = ['ws', 'tcp'];

export type AttackName =
  | 'drip-logged-in'
  | 'drip-prelogin'
  | 'pinned-prelogin'
  | 'descriptors'
  | 'connection-flood'
  | 'flood-ws'
  | 'flood-tcp'
  | 'big-messages'
  | 'impersonation';

export interface AttackRequest {
  readonly attack: AttackName;
  readonly endpoint: Endpoint;
  readonly settings: Settings;
  /** For `impersonation`: the logins of the bystanders, which the attacker tries to take. */
  readonly victims?: readonly string[];
}

/** What an attack did and saw, by name (`ws …`, `tcp …`), for the phase's table. */
export type AttackReport = Record<string, number | string>;

const held = new Set<HostileConnection>();
let addressCounter = 0;
const X = 0x78;

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The next attacker address, round robin over 127.0.0.2… (the bystanders use 127.0.0.1). */
function nextAddress(settings: Settings): string | undefined {
  if (settings.attackerAddresses < 1) return undefined;
  return `127.0.0.${2 + (addressCounter++ % settings.attackerAddresses)}`;
}

/** Opens a connection, or returns the reason it was refused. */
async function open(kind: TransportKind, request: AttackRequest): Promise<HostileConnection | string> {
  try {
    const connection = await HostileConnection.open(kind, request.endpoint, nextAddress(request.settings));
    held.add(connection);
    return connection;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Drops every connection the attacks hold. */
export function releaseAll(): number {
  const count = held.size;
  for (const connection of held) connection.destroy();
  held.clear();
  return count;
}

class Tally {
  readonly counts: AttackReport = {};
  add(name: string, by = 1): void {
    this.counts[name] = ((this.counts[name] as number | undefined) ?? 0) + by;
  }
  set(name: string, value: number | string): void {
    this.counts[name] = value;
  }
}

/** The reason a refusal gives, shortened for a table. */
function refusal(reason: string): string {
  return reason.replace(/^handshake refused: HTTP\/1\.1 /, 'HTTP ').slice(0, 40);
}

/**
 * Sends body bytes one per WebSocket message (4096 messages to a write) or one per TCP write, up to
 * `bytes`, until `deadline` or the server lets go. Returns the bytes sent.
 */
async function dripBody(connection: HostileConnection, bytes: number, deadline: number): Promise<number> {
  let sent = 0;
  if (connection.kind === 'ws') {
    const batchSize = 4096;
    const batch = oneByteMessages(batchSize, X);
    while (sent < bytes && Date.now() < deadline && !connection.refusedOrClosed) {
      const count = Math.min(batchSize, bytes - sent);
      const ok = connection.writeRaw(count === batchSize ? batch : batch.subarray(0, count * 7));
      sent += count;
      if (!ok) await connection.drained();
      else await yieldTurn();
    }
    return sent;
  }
  const one = Uint8Array.of(X);
  while (sent < bytes && Date.now() < deadline && !connection.refusedOrClosed) {
    const ok = connection.writeRaw(one);
    sent++;
    if (!ok) await connection.drained();
    else if (sent % 64 === 0) await yieldTurn();
  }
  return sent;
}

async function dripLoggedIn(request: AttackRequest, tally: Tally): Promise<void> {
  const { settings } = request;
  const deadline = Date.now() + settings.attackSeconds * 1000;
  const one = async (kind: TransportKind) => {
    const connection = await open(kind, request);
    if (typeof connection === 'string') return tally.add(`${kind} refused (${refusal(connection)})`);
    const answer = await connection.login([]);
    if (answer?.command !== 'CONNECTED') return tally.add(`${kind} login refused`);
    tally.add(`${kind} sessions`);
    connection.send(`SEND\ndestination:${DRIP_TOPIC}\n\n`);
    tally.add(`${kind} body bytes sent`, await dripBody(connection, settings.dripBytes, deadline));
    if (connection.refusedOrClosed) tally.add(`${kind} ended by server`);
  };
  const runs: Promise<void>[] = [];
  for (const kind of TRANSPORTS) for (let i = 0; i < settings.dripSessions; i++) runs.push(one(kind));
  await Promise.all(runs);
  await pause(Math.max(0, deadline - Date.now()));
  for (const connection of held)
    if (connection.refusedOrClosed) tally.add(`${connection.kind} ended by server at the end`);
}

async function dripPrelogin(request: AttackRequest, tally: Tally): Promise<void> {
  const { settings } = request;
  const deadline = Date.now() + settings.attackSeconds * 1000;
  // Each worker keeps one connection dripping; when the server ends it, the worker opens another.
  const worker = async (kind: TransportKind) => {
    while (Date.now() < deadline) {
      const connection = await open(kind, request);
      if (typeof connection === 'string') {
        tally.add(`${kind} refused (${refusal(connection)})`);
        await pause(200);
        continue;
      }
      tally.add(`${kind} connections`);
      connection.send('CONNECT\naccept-version:1.2\nhost:soak\n\n');
      tally.add(`${kind} bytes sent`, await dripBody(connection, settings.preloginDripBytes, deadline));
      await connection.until(() => connection.refusedOrClosed, Math.max(0, deadline - Date.now()));
      if (!connection.refusedOrClosed) return;
      tally.add(`${kind} ended by server`);
      connection.destroy();
      held.delete(connection);
    }
  };
  const runs: Promise<void>[] = [];
  for (const kind of TRANSPORTS)
    for (let i = 0; i < settings.preloginDripConnections; i++) runs.push(worker(kind));
  await Promise.all(runs);
}

async function pinnedPrelogin(request: AttackRequest, tally: Tally): Promise<void> {
  const { settings } = request;
  const startedAt = Date.now();
  const deadline = startedAt + settings.attackSeconds * 1000;
  const piece = Buffer.alloc(1024 * 1024);
  const closedAfter: number[] = [];
  const watch = (connection: HostileConnection) =>
    connection
      .until(() => connection.refusedOrClosed, Math.max(0, deadline - Date.now()))
      .then((ended) => {
        if (ended) closedAfter.push((Date.now() - startedAt) / 1000);
      });
  const watching: Promise<void>[] = [];
  let wsBytes = 0;

  const pinWs = async () => {
    const connection = await open('ws', request);
    if (typeof connection === 'string') return tally.add(`ws refused (${refusal(connection)})`);
    tally.add('ws connections');
    connection.writeRaw(webSocketFrameHeader(settings.pinnedDeclaredBytes));
    let sent = 0;
    while (sent < settings.pinnedWsBytes && !connection.refusedOrClosed) {
      const size = Math.min(piece.length, settings.pinnedWsBytes - sent);
      if (!connection.writeRaw(size === piece.length ? piece : piece.subarray(0, size)))
        await connection.drained();
      sent += size;
    }
    // What the kernel took counts; bytes still queued in this process never reached the server.
    wsBytes += sent - connection.socket.writableLength;
    watching.push(watch(connection));
  };
  const pinTcp = async () => {
    const connection = await open('tcp', request);
    if (typeof connection === 'string') return tally.add(`tcp refused (${refusal(connection)})`);
    tally.add('tcp connections');
    const head = 'CONNECT\naccept-version:1.2\nhost:soak\n\n';
    connection.writeRaw(Buffer.from(head.padEnd(settings.pinnedTcpBytes, 'x')));
    watching.push(watch(connection));
  };
  const runs: Promise<void>[] = [];
  for (let i = 0; i < settings.pinnedWsConnections; i++) runs.push(pinWs());
  for (let i = 0; i < settings.pinnedTcpConnections; i++) runs.push(pinTcp());
  await Promise.all(runs);
  tally.set('ws MiB sent', Math.round((wsBytes / 1024 / 1024) * 10) / 10);
  await Promise.all(watching);
  tally.set('ended by server', closedAfter.length);
  if (closedAfter.length > 0) {
    closedAfter.sort((a, b) => a - b);
    tally.set('first ended after s', Number(closedAfter[0]!.toFixed(1)));
    tally.set('last ended after s', Number(closedAfter.at(-1)!.toFixed(1)));
  }
}

async function descriptors(request: AttackRequest, tally: Tally): Promise<void> {
  const { settings } = request;
  const deadline = Date.now() + settings.holdSeconds * 1000;
  const silent = async () => {
    const connection = await open('tcp', request);
    if (typeof connection === 'string') return tally.add(`silent tcp refused (${refusal(connection)})`);
    tally.add('silent tcp opened');
  };
  const errored = async (kind: TransportKind) => {
    const connection = await open(kind, request);
    if (typeof connection === 'string') return tally.add(`errored ${kind} refused (${refusal(connection)})`);
    const answer = await connection.login([
      ['login', 'guest'],
      ['passcode', 'not-the-passcode'],
    ]);
    tally.add(answer?.command === 'ERROR' ? `errored ${kind} got ERROR` : `errored ${kind} got no ERROR`);
  };
  const runs: Promise<void>[] = [];
  for (let i = 0; i < settings.silentConnections; i++) runs.push(silent());
  for (const kind of TRANSPORTS)
    for (let i = 0; i < settings.erroredConnections; i++) runs.push(errored(kind));
  await Promise.all(runs);
  await pause(Math.max(0, deadline - Date.now()));
  // From this side only what the server sent can be seen: its FIN, a close frame, or a reset.
  for (const connection of held) {
    if (connection.closeCode !== undefined) tally.add(`${connection.kind} close frames received`);
    if (connection.endedByServer) tally.add(`${connection.kind} ended by server (FIN)`);
    if (connection.closed) tally.add(`${connection.kind} reset by server`);
  }
}

/**
 * Many connections at once that never log in, opened 100 at a time: what a server does when
 * pre-login connections pile up (refuses the excess, per address and in all) and what it costs.
 */
async function connectionFlood(request: AttackRequest, tally: Tally): Promise<void> {
  const { settings } = request;
  const deadline = Date.now() + settings.connectionFloodSeconds * 1000;
  const opened: HostileConnection[] = [];
  const openOne = async (kind: TransportKind) => {
    const connection = await open(kind, request);
    if (typeof connection === 'string') return tally.add(`${kind} refused (${refusal(connection)})`);
    opened.push(connection);
  };
  for (let i = 0; i < settings.connectionFlood && Date.now() < deadline; i += 100) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(i + 100, settings.connectionFlood); j++)
      batch.push(openOne(j % 2 === 0 ? 'ws' : 'tcp'));
    await Promise.all(batch);
  }
  tally.set(
    'seconds to open',
    Number((settings.connectionFloodSeconds - (deadline - Date.now()) / 1000).toFixed(1)),
  );
  await pause(Math.max(0, deadline - Date.now()));
  for (const connection of opened) {
    const error = connection.frames.find((frame) => frame.command === 'ERROR');
    if (error) {
      const message = error.headers.find(([name]) => name === 'message')?.[1] ?? '';
      tally.add(`${connection.kind} refused with ERROR (${message.slice(0, 60)})`);
    } else if (connection.refusedOrClosed) tally.add(`${connection.kind} ended by server`);
    else tally.add(`${connection.kind} open at the end`);
  }
}

/** A publisher on the bystanders' topic writing as fast as its socket takes it. */
async function flood(kind: TransportKind, request: AttackRequest, tally: Tally): Promise<void> {
  const { settings } = request;
  const connection = await open(kind, request);
  if (typeof connection === 'string') return tally.add(`refused (${refusal(connection)})`);
  const answer = await connection.login([]);
  if (answer?.command !== 'CONNECTED') return tally.add('login refused');
  const body = 'f;'.padEnd(settings.floodBodyBytes, 'f');
  const send = Buffer.from(`SEND\ndestination:${STREAM_TOPIC}\ncontent-type:text/plain\n\n${body}\0`);
  const message = kind === 'ws' ? webSocketFrame(send) : send;
  const perWrite = 32;
  const batch = Buffer.concat(Array.from({ length: perWrite }, () => message));
  const startedAt = performance.now();
  const deadline = Date.now() + settings.floodSeconds * 1000;
  let written = 0;
  while (Date.now() < deadline && !connection.refusedOrClosed) {
    const ok = connection.writeRaw(batch);
    written += perWrite;
    if (!ok) {
      // Bounded: waits for the socket, or gives up at the deadline if the server stopped reading.
      await connection.drained(Math.max(0, deadline - Date.now()));
    } else await yieldTurn();
  }
  const seconds = (performance.now() - startedAt) / 1000;
  const published = written - Math.ceil(connection.socket.writableLength / message.length);
  tally.set('messages written', published);
  tally.set('messages/s', Math.round(published / seconds));
  tally.set('MiB/s', Number(((published * message.length) / seconds / 1024 / 1024).toFixed(1)));
  const error = connection.frames.find((frame) => frame.command === 'ERROR');
  if (error) tally.set('publisher got ERROR', error.headers.find(([name]) => name === 'message')?.[1] ?? '');
  if (connection.refusedOrClosed) tally.set('publisher ended by server', 1);
}

/** Legal messages near the frame limit, back to back, to the bystanders' topic; waits for their RECEIPTs. */
async function bigMessages(request: AttackRequest, tally: Tally): Promise<void> {
  const { settings } = request;
  const connection = await open('ws', request);
  if (typeof connection === 'string') return tally.add(`refused (${refusal(connection)})`);
  const answer = await connection.login([]);
  if (answer?.command !== 'CONNECTED') return tally.add('login refused');
  const body = Buffer.alloc(settings.bigMessageBytes, 0x62);
  for (let i = 0; i < settings.bigMessages; i++) {
    const head = `SEND\ndestination:${STREAM_TOPIC}\ncontent-type:application/octet-stream\ncontent-length:${body.length}\nreceipt:big-${i}\n\n`;
    if (!connection.send(Buffer.concat([Buffer.from(head), body, Buffer.of(0)]))) await connection.drained();
  }
  const receipts = () => connection.frames.filter((frame) => frame.command === 'RECEIPT').length;
  await connection.until(
    () => receipts() === settings.bigMessages || connection.frames.some((frame) => frame.command === 'ERROR'),
    60_000,
  );
  tally.set('sent', settings.bigMessages);
  tally.set('MiB each', Number((settings.bigMessageBytes / 1024 / 1024).toFixed(1)));
  tally.set('receipts', receipts());
  const error = connection.frames.find((frame) => frame.command === 'ERROR');
  if (error) tally.set('publisher got ERROR', error.headers.find(([name]) => name === 'message')?.[1] ?? '');
}

/** Logging in under each victim's name without its secret, every way a client could try. */
async function impersonation(request: AttackRequest, tally: Tally): Promise<void> {
  const { settings } = request;
  const ways: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, string]>]> = [
    ['no passcode', []],
    ['empty passcode', [['passcode', '']]],
    ['wrong passcode', [['passcode', 'guess']]],
  ];
  const accepted: string[] = [];
  for (const victim of request.victims ?? []) {
    for (const kind of TRANSPORTS) {
      for (const [way, extra] of ways) {
        for (let i = 0; i < settings.impersonationAttempts; i++) {
          const connection = await open(kind, request);
          if (typeof connection === 'string') {
            tally.add('refused at connect');
            continue;
          }
          const answer = await connection.login([['login', victim], ...extra]);
          if (answer?.command === 'CONNECTED') {
            tally.add('accepted');
            const as = answer.headers.find(([name]) => name === 'user-name')?.[1];
            if (as === victim) accepted.push(`${victim} over ${kind}, ${way}`);
            connection.send('DISCONNECT\n\n\0');
          } else if (answer?.command === 'ERROR') tally.add('refused with ERROR');
          else tally.add('no answer');
          connection.destroy();
          held.delete(connection);
        }
      }
    }
  }
  tally.set(
    'attempts',
    (request.victims?.length ?? 0) * TRANSPORTS.length * ways.length * settings.impersonationAttempts,
  );
  tally.set('logged in as the victim', accepted.length);
  if (accepted.length > 0) tally.set('for example', [...new Set(accepted)].slice(0, 2).join('; '));
}

export async function runAttack(request: AttackRequest): Promise<AttackReport> {
  const tally = new Tally();
  switch (request.attack) {
    case 'drip-logged-in':
      await dripLoggedIn(request, tally);
      break;
    case 'drip-prelogin':
      await dripPrelogin(request, tally);
      break;
    case 'pinned-prelogin':
      await pinnedPrelogin(request, tally);
      break;
    case 'descriptors':
      await descriptors(request, tally);
      break;
    case 'connection-flood':
      await connectionFlood(request, tally);
      break;
    case 'flood-ws':
      await flood('ws', request, tally);
      break;
    case 'flood-tcp':
      await flood('tcp', request, tally);
      break;
    case 'big-messages':
      await bigMessages(request, tally);
      break;
    case 'impersonation':
      await impersonation(request, tally);
      break;
  }
  return tally.counts;
}
