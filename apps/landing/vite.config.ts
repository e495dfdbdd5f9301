import { defineConfig } from 'vite';
import { devBanner } from './dev-banner.ts';

/** Where `pnpm dev` runs each part: the broker, and the two demos' own Vite dev servers. */
const BROKER = 'http://localhost:8080';
const TICKER = 'http://localhost:5174';
const GAME = 'http://localhost:5173';
const LESSONS = 'http://localhost:5176';
export const DEV_PORT = 5175;

/**
 * The landing page. In production the broker serves the build at `/`. In development this dev
 * server is the one URL: it serves the landing page and passes everything else on, WebSockets
 * included (`ws: true`): `/ws` and the HTTP routes to the broker, `/ticker/`, `/game/` and the lessons
 * site `/docs/` (with their hot-reload sockets) to their own dev servers.
 */
export default defineConfig({
  base: '/',
  plugins: [devBanner()],
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
