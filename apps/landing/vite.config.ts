import { defineConfig } from 'vite';
import { devPorts } from '../../dev-ports';
import { devBanner } from './dev-banner.ts';

/** Where `pnpm dev` runs each part: the broker, and the two demos' own Vite dev servers (`dev-ports.ts`). */
const ports = devPorts();
const BROKER = `http://localhost:${ports.broker}`;
const TICKER = `http://localhost:${ports.ticker}`;
const GAME = `http://localhost:${ports.game}`;
export const DEV_PORT = ports.landing;

/**
 * The landing page. In production the broker serves the build at `/`. In development this dev
 * server is the one URL: it serves the landing page and passes everything else on, WebSockets
 * included (`ws: true`): `/ws` and the HTTP routes to the broker, `/ticker/` and `/game/` (with
 * their hot-reload sockets) to the demos' dev servers.
 */
export default defineConfig({
  base: '/',
  plugins: [devBanner({ broker: BROKER })],
  server: {
    port: DEV_PORT,
    strictPort: true,
    proxy: {
      '/ws': { target: BROKER, ws: true },
      '/docs': { target: BROKER },
      '/healthz': { target: BROKER },
      '/metrics': { target: BROKER },
      '/ticker': { target: TICKER, ws: true },
      '/game': { target: GAME, ws: true },
    },
  },
  build: {
    target: 'es2022',
    sourcemap: true,
  },
});
