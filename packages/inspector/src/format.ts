/** Text the inspector shows: times, sizes, bodies. Pure functions. */
import { isValidUtf8 } from '@stomping-ground/protocol';

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/**
 * `14:03:07.042`: local wall-clock time to the millisecond. Plain arithmetic on one `Date`, not
 * `toLocaleTimeString`, which looks the locale up on every call.
 */
export function formatTime(epochMs: number): string {
  const date = new Date(epochMs);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** `87 B`, `1.4 KiB`, `2.0 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

export type BodyView = { readonly kind: 'empty' } | { readonly kind: 'text' | 'hex'; readonly text: string };

const bodyDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * A body as text when it is valid UTF-8, else as a hex dump. A body cut short may end inside a
 * multi-byte character, so a few trailing bytes are allowed to be incomplete.
 */
export function bodyView(body: Uint8Array, truncated = false): BodyView {
  if (body.length === 0) return { kind: 'empty' };
  if (isValidUtf8(body) || (truncated && isValidUtf8(body.subarray(0, lastCharacterStart(body))))) {
    return { kind: 'text', text: bodyDecoder.decode(body) };
  }
  return { kind: 'hex', text: hexDump(body) };
}

/** Where the last UTF-8 character of `bytes` starts (its lead byte), or the length if it is ASCII. */
function lastCharacterStart(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 4); i--) {
    const byte = bytes[i]!;
    if ((byte & 0xc0) !== 0x80) return byte < 0x80 ? bytes.length : i;
  }
  return bytes.length;
}

/**
 * `00000000  48 65 6c 6c 6f 00 ff …  |Hello..|`: 16 bytes a line, offset, hex, printable ASCII.
 */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, offset + 16);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      const byte = row[i];
      hex += byte === undefined ? '   ' : `${byte.toString(16).padStart(2, '0')} `;
      if (i === 7) hex += ' ';
      if (byte !== undefined) ascii += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
    }
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  return lines.join('\n');
}
