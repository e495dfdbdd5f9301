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

export function encodeFrame(frame: FrameInit, options: EncodeOptions = {}): EncodedFrame {
  const version = options.version ?? '1.2';
  const headers = frame.headers ?? [];
  const asked = options.contentLength === true || getHeader(headers, 'content-length') !== undefined;
  const body = frame.body ?? EMPTY;

  if (typeof body === 'string') {
    const withLength = asked || body.includes('\0');
    if (!withLength)
      return { bytes: encodeText(`${head(frame.command, headers, version)}${body}\0`), binary: false };
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
    const [name, value] = headers[i]!;
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

/** Encodes text to bytes of exactly its UTF-8 size with one copy. */
function encodeText(text: string): Uint8Array {
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
    const out = new Uint8Array(written + body.length + 1);
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
