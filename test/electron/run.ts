// The desktop app end to end, through Playwright's Electron driver (`_electron`). It runs whenever
// an Electron binary is present (node_modules/electron/dist, or ELECTRON_OVERRIDE_DIST_PATH) and
// otherwise prints, clearly, that it was NOT run — neither a pass nor a failure (scripts/test-all.ts
// shows it in the summary). It never downloads Electron: `require('electron')` would, so the
// binary is located the way node_modules/electron/index.js does, without its download fallback.
// Usage: node test/electron/run.ts [name-filter]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';

const ROOT = join(import.meta.dirname, '../..');
export const NOT_RUN_LINE = 'electron e2e: NOT RUN';

/** The Electron executable, or null when it is not installed (no download is attempted). */
export function electronBinary(): string | null {
  const pkg = join(ROOT, 'node_modules/electron');
  const pathFile = join(pkg, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const full = override ? join(override, rel || 'electron') : rel ? join(pkg, 'dist', rel) : '';
  return full && existsSync(full) ? full : null;
}

export interface ECtx {
  app: ElectronApplication;
  page: Page;
  dir: string;
  workspace: string;
  fixture: string;
}
interface Case {
  name: string;
  fn: (ctx: ECtx) => Promise<void>;
}
export const cases: Case[] = [];
export function test(name: string, fn: (ctx: ECtx) => Promise<void>): void {
  cases.push({ name, fn });
}

async function main(): Promise<void> {
  const binary = electronBinary();
  if (!binary) {
    console.log(
      `${NOT_RUN_LINE}: no Electron binary (node_modules/electron/dist is missing; it is fetched from outside the npm registry). ` +
        'These tests were not run and count as neither passed nor failed. On a machine with the binary: `npx install-electron` (or `node node_modules/electron/install.js`), then `node test/electron/run.ts`.',
    );
    process.exit(0);
  }
  if (!existsSync(join(ROOT, 'out/main/main.js'))) {
    console.log('electron e2e: building (out/ is missing)…');
    const b = spawnSync(join(ROOT, 'node_modules/.bin/electron-vite'), ['build'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('electron-vite build failed');
  }
  for (const f of readdirSync(import.meta.dirname)
    .filter((f) => f.endsWith('.electron.ts'))
    .sort())
    await import(join(import.meta.dirname, f));
  const filter = process.argv[2] ?? '';
  let passed = 0;
  let failed = 0;
  for (const t of cases) {
    if (filter && !t.name.includes(filter)) continue;
    const dir = mkdtempSync(join(tmpdir(), 'qgs-electron-e2e-'));
    const workspace = join(dir, 'ws.db');
    let app: ElectronApplication | null = null;
    try {
      app = await _electron.launch({
        executablePath: binary,
        args: [ROOT, `--workspace=${workspace}`, `--user-data-dir=${join(dir, 'user-data')}`],
        env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
        timeout: 60_000,
      });
      const page = await app.firstWindow();
      await t.fn({ app, page, dir, workspace, fixture: join(ROOT, 'test/fixtures/tiny-sessions.jsonl') });
      console.log(`  ✓ ${t.name}`);
      passed++;
    } catch (err) {
      console.log(`  ✗ ${t.name}\n    ${(err as Error).stack?.split('\n').slice(0, 6).join('\n    ')}`);
      failed++;
    } finally {
      await app?.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

if (import.meta.main) await main();
