/**
 * The streaming STOMP decoder: bytes (or strings) in any chunking, frames and heart-beats out.
 *
 * It is a state machine with one small method per state, like `ws`'s receiver:
 *
 *   IDLE ──LF──▶ heart-beat            IDLE ──CR──▶ IDLE_CR ──LF──▶ heart-beat
 *   IDLE ──other──▶ HEAD ──blank line──▶ BODY_UNTIL_NUL ──NUL──▶ frame, IDLE
 *                                   └──▶ BODY_FIXED (content-length) ──▶ FRAME_END ──NUL──▶ frame, IDLE
 *
 * Speed comes from never looking at a byte twice in JavaScript: lines and the NUL are found with
 * `indexOf` on the byte array, the command and headers are decoded as text once per frame, and a
 * body that arrived in one chunk is returned as a `subarray` view of it, not a copy.
 *
 * Grammar and rules: STOMP 1.2, "Augmented BNF" and "Frames and Headers".
 */
import { printable, StompError, StompErrorCode } from './errors';
import { escapesHeaders, unescapeHeader } from './escape';
import {
  ClientCommand,
  type Command,
  type Frame,
  type Header,
  ServerCommand,
  type StompVersion,
} from './frame';

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const EMPTY = new Uint8Array(0);
/** The first allocation for a body that spans chunks (never past the limit): most fit in it. It doubles from there. */
const MIN_BODY_BUFFER = 4096;

export interface DecoderLimits {
  /** Command, headers, body and the NUL together. */
  readonly maxFrameBytes: number;
  /** Header lines in one frame (repeats count). */
  readonly maxHeaders: number;
  /** One command or header line, in bytes, without its EOL. */
  readonly maxHeaderLineBytes: number;
  /** The body alone. */
  readonly maxBodyBytes: number;
}

/** Generous for a broker; the server tightens them before login. */
export const DEFAULT_DECODER_LIMITS: DecoderLimits = Object.freeze({
  maxFrameBytes: 16 * 1024 * 1024,
  maxHeaders: 64,
  maxHeaderLineBytes: 8 * 1024,
  maxBodyBytes: 16 * 1024 * 1024,
});

export interface DecoderOptions {
  /** How headers are unescaped; a server sets it after CONNECT. Default `1.2`. */
  readonly version?: StompVersion;
  readonly limits?: Partial<DecoderLimits>;
}

export interface DecoderHandlers {
  /** Called for each complete frame, in order, before the next one is read. */
  onFrame(frame: Frame): void;
  /** Called for each EOL between frames: a heart-beat, or the optional EOLs after a frame. */
  onHeartbeat?(): void;
}

const State = {
  IDLE: 0,
  IDLE_CR: 1,
  HEAD: 2,
  BODY_UNTIL_NUL: 3,
  BODY_FIXED: 4,
  FRAME_END: 5,
  FAILED: 6,
} as const;
type State = (typeof State)[keyof typeof State];

const textEncoder = new TextEncoder();
/** What `headers` holds between frames, so a delivered frame's headers are not kept alive. */
const NO_HEADERS: Header[] = [];
// ignoreBOM: a byte-order mark is data, so one before a command makes it unknown.
const headDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes a stream of STOMP frames.
 *
 * `push` calls the handlers synchronously, in order, for everything complete in the bytes so far,
 * and throws a `StompError` at the first protocol fault (after handing over every frame before it).
 * A failed decoder stays failed, as does one whose handler threw. Because handlers run between frames, a server can switch `version`
 * in its CONNECT handler and the very next frame of the same chunk is read the new way.
 *
 * Bodies may be views of the chunks pushed: do not reuse a chunk's memory after pushing it, and copy
 * a body (`slice()`) to keep it long, so it does not pin the rest of its chunk.
 */
export class FrameDecoder {
  version: StompVersion;
  private limits: DecoderLimits;
  private readonly handlers: DecoderHandlers;
  private state: State = State.IDLE;
  private failure: unknown;
  private failed = false;

  // HEAD: offsets are relative to the frame's first byte.
  private partialHead: ByteAccumulator | undefined;
  private headScanFrom = 0;
  private headLineStart = 0;
  private headLines = 0;
  /** Where each line of the head ends (its LF), from the frame's first byte. */
  private lineEnds: Int32Array;

  // The frame whose body is being read.
  private command: Command = 'SEND';
  private headers: Header[] = [];
  private receiptId: string | undefined;
  private rawContentLength: string | undefined;
  private headBytes = 0;
  /** A NUL-terminated body that spans chunks, copied into one buffer grown geometrically up to the limit. */
  private bodyBuffer: Uint8Array | undefined;
  private bodyBytes = 0;
  /** A `content-length` body that spans chunks, allocated at its exact size. */
  private fixedBody: Uint8Array = EMPTY;

  constructor(handlers: DecoderHandlers, options: DecoderOptions = {}) {
    this.handlers = handlers;
    this.version = options.version ?? '1.2';
    this.limits = resolveLimits(DEFAULT_DECODER_LIMITS, options.limits);
    this.lineEnds = new Int32Array(Math.min(this.limits.maxHeaders, 1024) + 1);
  }

  /** Changes limits from the next byte on (a server raises them after login). */
  setLimits(limits: Partial<DecoderLimits>): void {
    this.limits = resolveLimits(this.limits, limits);
    const lines = Math.min(this.limits.maxHeaders, 1024) + 1;
    if (lines > this.lineEnds.length) this.lineEnds = new Int32Array(lines);
  }

  getLimits(): DecoderLimits {
    return this.limits;
  }

  /** True between frames: nothing partial is buffered. */
  get isIdle(): boolean {
    return this.state === State.IDLE;
  }

  /**
   * The bytes this decoder holds for the frame in progress: the part of a head, or of a body, that
   * spans chunks (buffer capacities, not just the bytes filled). However the input is chunked it stays
   * within `maxFrameBytes` plus one byte (the byte that shows a head breaks a limit); between frames,
   * and once failed, it is 0.
   */
  get bufferedBytes(): number {
    return (this.partialHead?.capacity ?? 0) + (this.bodyBuffer?.length ?? 0) + this.fixedBody.length;
  }

  push(chunk: Uint8Array | string): void {
    if (this.failed) throw this.failure;
    const bytes = typeof chunk === 'string' ? textEncoder.encode(chunk) : asPlainBytes(chunk);
    try {
      let pos = 0;
      // A head that spans chunks is read from its own copy, which takes only the head's bytes: the
      // body after it is read from the chunk itself (a view, not a copy) and never inflates the copy.
      while (this.partialHead !== undefined && pos < bytes.length) {
        const taken = this.headPiece(this.partialHead, bytes, pos);
        const joined = this.partialHead.append(bytes.subarray(pos, pos + taken), this.headBytesBound() + 1);
        pos += taken;
        // The copy starts at the frame's first byte, where `readHead`'s offsets count from.
        this.run(joined, 0);
      }
      this.run(bytes, pos);
    } catch (error) {
      // A protocol fault, or a handler that threw: either way the rest of this chunk cannot be
      // read in order any more, so the decoder stops here for good, holding nothing.
      this.failed = true;
      this.failure = error;
      this.state = State.FAILED;
      this.partialHead = undefined;
      this.bodyBuffer = undefined;
      this.fixedBody = EMPTY;
      this.headers = NO_HEADERS;
      throw error;
    }
  }

  /**
   * How many bytes of `bytes` from `pos` belong to the head being copied: up to and including the LF
   * of its blank line, found by the rule `readHead` applies (a line that is empty, or only a CR). If
   * the blank line is not among them, the rest of the chunk, but never more than one byte past
   * the head's bound, so that the copy cannot outgrow it before a limit is seen to break.
   */
  private headPiece(head: ByteAccumulator, bytes: Uint8Array, pos: number): number {
    const room = Math.max(1, this.headBytesBound() + 1 - head.length);
    const stop = Math.min(bytes.length, pos + room);
    // The line in progress: its length so far, and whether it is a lone CR so far.
    let lineLength = head.length - this.headLineStart;
    let loneCr = lineLength === 1 && head.lastByte === CR;
    for (let i = pos; i < stop; i++) {
      const byte = bytes[i];
      if (byte === LF) {
        if (lineLength === 0 || loneCr) return i + 1 - pos;
        lineLength = 0;
        loneCr = false;
      } else {
        loneCr = lineLength === 0 && byte === CR;
        lineLength++;
      }
    }
    return stop - pos;
  }

  /**
   * The most bytes a head can hold without breaking a limit: the command line and `maxHeaders`
   * header lines of at most `maxHeaderLineBytes` and their CRLFs, then the blank line; never more
   * than `maxFrameBytes`. A head copy one byte past it has already made `readHead` throw.
   */
  private headBytesBound(): number {
    const { maxFrameBytes, maxHeaders, maxHeaderLineBytes } = this.limits;
    return Math.min(maxFrameBytes, (maxHeaders + 2) * (maxHeaderLineBytes + 2));
  }

  private run(bytes: Uint8Array, from: number): void {
    let pos = from;
    while (pos < bytes.length) {
      switch (this.state) {
        case State.IDLE:
          pos = this.readIdle(bytes, pos);
          break;
        case State.IDLE_CR:
          pos = this.readIdleCr(bytes, pos);
          break;
        case State.HEAD:
          pos = this.readHead(bytes, pos);
          break;
        case State.BODY_UNTIL_NUL:
          pos = this.readBodyUntilNul(bytes, pos);
          break;
        case State.BODY_FIXED:
          pos = this.readFixedBody(bytes, pos);
          break;
        case State.FRAME_END:
          pos = this.readFrameEnd(bytes, pos);
          break;
        case State.FAILED:
          throw this.failure;
      }
    }
  }

  private readIdle(bytes: Uint8Array, pos: number): number {
    const byte = bytes[pos];
    if (byte === LF) {
      this.handlers.onHeartbeat?.();
      return pos + 1;
    }
    if (byte === CR) {
      this.state = State.IDLE_CR;
      return pos + 1;
    }
    this.state = State.HEAD;
    this.headScanFrom = 0;
    this.headLineStart = 0;
    this.headLines = 0;
    return pos;
  }

  private readIdleCr(bytes: Uint8Array, pos: number): number {
    if (bytes[pos] !== LF)
      throw new StompError(StompErrorCode.INVALID_EOL, 'CR not followed by LF between frames');
    this.state = State.IDLE;
    this.handlers.onHeartbeat?.();
    return pos + 1;
  }

  /** Finds the lines of the command and headers, checking limits as each line ends or grows. */
  private readHead(bytes: Uint8Array, frameStart: number): number {
    const { maxHeaderLineBytes, maxFrameBytes, maxHeaders } = this.limits;
    let scan = frameStart + this.headScanFrom;
    let lineStart = frameStart + this.headLineStart;
    const length = bytes.length;
    for (;;) {
      // A plain loop rather than `bytes.indexOf(LF, scan)`: in Node 20 each `indexOf` call costs about
      // 19 ns before it reads a byte, more than this loop spends on a whole header line. The search
      // stops where the line would pass its limit (its LF may follow a CR).
      const stop = Math.min(length, lineStart + maxHeaderLineBytes + 2);
      let lf = scan;
      while (lf < stop && bytes[lf] !== LF) lf++;
      if (lf === stop) {
        if (stop < length) throw this.overLongLine(bytes, frameStart, lineStart);
        break;
      }
      const lineEnd = lf > lineStart && bytes[lf - 1] === CR ? lf - 1 : lf;
      if (lineEnd - lineStart > maxHeaderLineBytes) throw this.overLongLine(bytes, frameStart, lineStart);
      if (lf + 1 - frameStart > maxFrameBytes)
        throw this.headFault(frameTooLarge(maxFrameBytes), bytes, frameStart, lineStart);
      if (lineEnd === lineStart) return this.finishHead(bytes, frameStart, lineStart, lf + 1);
      if (this.headLines < this.lineEnds.length) this.lineEnds[this.headLines] = lf - frameStart;
      this.headLines++;
      if (this.headLines - 1 > maxHeaders) {
        throw this.headFault(
          new StompError(StompErrorCode.TOO_MANY_HEADERS, `a frame may carry at most ${maxHeaders} headers`),
          bytes,
          frameStart,
          lf + 1,
        );
      }
      lineStart = lf + 1;
      scan = lf + 1;
    }
    // The head goes on in a later chunk. A last byte CR may be the start of the line's EOL.
    const end = bytes.length;
    const partialLine = end - lineStart - (bytes[end - 1] === CR ? 1 : 0);
    if (partialLine > maxHeaderLineBytes) throw this.overLongLine(bytes, frameStart, lineStart);
    if (end - frameStart > maxFrameBytes)
      throw this.headFault(frameTooLarge(maxFrameBytes), bytes, frameStart, lineStart);
    this.headScanFrom = end - frameStart;
    this.headLineStart = lineStart - frameStart;
    this.partialHead ??= new ByteAccumulator(bytes.subarray(frameStart, end), this.headBytesBound() + 1);
    return end;
  }

  /** The head is complete: decode it as text once, split it into headers, and start the body. */
  private finishHead(bytes: Uint8Array, frameStart: number, blankLineStart: number, headEnd: number): number {
    this.partialHead = undefined;
    let text: string;
    try {
      text = headDecoder.decode(bytes.subarray(frameStart, blankLineStart));
    } catch {
      throw this.headFault(
        new StompError(StompErrorCode.INVALID_UTF8, 'the command or a header is not valid UTF-8'),
        bytes,
        frameStart,
        blankLineStart,
      );
    }
    // As many characters as bytes: the head is ASCII, so byte offsets are string offsets.
    const ascii = text.length === blankLineStart - frameStart;
    this.parseHead(text, ascii ? Math.min(this.headLines, this.lineEnds.length) : 0);
    this.headBytes = headEnd - frameStart;

    const contentLength = this.contentLength();
    if (contentLength === undefined) {
      this.state = State.BODY_UNTIL_NUL;
      this.bodyBuffer = undefined;
      this.bodyBytes = 0;
      return headEnd;
    }
    const available = bytes.length - headEnd;
    if (available > contentLength) {
      const bodyEnd = headEnd + contentLength;
      if (bytes[bodyEnd] !== NUL) throw this.missingNul();
      this.emitFrame(bytes.subarray(headEnd, bodyEnd));
      return bodyEnd + 1;
    }
    this.fixedBody = new Uint8Array(contentLength);
    this.fixedBody.set(bytes.subarray(headEnd));
    this.bodyBytes = available;
    this.state = available === contentLength ? State.FRAME_END : State.BODY_FIXED;
    return bytes.length;
  }

  private parseHead(text: string, knownLines: number): void {
    // Most heads hold no CR and no backslash: one search of the whole head for each spares a search
    // of every line, and the lines are cut straight out of the head, not copied first.
    const hasCr = text.includes('\r');
    const hasNul = text.includes('\0');
    const lineEnds = this.lineEnds;
    const commandEnd = knownLines > 0 ? lineEnds[0]! : text.indexOf('\n');
    const commandLength = hasCr && text.charCodeAt(commandEnd - 1) === CR ? commandEnd - 1 : commandEnd;
    const command = commandAt(text, commandLength);
    // An unknown command is fatal, but its headers are still read: the ERROR should carry the
    // frame's receipt (STOMP 1.2, "ERROR").
    let fault: StompError | undefined =
      command === undefined
        ? new StompError(
            StompErrorCode.UNKNOWN_COMMAND,
            `unknown command "${printable(text.slice(0, commandLength))}"`,
          )
        : undefined;
    const escaped = escapesHeaders(this.version, command ?? 'SEND') && text.includes('\\');
    const headers: Header[] = [];
    let receiptId: string | undefined;
    let contentLength: string | undefined;
    let lineStart = commandEnd + 1;
    for (let line = 1; lineStart < text.length; line++) {
      const lf = line < knownLines ? lineEnds[line]! : text.indexOf('\n', lineStart);
      let lineEnd = lf;
      if (hasCr) {
        if (lf > lineStart && text.charCodeAt(lf - 1) === CR) lineEnd = lf - 1;
        const cr = text.indexOf('\r', lineStart);
        if (cr !== -1 && cr < lineEnd) {
          fault ??= new StompError(StompErrorCode.INVALID_EOL, 'a header line holds a CR');
          lineStart = lf + 1;
          continue;
        }
      }
      // NUL in a header is refused. STOMP 1.2, "Augmented BNF": header-value = *<any OCTET except CR
      // or LF or ":"> does not name it, but NUL is the octet that ends a frame (frame = command EOL
      // *( header EOL ) EOL *OCTET NULL *( EOL )), and a header holding one lets a peer that splits
      // the stream on NUL read a forged frame. No escape stands for it ("Value Encoding"), so the raw
      // octet is refused in every version and command, CONNECT's login included.
      if (hasNul) {
        const nul = text.indexOf('\0', lineStart);
        if (nul !== -1 && nul < lineEnd) {
          fault ??= new StompError(StompErrorCode.NUL_IN_HEADER, 'a header name or value holds a NUL octet');
          lineStart = lf + 1;
          continue;
        }
      }
      // STOMP 1.2: header-name = 1*<any OCTET except CR or LF or ":">. A colon inside the value is
      // read as part of it (the first colon separates), as every broker does.
      const colon = text.indexOf(':', lineStart);
      if (colon <= lineStart || colon > lineEnd) {
        fault ??= new StompError(
          StompErrorCode.MALFORMED_HEADER,
          `malformed header line "${printable(text.slice(lineStart, lineEnd))}"`,
        );
        lineStart = lf + 1;
        continue;
      }
      let name = text.slice(lineStart, colon);
      let value = text.slice(colon + 1, lineEnd);
      lineStart = lf + 1;
      if (escaped) {
        try {
          name = unescapeHeader(name, this.version);
          value = unescapeHeader(value, this.version);
        } catch (error) {
          fault ??= error as StompError;
          continue;
        }
      }
      headers.push([name, value]);
      // Repeated headers: the first one counts.
      if (name === 'receipt') receiptId ??= value;
      else if (name === 'content-length') contentLength ??= value;
    }
    this.receiptId = receiptId;
    if (fault || command === undefined) {
      throw new StompError(fault!.code, fault!.message, { receiptId });
    }
    this.command = command;
    this.headers = headers;
    this.rawContentLength = contentLength;
  }

  /** The body length the frame announces, checked against the limits before any of it is read. */
  private contentLength(): number | undefined {
    const raw = this.rawContentLength;
    if (raw === undefined) return undefined;
    // STOMP 1.2, "Header content-length": an octet count, so decimal digits only.
    if (!/^[0-9]{1,16}$/.test(raw)) {
      throw new StompError(
        StompErrorCode.INVALID_CONTENT_LENGTH,
        `content-length "${printable(raw)}" is not an octet count`,
        {
          receiptId: this.receiptId,
        },
      );
    }
    const length = Number(raw);
    if (length > this.limits.maxBodyBytes) throw this.bodyTooLarge();
    if (this.headBytes + length + 1 > this.limits.maxFrameBytes) throw this.frameTooLargeWithReceipt();
    return length;
  }

  private readBodyUntilNul(bytes: Uint8Array, pos: number): number {
    const nul = bytes.indexOf(NUL, pos);
    const end = nul === -1 ? bytes.length : nul;
    const bodyBytes = this.bodyBytes + (end - pos);
    const { maxBodyBytes, maxFrameBytes } = this.limits;
    const bodyOver = bodyBytes > maxBodyBytes;
    const frameOver = this.headBytes + bodyBytes + (nul === -1 ? 0 : 1) > maxFrameBytes;
    if (bodyOver || frameOver) {
      // Both may break in this chunk: report the one a byte-by-byte reader would have met first, so
      // the code does not depend on the chunking (the body limit on a tie, as it is checked first).
      const bodyFirst = bodyOver && (!frameOver || this.headBytes + maxBodyBytes < maxFrameBytes + 1);
      throw bodyFirst ? this.bodyTooLarge() : this.frameTooLargeWithReceipt();
    }
    if (nul === -1) {
      // The body goes on in a later chunk: copy this piece (a view would pin the whole chunk, and a
      // view per piece costs far more than its bytes when the pieces are small).
      const bound = Math.min(this.limits.maxBodyBytes, this.limits.maxFrameBytes - this.headBytes);
      this.bodyBuffer = grow(this.bodyBuffer, this.bodyBytes, bodyBytes, bound);
      this.bodyBuffer.set(bytes.subarray(pos, end), this.bodyBytes);
      this.bodyBytes = bodyBytes;
      return end;
    }
    let body = bytes.subarray(pos, nul);
    const buffer = this.bodyBuffer;
    if (buffer !== undefined) {
      this.bodyBuffer = undefined;
      const joined = bodyBytes <= buffer.length ? buffer : grow(buffer, this.bodyBytes, bodyBytes, bodyBytes);
      joined.set(body, this.bodyBytes);
      body = joined.subarray(0, bodyBytes);
    }
    this.emitFrame(body);
    return nul + 1;
  }

  private readFixedBody(bytes: Uint8Array, pos: number): number {
    const wanted = this.fixedBody.length - this.bodyBytes;
    const taken = Math.min(wanted, bytes.length - pos);
    this.fixedBody.set(bytes.subarray(pos, pos + taken), this.bodyBytes);
    this.bodyBytes += taken;
    if (taken === wanted) this.state = State.FRAME_END;
    return pos + taken;
  }

  private readFrameEnd(bytes: Uint8Array, pos: number): number {
    if (bytes[pos] !== NUL) throw this.missingNul();
    const body = this.fixedBody;
    this.fixedBody = EMPTY;
    this.emitFrame(body);
    return pos + 1;
  }

  private emitFrame(body: Uint8Array): void {
    const frame: Frame = { command: this.command, headers: this.headers, body };
    this.state = State.IDLE;
    this.headers = NO_HEADERS;
    this.handlers.onFrame(frame);
  }

  /**
   * The fault for a line found too long. The frame limit may have been crossed first, earlier in the
   * same line: the fault is whichever limit a byte-by-byte reader would have seen break first, so the
   * code is the same however the bytes are chunked. A line is too long at its byte `maxHeaderLineBytes`
   * + 1, or one byte later if that byte is a CR (it may start the line's CRLF).
   */
  private overLongLine(bytes: Uint8Array, frameStart: number, lineStart: number): StompError {
    const { maxHeaderLineBytes, maxFrameBytes } = this.limits;
    const lineBreaksAt =
      lineStart + maxHeaderLineBytes + (bytes[lineStart + maxHeaderLineBytes] === CR ? 2 : 1);
    const frameBreaksAt = frameStart + maxFrameBytes + 1;
    const error =
      frameBreaksAt < lineBreaksAt ? frameTooLarge(maxFrameBytes) : lineTooLong(maxHeaderLineBytes);
    return this.headFault(error, bytes, frameStart, lineStart);
  }

  /**
   * `error`, carrying the `receipt` of the frame when one of its complete header lines, between
   * `frameStart` and `linesEnd`, holds it: a fault found while the head is still being read (a limit,
   * invalid UTF-8) is still answered with the frame's receipt (STOMP 1.2, "ERROR").
   */
  private headFault(error: StompError, bytes: Uint8Array, frameStart: number, linesEnd: number): StompError {
    const receiptId = receiptInLines(bytes, frameStart, linesEnd, this.version);
    return receiptId === undefined ? error : new StompError(error.code, error.message, { receiptId });
  }

  private missingNul(): StompError {
    return new StompError(StompErrorCode.MISSING_NUL, 'the body is longer than its content-length', {
      receiptId: this.receiptId,
    });
  }

  private bodyTooLarge(): StompError {
    const max = this.limits.maxBodyBytes;
    return new StompError(StompErrorCode.BODY_TOO_LARGE, `a body may be at most ${max} bytes`, {
      receiptId: this.receiptId,
    });
  }

  private frameTooLargeWithReceipt(): StompError {
    const max = this.limits.maxFrameBytes;
    return new StompError(StompErrorCode.FRAME_TOO_LARGE, `a frame may be at most ${max} bytes`, {
      receiptId: this.receiptId,
    });
  }
}

export type DecodedItem = { readonly type: 'frame'; readonly frame: Frame } | { readonly type: 'heartbeat' };

/** Decodes whole input at once, for tests and tools: every frame and heart-beat in order. Throws on a fault. */
export function decodeAll(
  chunks: Uint8Array | string | Iterable<Uint8Array | string>,
  options?: DecoderOptions,
) {
  const items: DecodedItem[] = [];
  const decoder = new FrameDecoder(
    {
      onFrame: (frame) => items.push({ type: 'frame', frame }),
      onHeartbeat: () => items.push({ type: 'heartbeat' }),
    },
    options,
  );
  if (typeof chunks === 'string' || chunks instanceof Uint8Array) decoder.push(chunks);
  else for (const chunk of chunks) decoder.push(chunk);
  return { items, complete: decoder.isIdle };
}

function resolveLimits(base: DecoderLimits, overrides: Partial<DecoderLimits> | undefined): DecoderLimits {
  const limits = { ...base, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`decoder limit ${name} must be a whole number ≥ 0`);
  }
  return Object.freeze(limits);
}

/**
 * A plain `Uint8Array` view of the same memory: a subclass such as Node's `Buffer` would hand out
 * bodies whose `slice()` is a view rather than a copy.
 */
function asPlainBytes(chunk: Uint8Array): Uint8Array {
  return chunk.constructor === Uint8Array
    ? chunk
    : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

const RECEIPT_PREFIX = textEncoder.encode('receipt:');

/**
 * The value of the first `receipt` header among the complete lines of a head, `bytes[from, to)`
 * (the command line first), read as `parseHead` would read it; undefined when there is none or it
 * cannot be read (invalid UTF-8, a NUL or CR, an undefined escape). Only for the error path.
 */
function receiptInLines(
  bytes: Uint8Array,
  from: number,
  to: number,
  version: StompVersion,
): string | undefined {
  const commandEnd = bytes.indexOf(LF, from);
  if (commandEnd === -1 || commandEnd >= to) return undefined;
  const commandLineEnd = commandEnd > from && bytes[commandEnd - 1] === CR ? commandEnd - 1 : commandEnd;
  let commandText = '';
  try {
    commandText = headDecoder.decode(bytes.subarray(from, commandLineEnd));
  } catch {
    // An unreadable command: its headers are read as SEND's would be.
  }
  const escaped = escapesHeaders(version, commandAt(commandText, commandText.length) ?? 'SEND');
  let lineStart = commandEnd + 1;
  while (lineStart < to) {
    const lf = bytes.indexOf(LF, lineStart);
    if (lf === -1 || lf >= to) return undefined;
    const lineEnd = lf > lineStart && bytes[lf - 1] === CR ? lf - 1 : lf;
    if (startsWith(bytes, lineStart, lineEnd, RECEIPT_PREFIX)) {
      try {
        const value = headDecoder.decode(bytes.subarray(lineStart + RECEIPT_PREFIX.length, lineEnd));
        if (value.includes('\0') || value.includes('\r')) return undefined;
        return escaped ? unescapeHeader(value, version) : value;
      } catch {
        return undefined;
      }
    }
    lineStart = lf + 1;
  }
  return undefined;
}

function startsWith(bytes: Uint8Array, start: number, end: number, prefix: Uint8Array): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[start + i] !== prefix[i]) return false;
  return true;
}

function lineTooLong(max: number): StompError {
  return new StompError(
    StompErrorCode.HEADER_LINE_TOO_LONG,
    `a command or header line may be at most ${max} bytes`,
  );
}

function frameTooLarge(max: number): StompError {
  return new StompError(StompErrorCode.FRAME_TOO_LARGE, `a frame may be at most ${max} bytes`);
}

/** The commands by length, so the command line is matched in place rather than sliced and looked up. */
const COMMANDS_BY_LENGTH: ReadonlyArray<readonly Command[]> = (() => {
  const table: Command[][] = [];
  for (const command of [...Object.values(ClientCommand), ...Object.values(ServerCommand)]) {
    const sameLength = table[command.length] ?? [];
    sameLength.push(command);
    table[command.length] = sameLength;
  }
  return table;
})();

/** The command `text` starts with, if its first line (of `length` characters) is exactly one. */
function commandAt(text: string, length: number): Command | undefined {
  const candidates = COMMANDS_BY_LENGTH[length];
  if (candidates === undefined) return undefined;
  for (let i = 0; i < candidates.length; i++) {
    const command = candidates[i]!;
    if (text.startsWith(command)) return command;
  }
  return undefined;
}

/**
 * A growable copy of a head that spans chunks: amortised O(n) however small the chunks, grown
 * geometrically but never past the bound it is given.
 */
class ByteAccumulator {
  private buffer: Uint8Array;
  length: number;

  constructor(initial: Uint8Array, bound: number) {
    this.buffer = new Uint8Array(
      Math.max(initial.length, Math.min(bound, Math.max(256, initial.length * 2))),
    );
    this.buffer.set(initial);
    this.length = initial.length;
  }

  get capacity(): number {
    return this.buffer.length;
  }

  get lastByte(): number | undefined {
    return this.length > 0 ? this.buffer[this.length - 1] : undefined;
  }

  /** Appends `chunk` and returns a view of everything held. */
  append(chunk: Uint8Array, bound: number): Uint8Array {
    const needed = this.length + chunk.length;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.max(needed, Math.min(bound, this.buffer.length * 2)));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.length);
    this.length = needed;
    return this.buffer.subarray(0, this.length);
  }
}

/**
 * Grows `buffer` (holding `used` bytes) to take `needed` bytes: doubling, so a body sent in many
 * small pieces costs amortised O(n) copies, but never past `bound`, the most the frame may hold.
 */
function grow(buffer: Uint8Array | undefined, used: number, needed: number, bound: number): Uint8Array {
  if (buffer !== undefined && needed <= buffer.length) return buffer;
  // Twice what is held or needed now, so a body's first piece sets a size most bodies then fit in.
  const doubled = Math.max(MIN_BODY_BUFFER, (buffer?.length ?? 0) * 2, needed * 2);
  const grown = new Uint8Array(Math.max(needed, Math.min(bound, doubled)));
  if (buffer !== undefined && used > 0) grown.set(buffer.subarray(0, used));
  return grown;
}
