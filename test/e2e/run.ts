// Browser-mode e2e runner (`npm run test:e2e`): builds the renderer if stale, makes a temporary
// demo workspace with the real CLI, starts the real `serve` on a free port with a known token,
// drives Debian's Chromium through playwright-core, and runs every test/e2e/*.e2e.ts file.
// Prints a line per test and ends with exactly `N passed, N failed`; exits non-zero on failure.
//   node test/e2e/run.ts [substring-of-test-name]
//   QGS_E2E_WORKSPACE=big.db node test/e2e/run.ts     (use an existing workspace instead of the demo)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { ApiClient, httpTransport } from '../../src-common/api/client.ts';
import { buildRenderer, rendererIsStale, REPO_ROOT, RENDERER_OUT } from './build-renderer.ts';
import { registry, setCurrentFile, Skip, type Ctx } from './harness.ts';
import { writeLongSession } from './long-session.ts';
import { scoreShippedModels } from '../../scripts/score-shipped.ts';

const CHROMIUM = process.env.QGS_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];
const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'screenshots');
const TEST_TIMEOUT_MS = 90_000;
const CLI = join(REPO_ROOT, 'src-backend', 'hosts', 'cli.ts');
const BUNDLED_DEMO = join(REPO_ROOT, 'resources', 'demo', 'sessions.jsonl.gz');

function bail(message: string): never {
  console.error(`e2e: ${message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

function makeDemoWorkspace(dir: string): string {
  const db = join(dir, 'demo.db');
  // The bundled demo when it exists; otherwise generate a small one with the same generator.
  const args = [CLI, 'demo', '--workspace', db, ...(existsSync(BUNDLED_DEMO) ? [] : ['--sessions', '3000'])];
  const r = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) bail(`creating the demo workspace failed:\n${r.stdout}\n${r.stderr}`);
  // Scored with the shipped models as `npm start` does, so the dataset view opens with numbers.
  // The long session below is imported after, and stays unscored: the "Score missing turns" path
  // still has work to do in the dataset test.
  try {
    const t0 = performance.now();
    const scored = scoreShippedModels(db);
    console.log(
      `e2e: scored the demo with ${scored.map((m) => `${m.model} (${m.seconds.toFixed(1)} s)`).join(', ')} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  } catch (err) {
    bail(`scoring the demo with the shipped models failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Plus one 2,000-event session (appended last) for the timeline's long-session test.
  const long = join(dir, 'long-session.jsonl');
  writeLongSession(long);
  const l = spawnSync(process.execPath, [CLI, 'import', 'sessions', long, '--workspace', db], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (l.status !== 0) bail(`importing the long session failed:\n${l.stdout}\n${l.stderr}`);
  // The demo registers the shipped models (resources/models). QGS_E2E_MODELS=DIR adds every .onnx
  // in DIR as well (e.g. while the shipped models are being trained).
  const extra = process.env.QGS_E2E_MODELS;
  if (extra) {
    for (const f of readdirSync(extra)
      .filter((n) => n.endsWith('.onnx'))
      .sort()) {
      const m = spawnSync(process.execPath, [CLI, 'models', 'add', join(extra, f), '--workspace', db], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
      if (m.status !== 0) bail(`adding model ${f} failed:\n${m.stdout}\n${m.stderr}`);
    }
  }
  return db;
}

function startServe(db: string, token: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    // `--token=T`, one argument: a random base64url token may start with '-', which parseArgs would
    // otherwise refuse as an ambiguous option value.
    [CLI, 'serve', '--workspace', db, '--port', '0', `--token=${token}`, '--static', RENDERER_OUT],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /QGS Workbench serving at (http:\/\/\S+)/.exec(line);
      if (m?.[1]) resolve({ child, url: new URL(m[1]).origin });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with code ${code} before it was ready:\n${stderr}`)));
  });
}

/** SIGTERM, and SIGKILL if it has not exited after a while, so the temp workspace can be removed. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function main(): Promise<void> {
  const filter = process.argv[2] ?? '';
  if (!existsSync(CHROMIUM)) {
    bail(`no Chromium at ${CHROMIUM}. Install Debian's Chromium: sudo apt-get install chromium (or set QGS_CHROMIUM)`);
  }
  if (rendererIsStale()) {
    console.log('e2e: building the renderer (out/renderer is missing or older than its sources)…');
    await buildRenderer();
  }
  mkdirSync(SCREENSHOTS, { recursive: true });

  const dir = mkdtempSync(join(tmpdir(), 'qgs-e2e-'));
  let server: ChildProcess | null = null;
  let browser: Browser | null = null;
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    if (!process.env.QGS_E2E_WORKSPACE) console.log('e2e: creating a demo workspace…');
    // QGS_E2E_WORKSPACE runs the same tests against an existing workspace (e.g. a 100k-session one).
    const db = process.env.QGS_E2E_WORKSPACE ?? makeDemoWorkspace(dir);
    const token = randomBytes(24).toString('base64url');
    const started = await startServe(db, token);
    server = started.child;
    const baseUrl = started.url;
    console.log(`e2e: serve is up at ${baseUrl}`);
    const api = new ApiClient(httpTransport(baseUrl, token));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

    const files = readdirSync(import.meta.dirname)
      .filter((f) => f.endsWith('.e2e.ts'))
      .sort();
    for (const f of files) {
      setCurrentFile(f);
      await import(join(import.meta.dirname, f));
    }

    for (const t of registry) {
      const label = `${t.file} › ${t.name}`;
      if (filter && !label.includes(filter)) continue;
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      const b = browser;
      const ctx: Ctx = {
        browser: b,
        page,
        baseUrl,
        token,
        api,
        async openApp(hash = '') {
          await page.goto(`${baseUrl}/?token=${encodeURIComponent(token)}${hash}`);
          await page.getByTestId('stat-sessions').waitFor();
        },
        async screenshot(name) {
          const path = join(SCREENSHOTS, `${name}.png`);
          await page.screenshot({ path });
          return path;
        },
      };
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await Promise.race([
          t.fn(ctx),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`test did not finish within ${TEST_TIMEOUT_MS / 1000} s`)),
              TEST_TIMEOUT_MS,
            );
          }),
        ]);
        if (pageErrors.length) throw new Error(`uncaught error in the page: ${pageErrors.join('; ')}`);
        passed++;
        console.log(`  ✓ ${label}`);
      } catch (err) {
        if (err instanceof Skip) {
          skipped++;
          console.log(`  ○ ${label} — skipped: ${err.message}`);
          continue;
        }
        failed++;
        console.log(
          `  ✗ ${label}\n    ${String(err instanceof Error ? (err.stack ?? err.message) : err).replace(/\n/g, '\n    ')}`,
        );
        await page
          .screenshot({ path: join(SCREENSHOTS, `FAILED-${t.name.replace(/[^\w-]+/g, '_')}.png`) })
          .catch(() => {});
      } finally {
        clearTimeout(timer);
        await context.close();
      }
    }
  } catch (err) {
    console.error(`e2e: setup failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    failed++;
  } finally {
    await browser?.close();
    if (server) await stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
  // A missing precondition (e.g. no model) is a failure in CI, never a silent pass.
  if (skipped) console.log(`${skipped} could not run (see the reasons above); counted as failed`);
  console.log(`${passed} passed, ${failed + skipped} failed`);
  process.exit(failed + skipped > 0 ? 1 : 0);
}

await main();
