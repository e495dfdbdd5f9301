/**
 * A message on its way out, encoded once and shared by every subscriber.
 *
 * A MESSAGE frame (STOMP 1.2, "MESSAGE") differs between subscribers only in `subscription`, `ack`
 * and `redelivered`. So a frame goes out as two parts:
 *
 *   head (per delivery):   MESSAGE\nsubscription:7\nack:42\n
 *   tail (per message):    destination:/topic/a\nmessage-id:…\ncontent-type:…\ncontent-length:5\n\nhello\0
 *
 * The tail is encoded at most once per STOMP version (escaping differs: STOMP 1.2, "Value Encoding"),
 * lazily, the first time a subscriber of that version needs it. Fan-out to N subscribers then costs N
 * short head strings and no copy of the body.
 */
import {
  encodeHead,
  type Header,
  type Headers,
  isValidUtf8,
  type StompVersion,
} from '@stomping-ground/protocol';

/**
 * Headers a SEND carries that do not belong on the MESSAGE: the broker sets `destination`,
 * `message-id`, `subscription`, `ack` and `redelivered` itself; `receipt` and `transaction` are about
 * the SEND frame; `content-length` is recomputed by the encoder (STOMP 1.2, "Header content-length").
 * Everything else, `content-type` included, is passed on as the sender wrote it.
 */
const NOT_FORWARDED: ReadonlySet<string> = new Set([
  'destination',
  'message-id',
  'subscription',
  'ack',
  'redelivered',
  'receipt',
  'transaction',
  'content-length',
]);

export function forwardedHeaders(headers: Headers): Header[] {
  const out: Header[] = [];
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i]!;
    if (!NOT_FORWARDED.has(header[0])) out.push(header);
  }
  return out;
}

/**
 * A copy of `bytes` in a fresh, plain `Uint8Array`. Not `bytes.slice()`: on a Node `Buffer` (what the
 * TCP and WebSocket adapters hand over) `slice` returns a view, which would pin the whole chunk.
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

const VERSION_INDEX: Readonly<Record<StompVersion, number>> = { '1.0': 0, '1.1': 1, '1.2': 2 };
const MESSAGE_LINE = 'MESSAGE\n';
const textEncoder = new TextEncoder();

export class OutboundMessage {
  /** The destination the MESSAGE names: for user destinations, the `/user/queue/…` form subscribers used. */
  readonly destination: string;
  readonly messageId: string;
  /** The sender's headers, already stripped of those in `NOT_FORWARDED`. */
  readonly headers: Headers;
  /** Owned by the message: never a view into a decoder's chunk. */
  readonly body: Uint8Array;
  /** The body is not UTF-8, so the frame must travel as a binary WebSocket message (RFC 6455, section 8.1). */
  readonly binary: boolean;
  private readonly tails: Array<Uint8Array | undefined> = [undefined, undefined, undefined];

  constructor(destination: string, messageId: string, headers: Headers, body: Uint8Array) {
    this.destination = destination;
    this.messageId = messageId;
    this.headers = headers;
    this.body = body;
    this.binary = !isValidUtf8(body);
  }

  /** Everything after the command line, for subscribers speaking `version`. */
  tail(version: StompVersion): Uint8Array {
    const index = VERSION_INDEX[version];
    let tail = this.tails[index];
    if (tail === undefined) {
      tail = this.encodeTail(version);
      this.tails[index] = tail;
    }
    return tail;
  }

  private encodeTail(version: StompVersion): Uint8Array {
    const headers: Header[] = [
      ['destination', this.destination],
      ['message-id', this.messageId],
      ...carriable(this.headers, version),
    ];
    // Always announce the length: the body may hold NULs, and readers skip scanning for the end.
    const text = encodeHead('MESSAGE', headers, version, this.body.length).slice(MESSAGE_LINE.length);
    const head = textEncoder.encode(text);
    const tail = new Uint8Array(head.length + this.body.length + 1);
    tail.set(head);
    tail.set(this.body, head.length);
    return tail;
  }
}

/**
 * The headers a version can carry. A 1.2 sender may put a CR or LF in a value (escaped as `\r`,
 * `\n`); STOMP 1.1 has no escape for CR and 1.0 has no escapes at all, so such a header is left out
 * for subscribers of those versions rather than failing the whole delivery.
 */
function carriable(headers: Headers, version: StompVersion): Headers {
  if (version === '1.2') return headers;
  const unfit = version === '1.1' ? (name: string, value: string) => /\r/.test(name + value) : unfitFor10;
  return headers.some(([name, value]) => unfit(name, value))
    ? headers.filter(([name, value]) => !unfit(name, value))
    : headers;
}

function unfitFor10(name: string, value: string): boolean {
  return /[\r\n:]/.test(name) || /[\r\n]/.test(value);
}

/** The text a delivery puts before the shared tail. `ack` is the 1.2 ack id, if the subscription acknowledges. */
export function messageHead(subscriptionLine: string, ack: string | undefined, redelivered: boolean): string {
  let head = `${MESSAGE_LINE}${subscriptionLine}`;
  if (ack !== undefined) head += `ack:${ack}\n`;
  if (redelivered) head += 'redelivered:true\n';
  return head;
}
