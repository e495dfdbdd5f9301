/**
 * Identifiers: a random tag per broker (so ids from two processes or two runs never collide)
 * followed by a counter (so making one costs an increment, not a random draw).
 */
import { randomBytes } from 'node:crypto';

export class IdSource {
  private readonly tag: string;
  private sessions = 0;
  private messages = 0;

  constructor(tag: string = randomBytes(4).toString('hex')) {
    this.tag = tag;
  }

  /** The CONNECTED frame's `session` header and `Connection.id`. */
  nextSessionId(): string {
    return `${this.tag}-s${++this.sessions}`;
  }

  /** A MESSAGE frame's `message-id`: unique across the broker, kept when the message is redelivered. */
  nextMessageId(): string {
    return `${this.tag}-m${++this.messages}`;
  }
}
