/**
 * One error class for every protocol fault, each with a stable code.
 *
 * Callers branch on `code`, never on `message`: messages are for people and may change.
 * The package README lists every code; `test/errors.test.ts` keeps that table and this map in step.
 */
export const StompErrorCode = {
  /** The command line names no STOMP command. */
  UNKNOWN_COMMAND: 'STOMP_ERR_UNKNOWN_COMMAND',
  /** A header line has no colon, or an empty name. */
  MALFORMED_HEADER: 'STOMP_ERR_MALFORMED_HEADER',
  /** A header holds a backslash sequence the version does not define, such as `\t`. */
  INVALID_ESCAPE: 'STOMP_ERR_INVALID_ESCAPE',
  /** `content-length` is not a non-negative decimal integer. */
  INVALID_CONTENT_LENGTH: 'STOMP_ERR_INVALID_CONTENT_LENGTH',
  /** The octet after a `content-length` body is not the NUL that ends the frame. */
  MISSING_NUL: 'STOMP_ERR_MISSING_NUL',
  /** A CR that is not followed by LF where a line must end. */
  INVALID_EOL: 'STOMP_ERR_INVALID_EOL',
  /** A header name or value holds a NUL octet, the octet that ends a frame. */
  NUL_IN_HEADER: 'STOMP_ERR_NUL_IN_HEADER',
  /** The command or headers are not valid UTF-8. */
  INVALID_UTF8: 'STOMP_ERR_INVALID_UTF8',
  /** The frame (command, headers and body) passed `maxFrameBytes`. */
  FRAME_TOO_LARGE: 'STOMP_ERR_FRAME_TOO_LARGE',
  /** The frame has more than `maxHeaders` header lines. */
  TOO_MANY_HEADERS: 'STOMP_ERR_TOO_MANY_HEADERS',
  /** The command line or a header line passed `maxHeaderLineBytes`. */
  HEADER_LINE_TOO_LONG: 'STOMP_ERR_HEADER_LINE_TOO_LONG',
  /** The body passed `maxBodyBytes`. */
  BODY_TOO_LARGE: 'STOMP_ERR_BODY_TOO_LARGE',
  /** A `heart-beat` header is not two comma-separated non-negative integers. */
  INVALID_HEART_BEAT: 'STOMP_ERR_INVALID_HEART_BEAT',
  /** `accept-version` shares no version with this side. */
  UNSUPPORTED_VERSION: 'STOMP_ERR_UNSUPPORTED_VERSION',
  /** The encoder was asked for something the wire cannot carry (a LF in a 1.0 header, a text frame with a binary body). */
  UNENCODABLE_FRAME: 'STOMP_ERR_UNENCODABLE_FRAME',
} as const;

export type StompErrorCode = (typeof StompErrorCode)[keyof typeof StompErrorCode];

export interface StompErrorDetails {
  /** The `receipt` header of the frame at fault, when it was read before the fault. */
  readonly receiptId?: string | undefined;
}

export class StompError extends Error {
  override readonly name = 'StompError';
  readonly code: StompErrorCode;
  readonly receiptId: string | undefined;

  constructor(code: StompErrorCode, message: string, details: StompErrorDetails = {}) {
    super(message);
    this.code = code;
    this.receiptId = details.receiptId;
  }
}

export function isStompError(value: unknown): value is StompError {
  return value instanceof StompError;
}

/**
 * Peer-supplied text as an error message may quote it: at most 64 characters, with quotes,
 * backslashes and control characters escaped as in JSON, so a hostile name cannot break the line
 * it is quoted in. Without the surrounding quotes: the message places them.
 */
export function printable(text: string): string {
  const shown = text.length > 64 ? `${text.slice(0, 64)}…` : text;
  return JSON.stringify(shown).slice(1, -1);
}
