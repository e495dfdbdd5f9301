/**
 * Connections that have not logged in yet, in all and per remote address. Before login a client
 * is anonymous and costs memory (its socket, its decoder's buffer up to the pre-login frame
 * limit), so the broker bounds how many may wait at once, as NATS and RabbitMQ bound connections.
 */
export class PreLoginCount {
  private readonly counted = new Set<object>();
  private readonly byAddress = new Map<string, number>();

  get total(): number {
    return this.counted.size;
  }

  from(address: string): number {
    return this.byAddress.get(address) ?? 0;
  }

  add(connection: object, address: string): void {
    if (this.counted.has(connection)) return;
    this.counted.add(connection);
    this.byAddress.set(address, this.from(address) + 1);
  }

  /** The connection logged in or is gone. Idempotent. */
  remove(connection: object, address: string): void {
    if (!this.counted.delete(connection)) return;
    const left = this.from(address) - 1;
    if (left > 0) this.byAddress.set(address, left);
    else this.byAddress.delete(address);
  }
}
