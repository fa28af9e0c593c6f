// Builds only the renderer bundle (out/renderer) with the renderer section of the one
// electron.vite.config.ts, so e2e runs do not depend on the Electron main/preload bundles building.
// Rebuilds when any renderer or shared source is newer than the last build.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { newestMtime } from '../../scripts/newest-mtime.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const RENDERER_OUT = join(REPO_ROOT, 'out', 'renderer');

export function rendererIsStale(): boolean {
  const index = join(RENDERER_OUT, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = Math.max(
    newestMtime(join(REPO_ROOT, 'src-renderer')),
    newestMtime(join(REPO_ROOT, 'src-common')),
    statSync(join(REPO_ROOT, 'electron.vite.config.ts')).mtimeMs,
  );
  return sources > built;
}

export async function buildRenderer(): Promise<void> {
  const mod = (await import(join(REPO_ROOT, 'electron.vite.config.ts'))) as { default: { renderer?: object } };
  const renderer = mod.default.renderer;
  if (!renderer) throw new Error('electron.vite.config.ts has no renderer section');
  // electron-vite's renderer defaults: relative asset URLs (file:// in Electron, / in serve).
  await build({
    ...renderer,
    base: './',
    configFile: false,
    logLevel: 'warn',
    build: { ...(renderer as { build?: object }).build, emptyOutDir: true },
  });
}

if (import.meta.main) {
  await buildRenderer();
  console.log(`renderer built into ${RENDERER_OUT}`);
}
