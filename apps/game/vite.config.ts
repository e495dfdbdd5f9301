import { defineConfig } from 'vite';
import { devPorts } from '../../dev-ports';

const ports = devPorts();

/**
 * The game page. In production the server serves the build under `/game/`; in development Vite
 * serves it on 5173 and forwards the STOMP WebSocket (`/ws`) to the server on 8080, so the page
 * always connects to its own origin.
 */
export default defineConfig({
  base: '/game/',
  server: {
    port: ports.game,
    strictPort: true,
    proxy: {
      '/ws': { target: `ws://localhost:${ports.broker}`, ws: true },
    },
  },
  build: {
    target: 'es2022',
    sourcemap: true,
    // Phaser alone is over a megabyte; that is expected, not a warning worth reading every build.
    chunkSizeWarningLimit: 2048,
  },
});
