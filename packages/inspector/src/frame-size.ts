/**
 * A decoded frame's size on the wire, from its parts: the decoder hands over frames, not their
 * byte offsets, so the size is counted back the way the frame was written.
 *
 *   COMMAND LF (name ":" value LF)* LF body NUL
 *
 * Header names and values count escaped, as the version escapes them (STOMP 1.2, "Value
 * Encoding"; never in CONNECT and CONNECTED). A peer that ends lines with CR LF sends one more
 * octet per line than this counts.
 */
import {
  escapeHeader,
  escapesHeaders,
  type Frame,
  type StompVersion,
  utf8Length,
} from '@stomping-ground/protocol';

export function frameSize(frame: Frame, version: StompVersion): number {
  const escaped = escapesHeaders(version, frame.command);
  // The command line and its LF, the blank line, the body and the NUL.
  let size = frame.command.length + 1 + 1 + frame.body.length + 1;
  for (const [name, value] of frame.headers) {
    size += escapedLength(name, escaped, version) + 1 + escapedLength(value, escaped, version) + 1;
  }
  return size;
}

function escapedLength(text: string, escaped: boolean, version: StompVersion): number {
  if (!escaped) return utf8Length(text);
  try {
    return utf8Length(escapeHeader(text, version));
  } catch {
    // A CR in a 1.1 header cannot be escaped; it came in somehow, so count it as it stands.
    return utf8Length(text);
  }
}
