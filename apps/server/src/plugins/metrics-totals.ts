/** Prometheus metrics whose values are read from a service's running figures when Prometheus scrapes. */
import { Counter, Gauge, type Registry } from 'prom-client';

/** A counter whose value is read at scrape time from running totals, one series per key. */
export function totalsCounter(
  registry: Registry,
  name: string,
  help: string,
  label: string,
  read: () => Readonly<Record<string, number>> | undefined,
): Counter<string> {
  return new Counter({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      this.reset();
      for (const [key, value] of Object.entries(read() ?? {})) this.inc({ [label]: key }, value);
    },
  });
}

/** A gauge read at scrape time, one series per key (no series when `read` gives nothing). */
export function readGauge(
  registry: Registry,
  name: string,
  help: string,
  label: string,
  read: () => Readonly<Record<string, number>> | undefined,
): Gauge<string> {
  return new Gauge({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      this.reset();
      for (const [key, value] of Object.entries(read() ?? {})) this.set({ [label]: key }, value);
    },
  });
}

/** A counter with one series, read at scrape time from a running total. */
export function totalCounter(registry: Registry, name: string, help: string, read: () => number): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}
