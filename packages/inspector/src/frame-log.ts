/**
 * The inspector's model, without any DOM: raw WebSocket data in, entries out, the newest kept.
 *
 * Each direction has its own `FrameDecoder` from the protocol package, the same codec the broker
 * runs, so a frame split across WebSocket messages shows once, when its last byte arrives, and
 * several frames in one message show as several rows. An EOL between frames is a heart-beat row.
 *
 * Two bounded buffers keep the entries: one for bulk (by default MESSAGE frames from `/topic/…`,
 * the market-data firehose) and one for everything else, each holding the newest `maxEntries`.
 * A flood of quotes then never pushes a SUBSCRIBE, a RECEIPT, a COMMIT or a heart-beat out of
 * view, and memory stays flat whatever the rate.
 */
import {
  type Frame,
  FrameDecoder,
  GUEST_PASSCODE_HEADER,
  getHeader,
  type Headers,
  isStompError,
  type StompVersion,
  SUPPORTED_VERSIONS,
} from '@stomping-ground/protocol';
import type { Direction, FrameEntry, InspectorEntry } from './entry';
import { frameSize } from './frame-size';
import { RingBuffer } from './ring-buffer';

export interface FrameLogOptions {
  /** Entries kept of each kind, bulk and the rest; older ones are dropped. Default 500. */
  readonly maxEntries?: number;
  /** Which entries are bulk, kept apart from the rest. Default `isTopicMessage`. */
  readonly isBulk?: (entry: InspectorEntry) => boolean;
  /** Body bytes kept per frame for display; the size column still counts them all. Default 16 KiB. */
  readonly maxBodyBytes?: number;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

export const DEFAULT_MAX_ENTRIES = 500;

/**
 * Headers whose values log someone in: shown masked, so a screenshot or a shared screen of the
 * inspector gives nobody the visitor's identity. The size column still counts the real bytes.
 */
const SECRET_HEADERS: ReadonlySet<string> = new Set(['passcode', GUEST_PASSCODE_HEADER]);
export const MASKED_VALUE = '••••••';

function withoutSecrets(headers: Headers): Headers {
  if (!headers.some(([name]) => SECRET_HEADERS.has(name))) return headers;
  return headers.map(([name, value]) => (SECRET_HEADERS.has(name) ? [name, MASKED_VALUE] : [name, value]));
}
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

/** Running totals since the log was created (or cleared), including entries no longer kept. */
export interface FrameLogTotals {
  frames: number;
  heartbeats: number;
  errors: number;
  bytesIn: number;
  bytesOut: number;
}

/** The header that says what a frame without a destination is about, per command. */
const KEY_HEADERS: Readonly<Record<string, readonly string[]>> = {
  CONNECT: ['login', 'accept-version'],
  STOMP: ['login', 'accept-version'],
  CONNECTED: ['version', 'heart-beat'],
  RECEIPT: ['receipt-id'],
  ERROR: ['message'],
  BEGIN: ['transaction'],
  COMMIT: ['transaction'],
  ABORT: ['transaction'],
  UNSUBSCRIBE: ['id'],
  ACK: ['id', 'message-id'],
  NACK: ['id', 'message-id'],
  DISCONNECT: ['receipt'],
};

const textEncoder = new TextEncoder();

/** A MESSAGE frame from a `/topic/…` destination: broadcast data, usually the bulk of the traffic. */
export function isTopicMessage(entry: InspectorEntry): boolean {
  return (
    entry.kind === 'frame' && entry.command === 'MESSAGE' && entry.destination?.startsWith('/topic/') === true
  );
}

export class FrameLog {
  private readonly bulk: RingBuffer<InspectorEntry>;
  private readonly rest: RingBuffer<InspectorEntry>;
  private readonly isBulk: (entry: InspectorEntry) => boolean;
  /** Entries dropped so far to keep within the bounds. */
  evictions = 0;
  readonly totals: FrameLogTotals = { frames: 0, heartbeats: 0, errors: 0, bytesIn: 0, bytesOut: 0 };
  private readonly maxBodyBytes: number;
  private readonly now: () => number;
  private nextId = 1;
  private version: StompVersion = '1.2';
  private decoders: Record<Direction, FrameDecoder>;
  /** Set while one chunk is being decoded: whether it came as a binary WebSocket message. */
  private binaryMessage = false;

  constructor(options: FrameLogOptions = {}) {
    this.bulk = new RingBuffer(options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.rest = new RingBuffer(options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.isBulk = options.isBulk ?? isTopicMessage;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.now = options.now ?? Date.now;
    this.decoders = { in: this.createDecoder('in'), out: this.createDecoder('out') };
  }

  /** The id the next entry will get: every entry below it has been recorded. */
  get nextEntryId(): number {
    return this.nextId;
  }

  /** How many entries are kept. */
  get size(): number {
    return this.bulk.size + this.rest.size;
  }

  /** The kept entries with an id above `afterId`, oldest first. */
  kept(afterId = 0): InspectorEntry[] {
    return mergeById(newerThan(this.bulk, afterId), newerThan(this.rest, afterId));
  }

  /** Whether `entry` is still kept, or was dropped to make room. */
  isKept(entry: InspectorEntry): boolean {
    const buffer = this.isBulk(entry) ? this.bulk : this.rest;
    const oldest = buffer.oldest();
    return oldest !== undefined && entry.id >= oldest.id;
  }

  /**
   * Decodes raw WebSocket data sent (`out`) or received (`in`). A string is a text message, a
   * `Uint8Array` a binary one. Whatever completes a frame or heart-beat becomes an entry.
   */
  record(direction: Direction, data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? textEncoder.encode(data) : data;
    if (direction === 'in') this.totals.bytesIn += bytes.length;
    else this.totals.bytesOut += bytes.length;
    this.binaryMessage = typeof data !== 'string';
    try {
      this.decoders[direction].push(bytes);
    } catch (error) {
      this.totals.errors++;
      const code = isStompError(error) ? error.code : 'ERROR';
      const message = error instanceof Error ? error.message : String(error);
      this.push({ kind: 'error', id: this.nextId++, time: this.now(), direction, code, message });
      // A failed decoder stays failed: start afresh so the frames after the fault still show.
      this.decoders[direction] = this.createDecoder(direction);
    }
  }

  /** A marker row that is not from the wire, such as "WebSocket opened". */
  note(text: string): void {
    this.push({ kind: 'note', id: this.nextId++, time: this.now(), text });
  }

  /**
   * A new connection: fresh decoders (a frame cut short by the old socket is forgotten) and
   * STOMP 1.2 until the next CONNECTED says otherwise.
   */
  restart(): void {
    this.version = '1.2';
    this.decoders = { in: this.createDecoder('in'), out: this.createDecoder('out') };
  }

  /** Forgets every entry and total; ids keep increasing. */
  clear(): void {
    this.bulk.clear();
    this.rest.clear();
    this.totals.frames = 0;
    this.totals.heartbeats = 0;
    this.totals.errors = 0;
    this.totals.bytesIn = 0;
    this.totals.bytesOut = 0;
  }

  private createDecoder(direction: Direction): FrameDecoder {
    return new FrameDecoder(
      {
        onFrame: (frame) => this.onFrame(direction, frame),
        onHeartbeat: () => {
          this.totals.heartbeats++;
          this.push({ kind: 'heartbeat', id: this.nextId++, time: this.now(), direction, size: 1 });
        },
      },
      { version: this.version },
    );
  }

  private onFrame(direction: Direction, frame: Frame): void {
    this.totals.frames++;
    const entry = this.frameEntry(direction, frame);
    if (frame.command === 'CONNECTED') this.switchVersion(getHeader(frame.headers, 'version'));
    this.push(entry);
  }

  /**
   * CONNECTED names the version the session speaks; later frames are read that way in both
   * directions (a 1.0 session does not escape headers). It takes effect from the next frame.
   */
  private switchVersion(value: string | undefined): void {
    const version = SUPPORTED_VERSIONS.find((supported) => supported === (value ?? '1.0'));
    if (version === undefined) return;
    this.version = version;
    this.decoders.in.version = version;
    this.decoders.out.version = version;
  }

  private frameEntry(direction: Direction, frame: Frame): FrameEntry {
    const destination = getHeader(frame.headers, 'destination');
    return {
      kind: 'frame',
      id: this.nextId++,
      time: this.now(),
      direction,
      command: frame.command,
      headers: withoutSecrets(frame.headers),
      destination,
      summary: summarize(frame, destination),
      size: frameSize(frame, this.version),
      // The decoder's body may be a view of the chunk: keep a copy, and only as much as is shown.
      body: frame.body.slice(0, this.maxBodyBytes),
      bodyBytes: frame.body.length,
      binaryMessage: this.binaryMessage,
    };
  }

  private push(entry: InspectorEntry): void {
    const evicted = (this.isBulk(entry) ? this.bulk : this.rest).push(entry);
    if (evicted !== undefined) this.evictions++;
  }
}

/** The entries of `buffer` (in id order) with an id above `afterId`, found by counting back. */
function newerThan(buffer: RingBuffer<InspectorEntry>, afterId: number): InspectorEntry[] {
  const out: InspectorEntry[] = [];
  for (let index = buffer.size - 1; index >= 0; index--) {
    const entry = buffer.at(index)!;
    if (entry.id <= afterId) break;
    out.push(entry);
  }
  return out.reverse();
}

/** Two lists ordered by id, as one. */
function mergeById(a: InspectorEntry[], b: InspectorEntry[]): InspectorEntry[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: InspectorEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i]!.id < b[j]!.id ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/**
 * What the destination column shows: the destination (and the transaction, for a SEND inside
 * one, so a basket's BEGIN, SENDs and COMMIT share a word to filter by), or for a frame without a
 * destination the header that identifies it.
 */
function summarize(frame: Frame, destination: string | undefined): string {
  if (destination !== undefined) {
    const transaction = getHeader(frame.headers, 'transaction');
    return transaction === undefined ? destination : `${destination} · transaction:${transaction}`;
  }
  for (const name of KEY_HEADERS[frame.command] ?? []) {
    const value = getHeader(frame.headers, name);
    if (value !== undefined) return `${name}:${value}`;
  }
  return '';
}
