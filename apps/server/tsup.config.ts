import { defineConfig } from 'tsup';

// One file for production: the workspace's own packages are bundled in (they ship as TypeScript
// source), everything from npm stays an external import resolved from node_modules.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  noExternal: [/^@stomping-ground\//],
});
