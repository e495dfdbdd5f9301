export {
  DEFAULT_DECODER_LIMITS,
  type DecodedItem,
  type DecoderHandlers,
  type DecoderLimits,
  type DecoderOptions,
  decodeAll,
  FrameDecoder,
} from './decoder';
export {
  type EncodedFrame,
  type EncodeOptions,
  encodeFrame,
  encodeFrameToString,
  encodeHead,
  HEARTBEAT,
  HEARTBEAT_BYTES,
} from './encoder';
export { type PageOrigin, STOMP_WEBSOCKET_PATH, webSocketUrl } from './endpoint';
export { isStompError, printable, StompError, StompErrorCode, type StompErrorDetails } from './errors';
export { escapeHeader, escapesHeaders, unescapeHeader } from './escape';
export {
  ClientCommand,
  type Command,
  type Frame,
  type FrameInit,
  getHeader,
  type Header,
  type Headers,
  isClientCommand,
  isCommand,
  ServerCommand,
  StompVersion,
  SUPPORTED_VERSIONS,
} from './frame';
export {
  formatHeartBeat,
  type HeartBeat,
  type NegotiatedHeartBeat,
  NO_HEART_BEAT,
  negotiateHeartBeat,
  parseHeartBeat,
} from './heartbeat';
export {
  connectHeadersFor,
  forgetGuestIdentity,
  GUEST_IDENTITY_STORAGE_KEY,
  GUEST_PASSCODE_HEADER,
  type GuestIdentity,
  guestIdentityFrom,
  type IdentityStorage,
  loadGuestIdentity,
  saveGuestIdentity,
} from './identity';
export { isValidUtf8, utf8Length } from './utf8';
export {
  chooseSubprotocol,
  negotiateVersion,
  STOMP_SUBPROTOCOLS,
  SUBPROTOCOL_BY_VERSION,
  versionOfSubprotocol,
} from './version';
