/**
 * Wiring the inspector to a WebSocket, so it sees exactly what crosses the wire.
 *
 * A STOMP client library parses and serializes frames itself; its debug hooks print its own view
 * of them (and `@stomp/stompjs` prints received chunks only with `logRawCommunication`). Wrapping
 * the socket instead catches every `send()` and every `message` event, byte for byte, whatever
 * the library does, and leaves the decoding to the protocol package's codec.
 */
import type { FrameInspector } from './inspector';

/** What the wrapper needs of a WebSocket; the browser's `WebSocket` has all of it. */
export interface InspectableWebSocket {
  readonly url: string;
  readonly protocol: string;
  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

/** The parts of the inspector the wrapper uses. */
export type InspectorSink = Pick<FrameInspector, 'record' | 'note' | 'restart'>;

/**
 * Records every message `socket` sends and receives into `inspector`, and notes when it opens and
 * closes. Call it right after creating the socket, before the STOMP client attaches its own
 * handlers, so frames are recorded before the client acts on them. Returns a function that stops
 * the recording.
 */
export function inspectWebSocket(socket: InspectableWebSocket, inspector: InspectorSink): () => void {
  inspector.restart();
  inspector.note(`WebSocket connecting to ${socket.url}`);

  const originalSend = socket.send;
  socket.send = function send(this: InspectableWebSocket, data) {
    originalSend.call(socket, data);
    // Recorded once the socket has taken it: a send that throws put nothing on the wire.
    const recordable = toRecordable(data);
    if (recordable === undefined) inspector.note('sent data the inspector cannot read (a Blob?)');
    else inspector.record('out', recordable);
  };

  const onOpen = () => inspector.note(`WebSocket open, subprotocol ${socket.protocol || '(none)'}`);
  const onMessage = (event: Event) => {
    const recordable = toRecordable((event as MessageEvent).data);
    if (recordable === undefined)
      inspector.note('a Blob arrived: set binaryType to "arraybuffer" to inspect it');
    else inspector.record('in', recordable);
  };
  const onClose = (event: Event) => {
    const { code, reason } = event as CloseEvent;
    inspector.note(`WebSocket closed, code ${code}${reason ? `: ${reason}` : ''}`);
  };
  const onError = () => inspector.note('WebSocket error');

  socket.addEventListener('open', onOpen);
  socket.addEventListener('message', onMessage);
  socket.addEventListener('close', onClose);
  socket.addEventListener('error', onError);

  return () => {
    socket.send = originalSend;
    socket.removeEventListener('open', onOpen);
    socket.removeEventListener('message', onMessage);
    socket.removeEventListener('close', onClose);
    socket.removeEventListener('error', onError);
  };
}

/**
 * Wraps a `webSocketFactory` (as `@stomp/stompjs` takes) so every socket it makes is inspected:
 *
 *   client.webSocketFactory = inspectingWebSocketFactory(() => new WebSocket(url, protocols), inspector);
 */
export function inspectingWebSocketFactory<S extends InspectableWebSocket>(
  factory: () => S,
  inspector: InspectorSink,
): () => S {
  return () => {
    const socket = factory();
    inspectWebSocket(socket, inspector);
    return socket;
  };
}

/**
 * Text stays text; bytes are copied, since the sender may reuse its buffer. A Blob cannot be read
 * synchronously, and reading it later would put it out of order, so it is left out.
 */
function toRecordable(data: unknown): string | Uint8Array | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  }
  return undefined;
}
