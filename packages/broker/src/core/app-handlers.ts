/**
 * Server-side handlers for `/app/…` destinations, like Spring's `@MessageMapping`: a client SENDs to
 * `/app/orders`, and the market service's handler receives the message instead of any subscriber.
 *
 * A handler is registered for an exact destination (`/app/orders`) or for a prefix ending in `/`
 * (`/app/game/`); an exact match wins, then the longest prefix.
 */
import type { Headers } from '@stomping-ground/protocol';
import { APP_PREFIX, hasControlCharacter } from './destinations';

export interface AppMessage {
  readonly destination: string;
  /** The SEND frame's headers, without those that describe the frame rather than the message (`receipt`, `transaction`, `content-length`, …). */
  readonly headers: Headers;
  /** A copy the handler may keep. */
  readonly body: Uint8Array;
  /** Who sent it, as the authenticator named them. */
  readonly login: string;
  /** The sending session (the CONNECTED frame's `session`). */
  readonly sessionId: string;
}

/**
 * Who sent a message, for handlers that track senders (a game seats one player per session). To
 * answer, a service calls its broker: `sendToUser(message.login, …)`, `publish(…)`.
 */
export interface AppContext {
  readonly login: string;
  readonly sessionId: string;
}

/**
 * Handles one message. The SEND's RECEIPT goes out once the returned promise settles. Throwing a
 * `StompError` or `BrokerError` sends the client an ERROR with its code; throwing anything else
 * sends `STOMP_ERR_INTERNAL` ("internal error handling /app/…") and logs the error. Either way the
 * session is closed, as every ERROR does.
 *
 * `commit`, when present, receives every SEND a transaction made to destinations this handler
 * serves, together, at COMMIT (so a basket order can execute all or nothing). Without it the
 * handler is called once per message, in order.
 */
export interface AppHandler {
  (message: AppMessage, context: AppContext): void | Promise<void>;
  commit?: ((messages: readonly AppMessage[], context: AppContext) => void | Promise<void>) | undefined;
}

export class AppRoutes {
  private readonly exact = new Map<string, AppHandler>();
  /** Longest prefix first. */
  private prefixes: Array<readonly [string, AppHandler]> = [];

  get size(): number {
    return this.exact.size + this.prefixes.length;
  }

  /** Registers `handler`; returns the function that unregisters it. */
  register(destination: string, handler: AppHandler): () => void {
    if (!destination.startsWith(APP_PREFIX) || hasControlCharacter(destination)) {
      throw new RangeError(
        `an app handler's destination must start with ${APP_PREFIX}, got "${destination}"`,
      );
    }
    if (typeof handler !== 'function') throw new TypeError('an app handler must be a function');
    const isPrefix = destination.endsWith('/');
    const taken = isPrefix
      ? this.prefixes.some(([prefix]) => prefix === destination)
      : this.exact.has(destination);
    if (taken) throw new RangeError(`an app handler is already registered for ${destination}`);

    if (isPrefix) {
      this.prefixes = [...this.prefixes, [destination, handler] as const].sort(
        (a, b) => b[0].length - a[0].length,
      );
    } else {
      this.exact.set(destination, handler);
    }
    let registered = true;
    return () => {
      if (!registered) return;
      registered = false;
      if (isPrefix) this.prefixes = this.prefixes.filter(([prefix]) => prefix !== destination);
      else this.exact.delete(destination);
    };
  }

  resolve(destination: string): AppHandler | undefined {
    const exact = this.exact.get(destination);
    if (exact !== undefined) return exact;
    for (const [prefix, handler] of this.prefixes) {
      if (destination.startsWith(prefix) && destination.length > prefix.length) return handler;
    }
    return undefined;
  }
}
