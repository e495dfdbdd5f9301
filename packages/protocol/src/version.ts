/**
 * Version negotiation (STOMP 1.2, "Protocol Negotiation") and the matching WebSocket subprotocols.
 */
import { StompError, StompErrorCode } from './errors';
import { type StompVersion, SUPPORTED_VERSIONS } from './frame';

/**
 * The highest version both sides speak. `accept-version` absent means the client speaks only 1.0.
 * Throws `STOMP_ERR_UNSUPPORTED_VERSION` when there is none; the server then sends an ERROR
 * carrying its own `version` list and closes.
 */
export function negotiateVersion(
  acceptVersion: string | undefined,
  supported: readonly StompVersion[] = SUPPORTED_VERSIONS,
): StompVersion {
  if (acceptVersion === undefined) {
    if (supported.includes('1.0')) return '1.0';
    throw unsupported('1.0', supported);
  }
  const offered = new Set(acceptVersion.split(',').map((token) => token.trim()));
  for (let i = SUPPORTED_VERSIONS.length - 1; i >= 0; i--) {
    const version = SUPPORTED_VERSIONS[i]!;
    if (offered.has(version) && supported.includes(version)) return version;
  }
  throw unsupported(acceptVersion, supported);
}

function unsupported(offered: string, supported: readonly StompVersion[]): StompError {
  return new StompError(
    StompErrorCode.UNSUPPORTED_VERSION,
    `no common STOMP version: the client accepts ${offered.slice(0, 40)}, the server speaks ${supported.join(',')}`,
  );
}

/** The WebSocket subprotocol for each version, as STOMP over WebSocket names them. */
export const SUBPROTOCOL_BY_VERSION = {
  '1.2': 'v12.stomp',
  '1.1': 'v11.stomp',
  '1.0': 'v10.stomp',
} as const satisfies Record<StompVersion, string>;

/** Every STOMP subprotocol, best first. */
export const STOMP_SUBPROTOCOLS: readonly string[] = [
  SUBPROTOCOL_BY_VERSION['1.2'],
  SUBPROTOCOL_BY_VERSION['1.1'],
  SUBPROTOCOL_BY_VERSION['1.0'],
];

/**
 * The subprotocol a server should pick: the highest STOMP version the client offers, whatever
 * the order it offered them in (RFC 6455 leaves the choice to the server). Undefined: none offered.
 */
export function chooseSubprotocol(offered: Iterable<string>): string | undefined {
  const set = new Set(offered);
  return STOMP_SUBPROTOCOLS.find((protocol) => set.has(protocol));
}

/** The STOMP version a subprotocol names, if it names one. */
export function versionOfSubprotocol(protocol: string): StompVersion | undefined {
  for (const version of SUPPORTED_VERSIONS) if (SUBPROTOCOL_BY_VERSION[version] === protocol) return version;
  return undefined;
}
