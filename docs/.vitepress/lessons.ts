/**
 * The lessons in learning order: each builds on the ones before it, from the bytes of the
 * WebSocket upgrade to running several broker nodes in production. The sidebar, previous/next
 * links and the home page's list all read this one list.
 */
export const LESSONS = [
  { file: 'websocket-handshake', title: 'The WebSocket handshake' },
  { file: 'websocket-frames', title: 'WebSocket frames' },
  { file: 'stomp-frames', title: 'STOMP frames' },
  { file: 'connecting', title: 'Connecting' },
  { file: 'heart-beating', title: 'Heart-beating' },
  { file: 'reconnecting', title: 'Reconnecting' },
  { file: 'subscriptions-and-acks', title: 'Subscriptions and acks' },
  { file: 'transactions', title: 'Transactions' },
  { file: 'market-data-conflation', title: 'Conflation' },
  { file: 'game-netcode', title: 'Game netcode' },
  { file: 'scaling-out', title: 'Scaling out' },
  { file: 'deployment', title: 'Deployment' },
] as const;

export type LessonFile = (typeof LESSONS)[number]['file'];
