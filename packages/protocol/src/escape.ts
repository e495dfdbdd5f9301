/**
 * Header escaping per version.
 *
 * STOMP 1.2, "Value Encoding": `\r`, `\n`, `\c` and `\\` stand for CR, LF, colon and backslash;
 * an undefined escape such as `\t` MUST be treated as a fatal protocol error.
 * STOMP 1.1 defines the same set without `\r`. STOMP 1.0 defines no escaping at all.
 * CONNECT and CONNECTED frames are never escaped, so a 1.0 peer can read them (STOMP 1.2,
 * "Value Encoding", last paragraph).
 */
import { StompError, StompErrorCode } from './errors';
import type { Command, StompVersion } from './frame';

const BACKSLASH = 0x5c;

/** Whether headers of `command` are escaped when speaking `version`. */
export function escapesHeaders(version: StompVersion, command: Command): boolean {
  return version !== '1.0' && command !== 'CONNECT' && command !== 'CONNECTED';
}

/**
 * Decodes escapes in one pass, left to right, so `\\n` is a backslash then `n`
 * (a chain of `replace` calls gets this wrong).
 */
export function unescapeHeader(text: string, version: StompVersion): string {
  if (text.indexOf('\\') === -1) return text;
  let out = '';
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== BACKSLASH) continue;
    out += text.slice(runStart, i);
    const next = text[i + 1];
    if (next === 'n') out += '\n';
    else if (next === 'c') out += ':';
    else if (next === '\\') out += '\\';
    else if (next === 'r' && version === '1.2') out += '\r';
    else {
      const shown = next === undefined ? 'a trailing backslash' : `"\\${next}"`;
      throw new StompError(
        StompErrorCode.INVALID_ESCAPE,
        `undefined escape sequence ${shown} in STOMP ${version}`,
      );
    }
    i++;
    runStart = i + 1;
  }
  return out + text.slice(runStart);
}

const NEEDS_ESCAPE = /[\\\r\n:\0]/;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\r': '\\r', '\n': '\\n', ':': '\\c' };

/** Escapes a header name or value for 1.1/1.2 (1.1 has no `\r`, so a CR cannot be sent there). */
export function escapeHeader(text: string, version: StompVersion): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  if (text.includes('\0')) throw nulInHeader();
  if (version === '1.1' && text.includes('\r')) {
    throw new StompError(StompErrorCode.UNENCODABLE_FRAME, 'STOMP 1.1 cannot carry a CR in a header');
  }
  return text.replace(/[\\\r\n:]/g, (c) => ESCAPES[c]!);
}

/** Checks a header that travels unescaped (1.0, CONNECT, CONNECTED): no NUL or EOL anywhere, no colon in the name. */
export function assertRawHeader(name: string, value: string): void {
  if (name.includes('\0') || value.includes('\0')) throw nulInHeader();
  if (/[\r\n:]/.test(name) || /[\r\n]/.test(value)) {
    throw new StompError(
      StompErrorCode.UNENCODABLE_FRAME,
      `header "${name}" cannot be sent unescaped: it holds a CR, a LF or (in its name) a colon`,
    );
  }
}

/** No escape stands for NUL, the octet that ends a frame, and a decoder refuses it in a header. */
function nulInHeader(): StompError {
  return new StompError(
    StompErrorCode.UNENCODABLE_FRAME,
    'a header cannot hold a NUL octet, which ends a frame',
  );
}
