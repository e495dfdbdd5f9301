/**
 * Queue messages kept in SQLite (through `better-sqlite3`), in WAL mode with `synchronous=FULL`:
 * a transaction is on disk (the WAL fsynced) when its COMMIT returns.
 *
 * Group commit: the queues' calls (`add`, `delivered`, `consumed`) only record what changed. A
 * writer thread (`worker_threads`, its own connection) writes a batch in one transaction with one
 * fsync; while it does, the event loop goes on reading frames, and what they change gathers into
 * the next batch, sent to the writer as soon as the last one is on disk. So a burst of SENDs from
 * many producers costs one sync, the loop never waits for the disk, and a COMMIT's queue SENDs,
 * added within one turn, land in one transaction: all or none. A message consumed before its batch
 * left (an `auto` consumer was waiting) is never written at all.
 *
 * Redelivery across restarts: a row counts the times its message was handed out (`deliveries`).
 * That count is written with a later batch, after the MESSAGE frame went out, so a crash in
 * between could lose it. To stay on the safe side each queue row keeps a mark, `delivered_below`,
 * written (synced, from the event loop: it is rare) *before* a delivery passes it: after a crash
 * (the `clean` flag is still 0) every message below its queue's mark counts as possibly delivered
 * and goes out with `redelivered:true`. The mark is moved `MARK_AHEAD` messages past the newest
 * one, so it costs one sync now and then, and at most that many never-delivered messages are
 * flagged after a crash.
 *
 * A queue's row is written with the batch of its first message, so a client naming thousands of
 * queues costs no sync on the event loop; only the rare mark is written from there.
 *
 * Restore reads everything on the event loop at start-up, before the server listens.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Headers } from '@stomping-ground/protocol';
import Database from 'better-sqlite3';
import { BrokerError, BrokerErrorCode } from '../core/errors';
import { type Logger, silentLogger } from '../core/logger';
import { OutboundMessage } from '../core/message';
import type { QueueStore, RestoredQueueMessage } from '../core/queue-store';

/** How far past the newest message a queue's `delivered_below` mark is moved when a delivery reaches it. */
const MARK_AHEAD = 1024;

/** Distinct header lists restore shares; past that many, each message parses its own. */
const MAX_SHARED_HEADER_LISTS = 10_000;
const NO_HEADERS: Headers = Object.freeze([]);

/**
 * A message read back at start-up, carrying its row: a million of them would otherwise make a
 * million-entry map, most of restore's time going into growing it and collecting its garbage.
 */
class RestoredMessage extends OutboundMessage {
  /** Undefined once consumed. */
  seq: number | undefined;

  constructor(destination: string, messageId: string, headers: Headers, body: Uint8Array, seq: number) {
    super(destination, messageId, headers, body);
    this.seq = seq;
  }
}

/** Bytes of one slab of restored bodies. */
const SLAB_BYTES = 1 << 20;

/**
 * Restored text bodies, encoded side by side into 1 MiB slabs, each body a view of its slab: a
 * million small allocations (a `Buffer` per row is what makes a BLOB slow to read back) become a
 * few dozen. A slab lives while any of its messages does, so at most 1 MiB stays pinned by a
 * message that is never consumed.
 */
class BodySlabs {
  private readonly encoder = new TextEncoder();
  private slab = new Uint8Array(SLAB_BYTES);
  private used = 0;

  encode(text: string): Uint8Array {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const most = text.length * 3;
    if (most > SLAB_BYTES / 4) return this.encoder.encode(text);
    if (this.used + most > this.slab.length) {
      this.slab = new Uint8Array(SLAB_BYTES);
      this.used = 0;
    }
    const { written } = this.encoder.encodeInto(text, this.slab.subarray(this.used));
    const body = this.slab.subarray(this.used, this.used + written);
    this.used += written;
    return body;
  }
}

/** The file in `DATA_DIR`. */
export const QUEUE_STORE_FILE = 'queues.sqlite';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS queues (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    delivered_below INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY,
    queue INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    headers TEXT,
    body BLOB NOT NULL,
    deliveries INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  );
`;

export interface SqliteQueueStoreOptions {
  /** A directory, created if missing; the file is `queues.sqlite` in it. */
  readonly dataDir: string;
  readonly logger?: Logger;
}

/**
 * The writer thread: plain JavaScript run with `eval`, so that it loads the same way under tsx,
 * Vitest and the bundled build. It writes one batch per message, in one transaction, and answers
 * with the batch's number and an error text if it failed.
 */
const WRITER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.location);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 10000');
const insert = db.prepare('INSERT INTO messages (seq, queue, message_id, headers, body, deliveries) VALUES (?, ?, ?, ?, ?, ?)');
const count = db.prepare('UPDATE messages SET deliveries = deliveries + 1 WHERE seq = ?');
const remove = db.prepare('DELETE FROM messages WHERE seq = ?');
const decoder = new TextDecoder();
const addQueue = db.prepare('INSERT INTO queues (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING');
const write = db.transaction((batch) => {
  for (const [id, name] of batch.queues) addQueue.run(id, name);
  const { seqs, queues, ids, headers, bodies, texts, deliveries } = batch.inserts;
  for (let i = 0; i < seqs.length; i++) {
    const body = texts[i] ? decoder.decode(bodies[i]) : bodies[i];
    insert.run(seqs[i], queues[i], ids[i], headers[i], body, deliveries[i]);
  }
  for (const seq of batch.delivered) count.run(seq);
  for (const seq of batch.consumed) remove.run(seq);
});
parentPort.on('message', (batch) => {
  if (batch === 'close') {
    db.close();
    parentPort.postMessage({ closed: true });
    return;
  }
  try {
    write(batch);
    parentPort.postMessage({ id: batch.id });
  } catch (error) {
    parentPort.postMessage({ id: batch.id, error: String(error && error.message || error) });
  }
});
`;

/** A batch as the writer takes it: columns of the new rows, then the updates and deletions. */
interface Batch {
  readonly id: number;
  /** Queues named for the first time: their rows go in before their messages'. */
  readonly queues: Array<[id: number, name: string]>;
  readonly inserts: {
    readonly seqs: number[];
    readonly queues: number[];
    readonly ids: string[];
    readonly headers: Array<string | null>;
    readonly bodies: Uint8Array[];
    /** The body is UTF-8: kept as TEXT, which reads back much faster than a BLOB. */
    readonly texts: boolean[];
    readonly deliveries: number[];
  };
  readonly delivered: number[];
  readonly consumed: number[];
}

type WriterAnswer = { id: number; error?: string } | { closed: true };

interface QueueRow {
  readonly id: number;
  /** Messages below this `seq` may have been handed out without their `deliveries` written yet. */
  deliveredBelow: number;
}

/** A message added in the current batch, not yet written. */
interface PendingInsert {
  readonly seq: number;
  readonly queueId: number;
  readonly message: OutboundMessage;
  deliveries: number;
}

interface Waiters {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

function newWaiters(): Waiters {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  // Whoever asked handles a failure; an unasked-for promise must not count as unhandled.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

type MessageRow = [
  seq: number,
  queue: number,
  messageId: string,
  headers: string | null,
  body: string | Buffer,
  deliveries: number,
];

export class SqliteQueueStore implements QueueStore {
  /** The database file. */
  readonly location: string;
  private readonly db: Database.Database;
  private readonly logger: Logger;
  private readonly queueRows = new Map<string, QueueRow>();
  private nextQueueId = 1;
  /** Every message added in this run and not consumed, to its row (restored ones carry their own). */
  private readonly seqOf = new Map<OutboundMessage, number>();
  private restoredLeft = 0;
  private nextSeq = 1;
  private restored = false;
  private closed = false;

  // The batch being gathered.
  private newQueues: Array<[id: number, name: string]> = [];
  private readonly inserts = new Map<number, PendingInsert>();
  private deliveredSeqs: number[] = [];
  private consumedSeqs: number[] = [];
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  private waiters: Waiters | undefined;

  // The batch the writer has, if any: one at a time, so the next one gathers meanwhile.
  private writer: Worker | undefined;
  private inFlight: { readonly id: number; readonly waiters: Waiters } | undefined;
  private batchIds = 0;
  private writerClosed: (() => void) | undefined;

  private readonly moveMark: Database.Statement;
  private readonly setMeta: Database.Statement;

  constructor(options: SqliteQueueStoreOptions) {
    this.logger = options.logger ?? silentLogger;
    mkdirSync(options.dataDir, { recursive: true });
    this.location = join(options.dataDir, QUEUE_STORE_FILE);
    this.db = new Database(this.location);
    // WAL: a commit appends to the log and syncs it once; FULL: it is synced before COMMIT returns
    // (NORMAL would survive a process crash but not a power cut).
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    // The writer thread holds the write lock while it commits: a write from here waits for it.
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(SCHEMA);
    // The row may still be on its way in the writer's batch: the mark makes it if need be.
    this.moveMark = this.db.prepare(
      'INSERT INTO queues (id, name, delivered_below) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET delivered_below = excluded.delivered_below',
    );
    this.setMeta = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    const rows = this.db.prepare('SELECT id, name, delivered_below FROM queues').raw().all() as Array<
      [number, string, number]
    >;
    for (const [id, name, deliveredBelow] of rows) {
      this.queueRows.set(name, { id, deliveredBelow });
      this.nextQueueId = Math.max(this.nextQueueId, id + 1);
      this.nextSeq = Math.max(this.nextSeq, deliveredBelow + 1);
    }
    const lastSeq = this.db.prepare('SELECT coalesce(max(seq), 0) FROM messages').pluck().get() as number;
    this.nextSeq = Math.max(this.nextSeq, lastSeq + 1);
  }

  /** Messages kept now, written or about to be. */
  get size(): number {
    return this.seqOf.size + this.restoredLeft;
  }

  restore(keep: RestoredQueueMessage): void {
    if (this.restored) throw new Error('the queue store was already restored');
    this.restored = true;
    const clean = (this.db.prepare("SELECT value FROM meta WHERE key = 'clean'").pluck().get() ?? 1) === 1;
    const names = new Map<number, string>();
    for (const [name, row] of this.queueRows) names.set(row.id, name);
    // From here on a crash is an unclean stop.
    this.setMeta.run('clean', 0);
    const messages = this.db
      .prepare('SELECT seq, queue, message_id, headers, body, deliveries FROM messages ORDER BY seq')
      .raw();
    // Messages mostly share their headers: each distinct list is parsed once and shared.
    const headerLists = new Map<string, Headers>();
    const bodies = new BodySlabs();
    const used = new Set<number>();
    for (const [
      seq,
      queueId,
      messageId,
      headers,
      body,
      deliveries,
    ] of messages.iterate() as Iterable<MessageRow>) {
      const name = names.get(queueId)!;
      let headerList: Headers = NO_HEADERS;
      if (headers !== null) {
        headerList = headerLists.get(headers) ?? (JSON.parse(headers) as Headers);
        if (headerLists.size < MAX_SHARED_HEADER_LISTS) headerLists.set(headers, headerList);
      }
      const message = new RestoredMessage(
        name,
        messageId,
        headerList,
        typeof body === 'string' ? bodies.encode(body) : body,
        seq,
      );
      this.restoredLeft++;
      const mayHaveGoneOut = !clean && seq < this.queueRows.get(name)!.deliveredBelow;
      keep(name, message, deliveries > 0 || mayHaveGoneOut);
      used.add(queueId);
    }
    // Queues without messages are forgotten, so that names used once do not pile up.
    const forget = this.db.prepare('DELETE FROM queues WHERE id = ?');
    this.db.transaction(() => {
      for (const [name, row] of this.queueRows) {
        if (used.has(row.id)) continue;
        forget.run(row.id);
        this.queueRows.delete(name);
      }
    })();
  }

  add(queue: string, message: OutboundMessage): void {
    const seq = this.nextSeq++;
    this.seqOf.set(message, seq);
    this.inserts.set(seq, { seq, queueId: this.queueRow(queue).id, message, deliveries: 0 });
    this.schedule();
  }

  delivered(message: OutboundMessage): void {
    const seq = this.seqFor(message);
    if (seq === undefined) return;
    const pending = this.inserts.get(seq);
    if (pending !== undefined) {
      // Written with its row, or not at all: nothing to mark ahead of a crash.
      pending.deliveries++;
      return;
    }
    this.deliveredSeqs.push(seq);
    this.schedule();
    const queue = this.queueRow(message.destination);
    if (seq >= queue.deliveredBelow) {
      queue.deliveredBelow = this.nextSeq + MARK_AHEAD;
      this.moveMark.run(queue.id, message.destination, queue.deliveredBelow);
    }
  }

  consumed(messages: readonly OutboundMessage[]): void {
    for (const message of messages) {
      const seq = this.seqFor(message);
      if (seq === undefined) continue;
      if (message instanceof RestoredMessage) {
        message.seq = undefined;
        this.restoredLeft--;
      } else {
        this.seqOf.delete(message);
      }
      // Consumed before it was written: it never needs to be.
      if (!this.inserts.delete(seq)) this.consumedSeqs.push(seq);
    }
    this.schedule();
  }

  /** The message's row while it is kept. */
  private seqFor(message: OutboundMessage): number | undefined {
    return message instanceof RestoredMessage ? message.seq : this.seqOf.get(message);
  }

  flushed(): Promise<void> | undefined {
    if (!this.isIdle) {
      this.waiters ??= newWaiters();
      return this.waiters.promise;
    }
    return this.inFlight?.waiters.promise;
  }

  /**
   * Hands what is pending to the writer, unless it is still writing the last batch: then this
   * runs again when that one is on disk.
   */
  flush(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.inFlight !== undefined) return;
    if (this.isIdle) {
      // What was asked for was consumed before it was written: nothing to wait for.
      this.waiters?.resolve();
      this.waiters = undefined;
      return;
    }
    const inserts: Batch['inserts'] = {
      seqs: [],
      queues: [],
      ids: [],
      headers: [],
      bodies: [],
      texts: [],
      deliveries: [],
    };
    for (const row of this.inserts.values()) {
      inserts.seqs.push(row.seq);
      inserts.queues.push(row.queueId);
      inserts.ids.push(row.message.messageId);
      inserts.headers.push(row.message.headers.length === 0 ? null : JSON.stringify(row.message.headers));
      inserts.bodies.push(row.message.body);
      inserts.texts.push(!row.message.binary);
      inserts.deliveries.push(row.deliveries);
    }
    const batch: Batch = {
      id: ++this.batchIds,
      queues: this.newQueues,
      inserts,
      delivered: this.deliveredSeqs,
      consumed: this.consumedSeqs,
    };
    this.newQueues = [];
    this.inserts.clear();
    this.deliveredSeqs = [];
    this.consumedSeqs = [];
    this.inFlight = { id: batch.id, waiters: this.waiters ?? newWaiters() };
    this.waiters = undefined;
    this.writer ??= this.startWriter();
    this.writer.postMessage(batch);
  }

  /**
   * Writes what is pending, stops the writer, marks the stop as clean, folds the WAL into the
   * database file and closes it.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    // Each answer hands the next batch over before this wakes up.
    while (this.inFlight !== undefined) await this.inFlight.waiters.promise.catch(() => {});
    const writer = this.writer;
    if (writer !== undefined) {
      await new Promise<void>((resolve) => {
        this.writerClosed = resolve;
        writer.postMessage('close');
      });
      await writer.terminate();
    }
    this.setMeta.run('clean', 1);
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }

  /** Nothing recorded waits to be handed to the writer. */
  private get isIdle(): boolean {
    return (
      this.newQueues.length === 0 &&
      this.inserts.size === 0 &&
      this.deliveredSeqs.length === 0 &&
      this.consumedSeqs.length === 0
    );
  }

  private startWriter(): Worker {
    const writer = new Worker(WRITER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        location: this.location,
      },
    });
    writer.on('message', (answer: WriterAnswer) => this.onWriterAnswer(answer));
    writer.on('error', (error) => {
      this.logger.error({ err: error, location: this.location }, 'the queue store writer failed');
      this.writer = undefined;
      const inFlight = this.inFlight;
      this.inFlight = undefined;
      inFlight?.waiters.reject(new BrokerError(BrokerErrorCode.INTERNAL, 'the queue store writer stopped'));
    });
    return writer;
  }

  private onWriterAnswer(answer: WriterAnswer): void {
    if ('closed' in answer) {
      this.writerClosed?.();
      return;
    }
    const inFlight = this.inFlight;
    if (inFlight === undefined || inFlight.id !== answer.id) return;
    this.inFlight = undefined;
    if (answer.error === undefined) {
      inFlight.waiters.resolve();
    } else {
      this.logger.error({ error: answer.error, location: this.location }, 'writing queue messages failed');
      inFlight.waiters.reject(
        new BrokerError(BrokerErrorCode.INTERNAL, 'the queue store could not write the message'),
      );
    }
    // What gathered meanwhile goes now.
    this.flush();
  }

  private schedule(): void {
    if (this.scheduled !== undefined || this.inFlight !== undefined) return;
    this.scheduled = setImmediate(() => this.flush());
  }

  /** The queue's row, made with the next batch the first time a name is used. */
  private queueRow(name: string): QueueRow {
    let row = this.queueRows.get(name);
    if (row === undefined) {
      row = { id: this.nextQueueId++, deliveredBelow: 0 };
      this.queueRows.set(name, row);
      this.newQueues.push([row.id, name]);
      this.schedule();
    }
    return row;
  }
}
