/**
 * What every lab shares: the broker's address on the page's own origin, the frame inspector
 * mounted under the lab, and small helpers. The labs talk to the real broker that serves the page
 * (`/ws`, same origin), so they work wherever the site is deployed and never name a port.
 */
import {
  createFrameInspector,
  type FrameInspector,
  type InspectableWebSocket,
  type InspectorSink,
  inspectWebSocket,
} from '@stomping-ground/inspector';
import { STOMP_SUBPROTOCOLS, webSocketUrl } from '@stomping-ground/protocol';
import { onBeforeUnmount, onMounted, type Ref, shallowRef, useTemplateRef } from 'vue';

/** The demo login every STOMP snippet uses; the broker accepts it. */
export const DEMO_LOGIN = { login: 'guest', passcode: 'guest' } as const;

/** `ws://host/ws` or `wss://host/ws` for the page this lab is on. */
export function brokerUrl(): string {
  return webSocketUrl(window.location);
}

/** A WebSocket to the broker offering every STOMP version (highest first), read as bytes. */
export function openBrokerSocket(protocols: readonly string[] = STOMP_SUBPROTOCOLS): WebSocket {
  const socket = new WebSocket(brokerUrl(), [...protocols]);
  socket.binaryType = 'arraybuffer';
  return socket;
}

/** A name no other visitor's lab uses, so two people trying a lab at once do not meet. */
export function labName(prefix: string): string {
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `${prefix}-${Array.from(random, (value) => value.toString(36)).join('')}`;
}

/**
 * The frame inspector mounted in the lab's element `ref="inspector"` (or `ref` named otherwise)
 * once the lab is on the page, removed with it.
 */
export function useInspector(title: string, refName = 'inspector'): Ref<FrameInspector | undefined> {
  const container = useTemplateRef<HTMLElement>(refName);
  const inspector = shallowRef<FrameInspector | undefined>(undefined);
  onMounted(() => {
    if (container.value) inspector.value = createFrameInspector(container.value, { title, maxEntries: 300 });
  });
  onBeforeUnmount(() => inspector.value?.destroy());
  return inspector;
}

/** Records a socket into the inspector, if it is mounted. */
export function inspect(socket: InspectableWebSocket, inspector: InspectorSink | undefined): () => void {
  return inspector ? inspectWebSocket(socket, inspector) : () => undefined;
}

/** Local time to the millisecond, as the inspector shows it. */
export function clock(at: number = Date.now()): string {
  const time = new Date(at);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${pad(time.getMilliseconds(), 3)}`;
}

/** Keeps the last `limit` items: a lab's lists stay short however long it runs. */
export function pushBounded<T>(list: T[], item: T, limit = 50): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}

/** Shows a frame's bytes as text a person can read: LF as ↵ and a line break, NUL as ^@. */
export function visibleFrame(text: string): string {
  return text.replace(/\r/g, '\\r').replace(/\n/g, '↵\n').replace(/\0/g, '^@');
}
