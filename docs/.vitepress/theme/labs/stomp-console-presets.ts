/**
 * The frames the STOMP console offers, good and broken. `^@` stands for the NUL that ends a frame
 * (STOMP 1.2, "STOMP Frames"); the console turns it into the byte 0x00 when it sends.
 */
export interface ConsolePreset {
  readonly id: string;
  readonly label: string;
  /** Whether the broker should refuse it, with an ERROR and a close. */
  readonly broken: boolean;
  readonly text: (context: { host: string; topic: string }) => string;
}

export const NUL_MARK = '^@';

export const CONSOLE_PRESETS: readonly ConsolePreset[] = [
  {
    id: 'connect',
    label: 'CONNECT (STOMP 1.2, guest/guest)',
    broken: false,
    text: ({ host }) =>
      `CONNECT\naccept-version:1.2\nhost:${host}\nlogin:guest\npasscode:guest\nheart-beat:0,0\n\n${NUL_MARK}`,
  },
  {
    id: 'subscribe',
    label: 'SUBSCRIBE to your own topic, with a receipt',
    broken: false,
    text: ({ topic }) => `SUBSCRIBE\nid:0\ndestination:${topic}\nreceipt:subscribed\n\n${NUL_MARK}`,
  },
  {
    id: 'send',
    label: 'SEND to it (you get it back as a MESSAGE)',
    broken: false,
    text: ({ topic }) =>
      `SEND\ndestination:${topic}\ncontent-type:text/plain\nreceipt:sent\n\nhello, broker${NUL_MARK}`,
  },
  {
    id: 'send-escaped',
    label: 'SEND with escaped header values (\\c \\n \\\\)',
    broken: false,
    text: ({ topic }) =>
      `SEND\ndestination:${topic}\nnote:a\\cb\\nc\\\\d\nreceipt:escaped\n\nescapes${NUL_MARK}`,
  },
  {
    id: 'send-length',
    label: 'SEND with content-length and a NUL inside the body',
    broken: false,
    text: ({ topic }) => `SEND\ndestination:${topic}\ncontent-length:5\nreceipt:binary\n\nab\0cd${NUL_MARK}`,
  },
  {
    id: 'disconnect',
    label: 'DISCONNECT, with a receipt',
    broken: false,
    text: () => `DISCONNECT\nreceipt:bye\n\n${NUL_MARK}`,
  },
  {
    id: 'bad-escape',
    label: 'Broken: an undefined escape (\\t)',
    broken: true,
    text: ({ topic }) => `SEND\ndestination:${topic}\nnote:a\\tb\n\nbad escape${NUL_MARK}`,
  },
  {
    id: 'bad-length',
    label: 'Broken: content-length shorter than the body',
    broken: true,
    text: ({ topic }) => `SEND\ndestination:${topic}\ncontent-length:2\n\nhello${NUL_MARK}`,
  },
  {
    id: 'no-destination',
    label: 'Broken: SEND without a destination, with a receipt',
    broken: true,
    text: () => `SEND\nreceipt:lost\n\nwhere to?${NUL_MARK}`,
  },
  {
    id: 'server-topic',
    label: "Broken: SEND to the market's own topic",
    broken: true,
    text: () => `SEND\ndestination:/topic/market/quotes\nreceipt:forged\n\n{}${NUL_MARK}`,
  },
  {
    id: 'unknown-command',
    label: 'Broken: a command STOMP does not have',
    broken: true,
    text: () => `HELLO\n\n${NUL_MARK}`,
  },
  {
    id: 'bad-login',
    label: 'Broken: CONNECT with a wrong passcode',
    broken: true,
    text: ({ host }) =>
      `CONNECT\naccept-version:1.2\nhost:${host}\nlogin:guest\npasscode:wrong\n\n${NUL_MARK}`,
  },
];

/** The text to put on the wire: every `^@` becomes NUL. */
export function wireText(text: string): string {
  return text.split(NUL_MARK).join('\0');
}
