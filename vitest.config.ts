import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Two projects, one run (`vitest run`; scripts/test-all.ts reads its one JSON report):
// - node: unit and integration tests in Node 24 (node:sqlite, onnxruntime-node) against real files;
// - renderer: the renderer's DOM-free logic modules (src-renderer/src/lib/*.ts), no DOM emulation;
//   the Svelte plugin compiles the rune modules (*.svelte.ts) so their logic runs here too.
const shared = { testTimeout: 60_000, hookTimeout: 60_000, pool: 'forks' as const };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/unit/**/*.test.ts'],
          exclude: ['test/unit/renderer/**'],
          environment: 'node',
          ...shared,
        },
      },
      {
        plugins: [svelte()],
        test: { name: 'renderer', include: ['test/unit/renderer/**/*.test.ts'], environment: 'node', ...shared },
      },
    ],
  },
});
