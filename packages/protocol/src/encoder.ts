/**
 * The encoder, the decoder's mirror: frames to bytes (or to a string for a text WebSocket frame).
 *
 * - Headers are escaped per version, except in CONNECT and CONNECTED (STOMP 1.2, "Value Encoding").
 * - `content-length` is written when the body is binary, holds a NUL (it would end the frame early),
 *   or when asked; it always counts octets, never characters (STOMP 1.2, "Header content-length").
 *   A `content-length` among the given headers is replaced by the true one.
 * - `binary` says whether the frame must travel as a binary WebSocket frame: a text frame must be
 *   valid UTF-8 (RFC 6455, section 8.1), and browsers and `ws` close the connection otherwise.
 */
import { StompError, StompErrorCode } from './errors';
import { assertRawHeader, escapeHeader, escapesHeaders } from './escape';
import { type Command, type FrameInit, getHeader, type Headers, type StompVersion } from './frame';
import { isValidUtf8, utf8Length } from './utf8';

export interface EncodeOptions {
  /** How headers are escaped. Default `1.2`. */
  readonly version?: StompVersion;
  /** Write `content-length` even when the body would not need it. */
  readonly contentLength?: boolean;
}

export interface EncodedFrame {
  readonly bytes: Uint8Array;
  /** True when the body is not valid UTF-8, so the frame must go out as a binary WebSocket frame. */
  readonly binary: boolean;
}

/** What goes between frames as a heart-beat (STOMP 1.2, "Heart-beating"). */
export const HEARTBEAT = '\n';
export const HEARTBEAT_BYTES: Uint8Array = Uint8Array.of(0x0a);

const EMPTY = new Uint8Array(0);
const textEncoder = new TextEncoder();
// ignoreBOM: a leading byte-order mark in a body is data and must survive.
const textDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
/** Small frames are encoded here first, then copied out at their exact size. */
const scratch = new Uint8Array(64 * 1024);

/**
 * Small frames are carved out of a shared slab, as Node's `Buffer` pool does: a fresh ArrayBuffer of
 * more than 64 bytes costs V8 more than encoding a small frame. The bytes are a view
 * (mind `byteOffset`), and a slab is never written again once handed out, so views stay valid.
 */
const SLAB_BYTES = 64 * 1024;
const SLAB_MAX_FRAME = 4 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

function fromSlab(length: number): Uint8Array {
  if (slabUsed + length > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + length);
  slabUsed = (slabUsed + length + 7) & ~7;
  return out;
}

export function encodeFrame(frame: FrameInit, options: EncodeOptions = {}): EncodedFrame {
  const version = options.version ?? '1.2';
  const headers = frame.headers ?? [];
  const asked = options.contentLength === true || getHeader(headers, 'content-length') !== undefined;
  const body = frame.body ?? EMPTY;

  if (typeof body === 'string') {
    const withLength = asked || body.includes('\0');
    if (!withLength) {
      const direct = writeAsciiHeadFrame(frame.command, headers, version, body);
      if (direct !== undefined) return { bytes: direct, binary: false };
      return { bytes: encodeText(`${head(frame.command, headers, version)}${body}\0`), binary: false };
    }
    const bodyBytes = textEncoder.encode(body);
    return { bytes: join(head(frame.command, headers, version, bodyBytes.length), bodyBytes), binary: false };
  }

  const binary = !isValidUtf8(body);
  const withLength = asked || binary || body.indexOf(0) !== -1;
  const text = head(frame.command, headers, version, withLength ? body.length : undefined);
  return { bytes: join(text, body), binary };
}

/**
 * The frame as a string, for sending as a WebSocket text frame (a browser sends strings as text).
 * Throws `STOMP_ERR_UNENCODABLE_FRAME` when the body is bytes that are not UTF-8.
 */
export function encodeFrameToString(frame: FrameInit, options: EncodeOptions = {}): string {
  const version = options.version ?? '1.2';
  const headers = frame.headers ?? [];
  let body: string;
  if (typeof frame.body === 'string') body = frame.body;
  else if (frame.body === undefined || frame.body.length === 0) body = '';
  else if (isValidUtf8(frame.body)) body = textDecoder.decode(frame.body);
  else
    throw new StompError(StompErrorCode.UNENCODABLE_FRAME, 'a body that is not UTF-8 cannot travel as text');
  const withLength =
    options.contentLength === true ||
    getHeader(headers, 'content-length') !== undefined ||
    body.includes('\0');
  return `${head(frame.command, headers, version, withLength ? utf8Length(body) : undefined)}${body}\0`;
}

/** The command line, header lines and blank line of a frame, escaped for `version`. */
export function encodeHead(
  command: Command,
  headers: Headers,
  version: StompVersion,
  contentLength?: number | undefined,
): string {
  return head(command, headers, version, contentLength);
}

function head(command: Command, headers: Headers, version: StompVersion, contentLength?: number): string {
  const escaped = escapesHeaders(version, command);
  let text = `${command}\n`;
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i]!;
    const name = header[0];
    const value = header[1];
    if (name === 'content-length') continue;
    if (name === '') {
      throw new StompError(
        StompErrorCode.UNENCODABLE_FRAME,
        'a header name cannot be empty (STOMP 1.2 grammar: 1*OCTET)',
      );
    }
    if (escaped) {
      text += `${escapeHeader(name, version)}:${escapeHeader(value, version)}\n`;
    } else {
      assertRawHeader(name, value);
      text += `${name}:${value}\n`;
    }
  }
  if (contentLength !== undefined) text += `content-length:${contentLength}\n`;
  return `${text}\n`;
}

/**
 * A small frame with an ASCII head, written straight into the slab: escaping, joining and encoding
 * in one pass, with no intermediate string. Undefined when the head is not ASCII or the frame is
 * not small; the caller then takes the general path.
 */
function writeAsciiHeadFrame(
  command: Command,
  headers: Headers,
  version: StompVersion,
  body: string,
): Uint8Array | undefined {
  const escaped = escapesHeaders(version, command);
  // Worst case: every header character escaped (2 bytes), 3 bytes per UTF-16 unit of body.
  let size = command.length + 2 + body.length * 3 + 1;
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i]!;
    size += 2 * (header[0].length + header[1].length) + 2;
  }
  if (size > SLAB_MAX_FRAME) return undefined;
  if (slabUsed + size > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = slab;
  let at = writeAscii(out, slabUsed, command, false, version);
  if (at < 0) return undefined;
  out[at++] = 0x0a;
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i]!;
    const name = header[0];
    const value = header[1];
    if (name === 'content-length') continue;
    if (name === '') return undefined; // head() reports it
    if (!escaped) assertRawHeader(name, value);
    at = writeAscii(out, at, name, escaped, version);
    if (at < 0) return undefined;
    out[at++] = 0x3a;
    at = writeAscii(out, at, value, escaped, version);
    if (at < 0) return undefined;
    out[at++] = 0x0a;
  }
  out[at++] = 0x0a;
  if (body.length > 0) at += textEncoder.encodeInto(body, out.subarray(at)).written;
  out[at++] = 0;
  const bytes = out.subarray(slabUsed, at);
  slabUsed = (at + 7) & ~7;
  return bytes;
}

/** Writes ASCII `text` at `at`, escaped for 1.1/1.2 if asked; -1 at the first non-ASCII character. */
function writeAscii(
  out: Uint8Array,
  at: number,
  text: string,
  escaping: boolean,
  version: StompVersion,
): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80 || c === 0) return -1; // the general path escapes the one and refuses the other
    if (escaping && (c === 0x5c || c === 0x3a || c === 0x0a || c === 0x0d)) {
      if (c === 0x0d && version === '1.1')
        throw new StompError(StompErrorCode.UNENCODABLE_FRAME, 'STOMP 1.1 cannot carry a CR in a header');
      out[at++] = 0x5c;
      out[at++] = c === 0x5c ? 0x5c : c === 0x3a ? 0x63 : c === 0x0a ? 0x6e : 0x72;
    } else {
      out[at++] = c;
    }
  }
  return at;
}

/** Encodes text to bytes of exactly its UTF-8 size with one copy. */
function encodeText(text: string): Uint8Array {
  if (text.length <= SLAB_MAX_FRAME / 3) {
    const { written } = textEncoder.encodeInto(text, scratch);
    const out = fromSlab(written);
    out.set(scratch.subarray(0, written));
    return out;
  }
  if (text.length <= scratch.length / 3) {
    const { written } = textEncoder.encodeInto(text, scratch);
    return scratch.slice(0, written);
  }
  return textEncoder.encode(text);
}

/** Head text, body bytes and the NUL in one exact-size array. */
function join(headText: string, body: Uint8Array): Uint8Array {
  if (headText.length <= scratch.length / 3) {
    const { written } = textEncoder.encodeInto(headText, scratch);
    const length = written + body.length + 1;
    const out = length <= SLAB_MAX_FRAME ? fromSlab(length) : new Uint8Array(length);
    out[length - 1] = 0;
    out.set(scratch.subarray(0, written));
    out.set(body, written);
    return out;
  }
  const headBytes = textEncoder.encode(headText);
  const out = new Uint8Array(headBytes.length + body.length + 1);
  out.set(headBytes);
  out.set(body, headBytes.length);
  return out;
}
