import { defineConfig } from 'vite';
import { devPorts } from '../../dev-ports';
import { devBanner } from './dev-banner.ts';

/**
 * Where `pnpm dev` runs each part: the broker, the two demos' own Vite dev servers and the lessons
 * site's (`dev-ports.ts`).
 */
const ports = devPorts();
const BROKER = `http://localhost:${ports.broker}`;
const TICKER = `http://localhost:${ports.ticker}`;
const GAME = `http://localhost:${ports.game}`;
const LESSONS = `http://localhost:${ports.lessons}`;
export const DEV_PORT = ports.landing;

/**
 * The landing page. In production the broker serves the build at `/`. In development this dev
 * server is the one URL: it serves the landing page and passes everything else on, WebSockets
 * included (`ws: true`): `/ws` and the HTTP routes to the broker, `/ticker/`, `/game/` and the lessons
 * site `/docs/` (with their hot-reload sockets) to their own dev servers.
 */
export default defineConfig({
  base: '/',
  plugins: [devBanner({ broker: BROKER })],
  server: {
    port: DEV_PORT,
    strictPort: true,
    proxy: {
      '/ws': { target: BROKER, ws: true },
      '/docs': { target: LESSONS, ws: true },
      '/lab': { target: BROKER, ws: true },
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
