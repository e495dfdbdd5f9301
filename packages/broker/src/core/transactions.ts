/**
 * A session's open transactions (STOMP 1.2, "BEGIN", "COMMIT", "ABORT"): SEND, ACK and NACK frames
 * naming a transaction are held here and take effect only at COMMIT, all together; ABORT, or the
 * session ending, discards them. Counts and bytes are bounded.
 */
import type { Headers } from '@stomping-ground/protocol';
import type { Destination } from './destinations';
import { BrokerError, BrokerErrorCode } from './errors';
import type { Subscription } from './subscription';

export type TransactionAction =
  | {
      readonly kind: 'send';
      readonly destination: Destination;
      /** Already stripped of the headers a MESSAGE does not carry. */
      readonly headers: Headers;
      /** A copy: it outlives the chunk the frame came in. */
      readonly body: Uint8Array;
    }
  | {
      readonly kind: 'ack' | 'nack';
      readonly subscription: Subscription;
      readonly key: string;
    };

export interface TransactionLimits {
  readonly maxTransactionsPerSession: number;
  readonly maxActionsPerTransaction: number;
  readonly maxBytesPerTransaction: number;
}

interface Transaction {
  readonly actions: TransactionAction[];
  bytes: number;
}

export class Transactions {
  private readonly limits: TransactionLimits;
  private readonly open = new Map<string, Transaction>();

  constructor(limits: TransactionLimits) {
    this.limits = limits;
  }

  get size(): number {
    return this.open.size;
  }

  begin(id: string): void {
    // STOMP 1.2, "BEGIN": the identifier is unique among the session's transactions.
    if (this.open.has(id)) {
      throw new BrokerError(BrokerErrorCode.DUPLICATE_TRANSACTION, `transaction ${id} is already open`);
    }
    if (this.open.size >= this.limits.maxTransactionsPerSession) {
      throw new BrokerError(
        BrokerErrorCode.LIMIT,
        `at most ${this.limits.maxTransactionsPerSession} transactions may be open at once`,
      );
    }
    this.open.set(id, { actions: [], bytes: 0 });
  }

  add(id: string, action: TransactionAction): void {
    const transaction = this.get(id);
    const bytes = action.kind === 'send' ? action.body.length : 0;
    if (transaction.actions.length >= this.limits.maxActionsPerTransaction) {
      throw new BrokerError(
        BrokerErrorCode.LIMIT,
        `a transaction may hold at most ${this.limits.maxActionsPerTransaction} frames`,
      );
    }
    if (transaction.bytes + bytes > this.limits.maxBytesPerTransaction) {
      throw new BrokerError(
        BrokerErrorCode.LIMIT,
        `a transaction may hold at most ${this.limits.maxBytesPerTransaction} body bytes`,
      );
    }
    transaction.actions.push(action);
    transaction.bytes += bytes;
  }

  /** Ends the transaction and returns its actions in the order they came (COMMIT). */
  commit(id: string): readonly TransactionAction[] {
    const transaction = this.get(id);
    this.open.delete(id);
    return transaction.actions;
  }

  /** Ends the transaction and forgets its actions (ABORT). */
  abort(id: string): void {
    this.get(id);
    this.open.delete(id);
  }

  /** Forgets every open transaction (the session ended: STOMP 1.2, "ABORT" applies implicitly). */
  clear(): void {
    this.open.clear();
  }

  private get(id: string): Transaction {
    const transaction = this.open.get(id);
    if (transaction === undefined) {
      throw new BrokerError(BrokerErrorCode.UNKNOWN_TRANSACTION, `no open transaction ${id}`);
    }
    return transaction;
  }
}
