import { defineConfig } from 'vite';
import { devPorts } from '../../dev-ports';

const ports = devPorts();

export default defineConfig({
  // In production the broker serves this page under /ticker/.
  base: '/ticker/',
  server: {
    port: ports.ticker,
    strictPort: true,
    // The page opens its WebSocket on its own origin (/ws); in development Vite passes it on to the broker.
    proxy: {
      '/ws': { target: `ws://localhost:${ports.broker}`, ws: true },
    },
  },
  build: {
    target: 'es2022',
    sourcemap: true,
  },
});
