export {
  type Direction,
  type ErrorEntry,
  entryLabel,
  type FrameEntry,
  type HeartbeatEntry,
  type InspectorEntry,
  type NoteEntry,
} from './entry';
export { type InspectorFilter, matchesFilter, NO_FILTER } from './filter';
export { type BodyView, bodyView, formatBytes, formatTime, hexDump } from './format';
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_ENTRIES,
  FrameLog,
  type FrameLogOptions,
  type FrameLogTotals,
  isTopicMessage,
} from './frame-log';
export { frameSize } from './frame-size';
export { DEFAULT_LESSONS_BASE, FRAME_HINTS, FRAME_LESSONS } from './hints';
export {
  createFrameInspector,
  type FrameInspector,
  type FrameInspectorOptions,
  type InspectorCounts,
} from './inspector';
export { RingBuffer } from './ring-buffer';
export {
  type InspectableWebSocket,
  type InspectorSink,
  inspectingWebSocketFactory,
  inspectWebSocket,
} from './websocket';
