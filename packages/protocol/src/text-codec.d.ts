/**
 * The two WHATWG encoding classes the codec uses. Browsers and Node both have them, but this
 * package compiles without DOM and Node types (so nothing else from either can creep in), so
 * their shape is declared here. `tsconfig.test.json` uses the real declarations instead.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
