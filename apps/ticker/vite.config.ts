import { defineConfig } from 'vite';

export default defineConfig({
  // In production the broker serves this page under /ticker/.
  base: '/ticker/',
  server: {
    port: 5174,
    strictPort: true,
    // The page opens its WebSocket on its own origin (/ws); in development Vite passes it on to the broker.
    proxy: {
      '/ws': { target: 'ws://localhost:8080', ws: true },
    },
  },
  build: {
    target: 'es2022',
    sourcemap: true,
  },
});
