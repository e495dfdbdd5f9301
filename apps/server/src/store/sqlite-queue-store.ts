/**
 * Queue messages kept in SQLite (through `better-sqlite3`), in WAL mode with `synchronous=FULL`:
 * a transaction is on disk (the WAL fsynced) when its COMMIT returns.
 *
 * Group commit: the queues' calls (`add`, `delivered`, `consumed`) only record what changed; one
 * transaction per event-loop turn (on `setImmediate`) writes all of it with a single fsync. So a
 * burst of SENDs from many producers costs one sync, and a COMMIT's queue SENDs, added within one
 * turn, are written all or none. A message consumed in the turn it was added (an `auto` consumer
 * was waiting) is never written at all.
 *
 * Redelivery across restarts: a row counts the times its message was handed out (`deliveries`).
 * That count is written with the next batch, after the MESSAGE frame went out, so a crash in
 * between could lose it. To stay on the safe side each queue row keeps a mark, `delivered_below`,
 * written (synced) *before* a delivery passes it: after a crash (the `clean` flag is still 0) every
 * message below its queue's mark counts as possibly delivered and goes out with `redelivered:true`.
 * The mark is moved about `MARK_AHEAD` messages past the newest one, so it costs one sync now and
 * then, and at most that many never-delivered messages are flagged after a crash.
 *
 * Everything runs on the event loop: `better-sqlite3` is synchronous, and a batch's fsync blocks
 * the loop for about a millisecond here, while later frames wait in the socket buffers and make
 * the next batch larger.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Headers } from '@stomping-ground/protocol';
import Database from 'better-sqlite3';
import { BrokerError, BrokerErrorCode } from '../core/errors';
import { type Logger, silentLogger } from '../core/logger';
import { OutboundMessage } from '../core/message';
import type { QueueStore, RestoredQueueMessage } from '../core/queue-store';

/** How far past the newest message a queue's `delivered_below` mark is moved when a delivery reaches it. */
const MARK_AHEAD = 1024;

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
  /** A directory (created if missing; the file is `queues.sqlite` in it), or `:memory:` for a database that dies with the process (tests). */
  readonly dataDir: string;
  readonly logger?: Logger;
}

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

type MessageRow = [
  seq: number,
  queue: number,
  messageId: string,
  headers: string | null,
  body: Buffer,
  deliveries: number,
];

export class SqliteQueueStore implements QueueStore {
  /** The database file, or `:memory:`. */
  readonly location: string;
  private readonly db: Database.Database;
  private readonly logger: Logger;
  private readonly queueRows = new Map<string, QueueRow>();
  /** Every message kept and not consumed, to its row. */
  private readonly seqOf = new Map<OutboundMessage, number>();
  private nextSeq = 1;
  private restored = false;
  private closed = false;

  // The batch being gathered.
  private readonly inserts = new Map<number, PendingInsert>();
  private deliveredSeqs: number[] = [];
  private consumedSeqs: number[] = [];
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  private waiters: Waiters | undefined;

  private readonly insertMessage: Database.Statement;
  private readonly countDelivery: Database.Statement;
  private readonly deleteMessage: Database.Statement;
  private readonly insertQueue: Database.Statement;
  private readonly moveMark: Database.Statement;
  private readonly setMeta: Database.Statement;
  private readonly writeBatch: () => void;

  constructor(options: SqliteQueueStoreOptions) {
    this.logger = options.logger ?? silentLogger;
    if (options.dataDir === ':memory:') {
      this.location = ':memory:';
    } else {
      mkdirSync(options.dataDir, { recursive: true });
      this.location = join(options.dataDir, QUEUE_STORE_FILE);
    }
    this.db = new Database(this.location);
    // WAL: a commit appends to the log and syncs it once; FULL: it is synced before COMMIT returns
    // (NORMAL would survive a process crash but not a power cut).
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    this.insertMessage = this.db.prepare(
      'INSERT INTO messages (seq, queue, message_id, headers, body, deliveries) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.countDelivery = this.db.prepare('UPDATE messages SET deliveries = deliveries + 1 WHERE seq = ?');
    this.deleteMessage = this.db.prepare('DELETE FROM messages WHERE seq = ?');
    this.insertQueue = this.db.prepare('INSERT INTO queues (name, delivered_below) VALUES (?, ?)');
    this.moveMark = this.db.prepare('UPDATE queues SET delivered_below = ? WHERE id = ?');
    this.setMeta = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    this.writeBatch = this.db.transaction(() => this.writePending());
  }

  /** Messages kept now, written or about to be. */
  get size(): number {
    return this.seqOf.size;
  }

  *restore(): Generator<RestoredQueueMessage> {
    if (this.restored) throw new Error('the queue store was already restored');
    this.restored = true;
    const clean = (this.db.prepare("SELECT value FROM meta WHERE key = 'clean'").pluck().get() ?? 1) === 1;
    // Queues without messages are forgotten, so that names used once do not pile up.
    this.db.exec('DELETE FROM queues WHERE id NOT IN (SELECT DISTINCT queue FROM messages)');
    const names = new Map<number, string>();
    const rows = this.db.prepare('SELECT id, name, delivered_below FROM queues').raw().all() as [
      number,
      string,
      number,
    ][];
    for (const [id, name, deliveredBelow] of rows) {
      names.set(id, name);
      this.queueRows.set(name, { id, deliveredBelow });
      this.nextSeq = Math.max(this.nextSeq, deliveredBelow + 1);
    }
    // From here on a crash is an unclean stop.
    this.setMeta.run('clean', 0);
    const messages = this.db
      .prepare('SELECT seq, queue, message_id, headers, body, deliveries FROM messages ORDER BY seq')
      .raw();
    for (const [
      seq,
      queueId,
      messageId,
      headers,
      body,
      deliveries,
    ] of messages.iterate() as Iterable<MessageRow>) {
      const name = names.get(queueId)!;
      const message = new OutboundMessage(
        name,
        messageId,
        headers === null ? [] : (JSON.parse(headers) as Headers),
        body,
      );
      this.seqOf.set(message, seq);
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
      const mayHaveGoneOut = !clean && seq < this.queueRows.get(name)!.deliveredBelow;
      yield { queue: name, message, redelivered: deliveries > 0 || mayHaveGoneOut };
    }
  }

  add(queue: string, message: OutboundMessage): void {
    const seq = this.nextSeq++;
    this.seqOf.set(message, seq);
    this.inserts.set(seq, { seq, queueId: this.queueRow(queue).id, message, deliveries: 0 });
    this.schedule();
  }

  delivered(message: OutboundMessage): void {
    const seq = this.seqOf.get(message);
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
      this.moveMark.run(queue.deliveredBelow, queue.id);
    }
  }

  consumed(messages: readonly OutboundMessage[]): void {
    for (const message of messages) {
      const seq = this.seqOf.get(message);
      if (seq === undefined) continue;
      this.seqOf.delete(message);
      // Consumed before it was written: it never needs to be.
      if (!this.inserts.delete(seq)) this.consumedSeqs.push(seq);
    }
    this.schedule();
  }

  flushed(): Promise<void> | undefined {
    if (this.scheduled === undefined) return undefined;
    if (this.waiters === undefined) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((yes, no) => {
        resolve = yes;
        reject = no;
      });
      this.waiters = { promise, resolve, reject };
    }
    return this.waiters.promise;
  }

  /** Writes what is pending now, synchronously. */
  flush(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const waiters = this.waiters;
    this.waiters = undefined;
    try {
      this.writeBatch();
      waiters?.resolve();
    } catch (error) {
      this.logger.error({ err: error, location: this.location }, 'writing queue messages failed');
      waiters?.reject(
        new BrokerError(BrokerErrorCode.INTERNAL, 'the queue store could not write the message'),
      );
    }
  }

  /** Writes what is pending, marks the stop as clean, folds the WAL into the database file and closes it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    this.setMeta.run('clean', 1);
    if (this.location !== ':memory:') this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }

  private writePending(): void {
    for (const row of this.inserts.values()) {
      const headers = row.message.headers;
      this.insertMessage.run(
        row.seq,
        row.queueId,
        row.message.messageId,
        headers.length === 0 ? null : JSON.stringify(headers),
        row.message.body,
        row.deliveries,
      );
    }
    // A delivery counted for a row consumed since is a no-op update, then the row goes.
    for (const seq of this.deliveredSeqs) this.countDelivery.run(seq);
    for (const seq of this.consumedSeqs) this.deleteMessage.run(seq);
    this.inserts.clear();
    this.deliveredSeqs = [];
    this.consumedSeqs = [];
  }

  private schedule(): void {
    if (this.scheduled !== undefined || this.closed) return;
    this.scheduled = setImmediate(() => this.flush());
  }

  /** The queue's row, made (and synced) the first time a name is used. */
  private queueRow(name: string): QueueRow {
    let row = this.queueRows.get(name);
    if (row === undefined) {
      const id = Number(this.insertQueue.run(name, 0).lastInsertRowid);
      row = { id, deliveredBelow: 0 };
      this.queueRows.set(name, row);
    }
    return row;
  }
}
