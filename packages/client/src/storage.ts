/**
 * The page's localStorage, where the connection keeps the minted guest (`identityStorage`), or
 * `undefined` where storage is switched off (some privacy modes throw on the mere access): the
 * page still works, as a new guest on each visit.
 */
export function browserStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
