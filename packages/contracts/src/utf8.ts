/**
 * UTF-8 for the game's binary format (player names). Browsers and Node both have the WHATWG
 * `TextEncoder` and `TextDecoder`, but this package compiles without DOM and Node types (so nothing
 * else from either can creep in), and so do packages that import its types, such as the
 * simulation. So the two classes are declared here, inside this module: the declarations shadow
 * nothing at run time (they emit no code) and reach no other file.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}

export const utf8Encoder = new TextEncoder();

/** Throws a `TypeError` on bytes that are not UTF-8, rather than writing U+FFFD for them. */
export const strictUtf8Decoder = new TextDecoder('utf-8', { fatal: true });
