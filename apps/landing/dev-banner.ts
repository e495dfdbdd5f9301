import type { Plugin } from 'vite';

/** A message in a box: Turborepo interleaves every package's output, so it must stand out. */
export function boxLines(text: string): string[] {
  const rule = '═'.repeat(text.length + 4);
  return [`╔${rule}╗`, `║  ${text}  ║`, `╚${rule}╝`];
}

/** The box `pnpm dev` prints once the broker answers through this dev server: the one URL to open. */
export function bannerLines(url: string): string[] {
  return boxLines(`Stomping Ground is running: open ${url}`);
}

/** The box printed instead when the broker does not answer: nothing would work at that URL. */
export function brokerDownLines(url: string, broker: string, waitedMs: number): string[] {
  return boxLines(
    `The broker is not answering: ${url}healthz gave no 200 in ${Math.round(waitedMs / 1000)} s ` +
      `(broker at ${broker}). Its own output above says why; the URL is printed once it answers.`,
  );
}

export interface DevBannerOptions {
  /** Where the broker runs, for the message when it does not answer. */
  readonly broker: string;
  /** How long to wait for the broker before saying it is not answering. Default `DEV_BROKER_TIMEOUT_MS` or 30 s. */
  readonly timeoutMs?: number;
  /** Between two `/healthz` requests. Default 250 ms. */
  readonly intervalMs?: number;
  /** Where the lines go. Default `console.log`. */
  readonly print?: (text: string) => void;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Prints the banner once the broker answers `/healthz`, directly and then through this dev
 * server's proxy (so the URL printed is one that works), and a box saying the broker is not answering if it has not
 * within the timeout; then keeps asking, and prints the banner when it does (the server runs in
 * watch mode: fixing the cause brings it up).
 */
export function devBanner(options: DevBannerOptions): Plugin {
  const print = options.print ?? ((text: string) => console.log(text));
  const timeoutMs = options.timeoutMs ?? timeoutFromEnv() ?? DEFAULT_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? 250;
  return {
    name: 'stomping-ground-dev-banner',
    apply: 'serve',
    configureServer(server) {
      let stopped = false;
      server.httpServer?.once('close', () => {
        stopped = true;
      });
      server.httpServer?.once('listening', () => {
        const address = server.httpServer?.address();
        const port =
          typeof address === 'object' && address !== null ? address.port : server.config.server.port;
        const url = `http://localhost:${port}/`;
        // Bold, green or red, where the terminal shows colour; turbo passes it through.
        const paint = (colour: number) =>
          process.stdout.isTTY
            ? (line: string) => `\u001b[1;${colour}m${line}\u001b[0m`
            : (line: string) => line;
        const show = (lines: string[], colour: number) =>
          print(['', ...lines.map(paint(colour)), ''].join('\n'));

        const started = Date.now();
        let toldDown = false;
        const poll = async (): Promise<void> => {
          while (!stopped) {
            // The broker first, directly, so that a broker still starting does not fill the output
            // with the proxy's connection errors; then through the proxy, the way the pages reach it.
            if ((await answers(`${options.broker}/healthz`)) && (await answers(`${url}healthz`))) {
              show(bannerLines(url), 32);
              return;
            }
            if (!toldDown && Date.now() - started >= timeoutMs) {
              toldDown = true;
              show(brokerDownLines(url, options.broker, Date.now() - started), 31);
            }
            await new Promise((resolve) => setTimeout(resolve, intervalMs));
          }
        };
        void poll();
      });
    },
  };
}

/** Whether `url` answers 200 (through the proxy: the broker is up and reachable). */
async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

function timeoutFromEnv(): number | undefined {
  const value = process.env.DEV_BROKER_TIMEOUT_MS;
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}
