/** One sentence per row kind, shown above a selected row's headers: what this frame is for. */
export const FRAME_HINTS: Readonly<Record<string, string>> = {
  CONNECT: 'The client opens a STOMP session: versions it speaks, its login, and the heart-beats it offers.',
  STOMP: 'The client opens a STOMP session (the 1.1+ spelling of CONNECT).',
  CONNECTED: 'The broker accepts the session: the version chosen and the heart-beats both sides will keep.',
  SEND: 'The client sends a message to a destination. With a receipt header the broker confirms it; with a transaction header it waits for COMMIT.',
  SUBSCRIBE: 'The client asks for every message on a destination, under a subscription id of its choosing.',
  UNSUBSCRIBE: 'The client ends a subscription by its id.',
  MESSAGE: 'The broker delivers a message to a subscription.',
  RECEIPT: 'The broker confirms it has processed the client frame whose receipt header matches receipt-id.',
  ERROR: 'The broker reports a fault; the connection closes after it.',
  BEGIN: 'The client opens a transaction: SENDs naming it are held by the broker until COMMIT.',
  COMMIT: 'The client commits a transaction: everything sent in it takes effect, together.',
  ABORT: 'The client abandons a transaction: everything sent in it is discarded.',
  ACK: 'The client acknowledges a message it has handled.',
  NACK: 'The client refuses a message, so the broker may redeliver it.',
  DISCONNECT: 'The client says goodbye, usually asking for a receipt before the socket closes.',
  HEARTBEAT:
    'A heart-beat: a bare end-of-line between frames, sent when a side has been quiet, so the other knows the connection is alive.',
  'DECODE ERROR': 'These bytes are not valid STOMP: the codec refused them with this code.',
  NOTE: 'Not from the wire: what happened to the WebSocket itself.',
};

/** Where the lessons site lives on the server (`/docs/`), for links from a row to its lesson. */
export const DEFAULT_LESSONS_BASE = '/docs/';

/** The lesson that explains each row kind: its page on the lessons site, and its title. */
export const FRAME_LESSONS: Readonly<Record<string, { readonly page: string; readonly title: string }>> = {
  CONNECT: { page: 'connecting.html', title: 'Connecting' },
  STOMP: { page: 'connecting.html', title: 'Connecting' },
  CONNECTED: { page: 'connecting.html', title: 'Connecting' },
  SEND: { page: 'stomp-frames.html', title: 'STOMP frames' },
  SUBSCRIBE: { page: 'subscriptions-and-acks.html', title: 'Subscriptions and acks' },
  UNSUBSCRIBE: { page: 'subscriptions-and-acks.html', title: 'Subscriptions and acks' },
  MESSAGE: { page: 'subscriptions-and-acks.html', title: 'Subscriptions and acks' },
  RECEIPT: { page: 'stomp-frames.html', title: 'STOMP frames' },
  ERROR: { page: 'connecting.html', title: 'Connecting (what an ERROR carries)' },
  BEGIN: { page: 'transactions.html', title: 'Transactions' },
  COMMIT: { page: 'transactions.html', title: 'Transactions' },
  ABORT: { page: 'transactions.html', title: 'Transactions' },
  ACK: { page: 'subscriptions-and-acks.html', title: 'Subscriptions and acks' },
  NACK: { page: 'subscriptions-and-acks.html', title: 'Subscriptions and acks' },
  DISCONNECT: { page: 'connecting.html', title: 'Connecting' },
  HEARTBEAT: { page: 'heart-beating.html', title: 'Heart-beating' },
  'DECODE ERROR': { page: 'stomp-frames.html', title: 'STOMP frames' },
  NOTE: { page: 'websocket-frames.html', title: 'WebSocket frames' },
};
