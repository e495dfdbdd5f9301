/**
 * Where `pnpm dev` runs each part. The defaults are the documented ones; each can be moved, so a
 * machine where another program holds one of them (or a test) can still run the whole thing:
 * `PORT` is the broker's own variable, the others are only read by the Vite dev servers.
 */
export interface DevPorts {
  /** The broker (`PORT`, as the server reads it). */
  readonly broker: number;
  readonly game: number;
  readonly ticker: number;
  /** The landing page's dev server: the one URL `pnpm dev` prints. */
  readonly landing: number;
  /** The lessons site's dev server (VitePress), which the landing page's passes `/docs/` to. */
  readonly lessons: number;
}

export const DEV_PORT_DEFAULTS: DevPorts = {
  broker: 8080,
  game: 5173,
  ticker: 5174,
  landing: 5175,
  lessons: 5176,
};

/** The variables that move them. */
export const DEV_PORT_VARIABLES = {
  broker: 'PORT',
  game: 'GAME_DEV_PORT',
  ticker: 'TICKER_DEV_PORT',
  landing: 'LANDING_DEV_PORT',
  lessons: 'LESSONS_DEV_PORT',
} as const satisfies Record<keyof DevPorts, string>;

export function devPorts(env: Record<string, string | undefined> = process.env): DevPorts {
  const read = (part: keyof DevPorts): number => {
    const name = DEV_PORT_VARIABLES[part];
    const value = env[name];
    if (value === undefined || value === '') return DEV_PORT_DEFAULTS[part];
    const port = Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`${name}=${value} is not a port (1-65535)`);
    }
    return port;
  };
  return {
    broker: read('broker'),
    game: read('game'),
    ticker: read('ticker'),
    landing: read('landing'),
    lessons: read('lessons'),
  };
}
