import type { Plugin } from 'vite';

/** The box `pnpm dev` prints once the landing page's dev server listens: the one URL to open. */
export function bannerLines(url: string): string[] {
  const text = `Stomping Ground is running: open ${url}`;
  const rule = '═'.repeat(text.length + 4);
  return [`╔${rule}╗`, `║  ${text}  ║`, `╚${rule}╝`];
}

/**
 * Prints the banner when the dev server is up. Turborepo interleaves every package's output, so
 * the URL sits in a box of its own rather than among Vite's lines.
 */
export function devBanner(): Plugin {
  return {
    name: 'stomping-ground-dev-banner',
    apply: 'serve',
    configureServer(server) {
      server.httpServer?.once('listening', () => {
        const address = server.httpServer?.address();
        const port =
          typeof address === 'object' && address !== null ? address.port : server.config.server.port;
        const url = `http://localhost:${port}/`;
        // Bold and green where the terminal shows colour; turbo passes it through.
        const paint = process.stdout.isTTY
          ? (line: string) => `\u001b[1;32m${line}\u001b[0m`
          : (line: string) => line;
        console.log(['', ...bannerLines(url).map(paint), ''].join('\n'));
      });
    },
  };
}
