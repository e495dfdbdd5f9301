import { describe, expect, it } from 'vitest';
import { createFrameInspector } from '../src/inspector';
import { type InspectableWebSocket, inspectingWebSocketFactory, inspectWebSocket } from '../src/websocket';

/** Enough of a WebSocket for the wrapper: an EventTarget with a send that collects. */
class FakeSocket extends EventTarget implements InspectableWebSocket {
  readonly url = 'ws://localhost/ws';
  protocol = '';
  readonly sent: unknown[] = [];
  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    this.sent.push(data);
  }
  receive(data: string | ArrayBuffer): void {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
}

function setUp() {
  const container = document.createElement('div');
  const inspector = createFrameInspector(container, { schedule: () => {} });
  const commands = () => {
    inspector.flush();
    return [...container.querySelectorAll<HTMLElement>('[data-testid="inspector-row"]')].map((row) =>
      `${row.dataset.direction ?? ''} ${row.dataset.command}`.trim(),
    );
  };
  return { inspector, commands };
}

describe('inspectWebSocket', () => {
  it('records what is sent, after the socket took it, and what is received', () => {
    const { inspector, commands } = setUp();
    const socket = new FakeSocket();
    inspectWebSocket(socket, inspector);
    socket.send('CONNECT\naccept-version:1.2\n\n\0');
    socket.receive(new TextEncoder().encode('CONNECTED\nversion:1.2\n\n\0').buffer);
    socket.send('\n');
    expect(socket.sent).toHaveLength(2);
    expect(commands()).toEqual(['NOTE', 'out CONNECT', 'in CONNECTED', 'out HEARTBEAT']);
  });

  it('notes when the socket opens and closes', () => {
    const { inspector } = setUp();
    const socket = new FakeSocket();
    inspectWebSocket(socket, inspector);
    socket.protocol = 'v12.stomp';
    socket.dispatchEvent(new Event('open'));
    socket.dispatchEvent(new CloseEvent('close', { code: 1006 }));
    inspector.flush();
    const notes = [...inspector.element.querySelectorAll('.sgi-note .sgi-destination')].map(
      (n) => n.textContent,
    );
    expect(notes).toEqual([
      'WebSocket connecting to ws://localhost/ws',
      'WebSocket open, subprotocol v12.stomp',
      'WebSocket closed, code 1006',
    ]);
  });

  it('stops recording when asked', () => {
    const { inspector, commands } = setUp();
    const socket = new FakeSocket();
    const stop = inspectWebSocket(socket, inspector);
    stop();
    socket.send('\n');
    socket.receive('\n');
    expect(commands()).toEqual(['NOTE']);
    expect(socket.sent).toEqual(['\n']);
  });

  it('wraps a webSocketFactory so each new socket is inspected with fresh decoders', () => {
    const { inspector, commands } = setUp();
    const sockets: FakeSocket[] = [];
    const factory = inspectingWebSocketFactory(() => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    }, inspector);
    factory().receive('MESSAGE\ndestination:/topic/a\n\nhal');
    // The first socket died mid-frame; the second starts clean.
    factory().receive('RECEIPT\nreceipt-id:1\n\n\0');
    expect(sockets).toHaveLength(2);
    expect(commands()).toEqual(['NOTE', 'NOTE', 'in RECEIPT']);
  });
});
