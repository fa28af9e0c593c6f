import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';
import { cspForMeta } from './src-common/csp.ts';

/** Puts the app's one CSP (src-common/csp.ts) into index.html's <meta>, so it is defined once. */
function cspMeta(): Plugin {
  const placeholder = '%QGS_CSP%';
  return {
    name: 'qgs-csp-meta',
    transformIndexHtml(html) {
      if (!html.includes(placeholder))
        throw new Error(`src-renderer/index.html lacks the ${placeholder} CSP placeholder`);
      return html.replace(placeholder, cspForMeta());
    },
  };
}

// Three bundles: Electron main (+ the backend utility process, plain Node), the preload, and the
// Svelte renderer. `serve` and the CLI run the backend's TypeScript directly on Node 24 instead.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          main: resolve(import.meta.dirname, 'src-main/main.ts'),
          backend: resolve(import.meta.dirname, 'src-backend/hosts/utility.ts'),
          'inference-worker': resolve(import.meta.dirname, 'src-backend/inference/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { preload: resolve(import.meta.dirname, 'src-main/preload.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src-renderer'),
    plugins: [svelte(), cspMeta()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rolldownOptions: { input: resolve(import.meta.dirname, 'src-renderer/index.html') },
    },
  },
});
