/**
 * The logging port: the subset of pino's API the core uses, so the Fastify logger plugs straight in.
 * Every call takes a bindings object first, then a short message.
 */
export interface Logger {
  debug(bindings: object, message?: string): void;
  info(bindings: object, message?: string): void;
  warn(bindings: object, message?: string): void;
  error(bindings: object, message?: string): void;
  child(bindings: object): Logger;
}

const noop = (): void => {};

/** The default: logs nothing. */
export const silentLogger: Logger = Object.freeze({
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
});
