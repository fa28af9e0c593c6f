// `npm test`: every suite, in order, on Node 24. Prints one closing line `N passed, N failed` summed
// over all suites. A missing prerequisite is a failure that says what to install — never a skip.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'test-results');
mkdirSync(RESULTS, { recursive: true });
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
const PY = '/usr/bin/python3';

interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
  note: string;
  /** A suite that could not run here (no Electron binary): neither passed nor failed. */
  notRun?: boolean;
}
const results: SuiteResult[] = [];

function run(cmd: string, args: string[], env: Record<string, string> = {}): number {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.error) console.error(`cannot run ${cmd}: ${r.error.message}`);
  return r.status ?? 1;
}

function banner(title: string): void {
  console.log(`\n━━━ ${title} ${'━'.repeat(Math.max(0, 70 - title.length))}`);
}

/** A check that is one test: passes when the command exits 0. */
function check(name: string, cmd: string, args: string[]): void {
  banner(name);
  const code = run(cmd, args);
  results.push({
    name,
    passed: code === 0 ? 1 : 0,
    failed: code === 0 ? 0 : 1,
    note: code === 0 ? '' : `exit ${code}`,
  });
}

function missing(name: string, message: string): void {
  banner(name);
  console.error(`✗ ${message}`);
  results.push({ name, passed: 0, failed: 1, note: message });
}

const only = process.argv.slice(2);
const LAYERED_FOLDERS = ['src-common', 'src-backend', 'src-main', 'src-renderer/src'];
const want = (s: string) => only.length === 0 || only.includes(s);

if (want('typecheck')) {
  // One tsc per environment: each config exposes only the globals its code may use (docs/architecture.md).
  for (const env of ['common', 'backend', 'renderer', 'main'])
    check(`typecheck: tsc (${env})`, bin('tsc'), ['-p', `tsconfig.${env}.json`]);
  check('typecheck: tsc (tests, bench, scripts)', bin('tsc'), ['-p', 'tsconfig.json']);
  check('typecheck: svelte-check (renderer)', bin('svelte-check'), [
    '--tsconfig',
    './tsconfig.renderer.json',
    '--threshold',
    'error',
    '--output',
    'human',
  ]);
}

if (want('lint')) {
  check('layering: dependency-cruiser (docs/architecture.md table)', bin('depcruise'), [
    ...LAYERED_FOLDERS,
    '--config',
    '.dependency-cruiser.cjs',
  ]);
  check('format: prettier --check', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
  check('security: electronegativity (main, preload, renderer page)', process.execPath, [
    join(ROOT, 'scripts/electronegativity.ts'),
  ]);
}

if (want('build'))
  check('build: electron-vite (main, utility backend, preload, renderer)', bin('electron-vite'), ['build']);

if (want('unit')) {
  banner('unit + integration (vitest)');
  const out = join(RESULTS, 'vitest.json');
  rmSync(out, { force: true });
  const code = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  if (existsSync(out)) {
    const j = JSON.parse(readFileSync(out, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
      testResults: { status: string; message: string; name: string }[];
    };
    const brokenFiles = j.testResults.filter((t) => t.status === 'failed' && t.message).length;
    const skipped = j.numPendingTests + j.numTodoTests;
    results.push({
      name: 'unit + integration (vitest)',
      passed: j.numPassedTests,
      failed: j.numFailedTests + skipped + (j.numFailedTests === 0 ? brokenFiles : 0),
      note: [
        skipped ? `${skipped} skipped (counted as failed)` : '',
        brokenFiles ? `${brokenFiles} file(s) failed to load` : '',
      ]
        .filter(Boolean)
        .join('; '),
    });
  } else {
    results.push({
      name: 'unit + integration (vitest)',
      passed: 0,
      failed: 1,
      note: `vitest exited ${code} without a report`,
    });
  }
}

if (want('python')) {
  const probe = spawnSync(PY, ['-c', 'import torch, onnx, pytest, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    missing(
      'trainer (pytest)',
      `${PY} lacks torch/onnx/pytest/numpy: run \`bash scripts/system-deps.sh\` (apt-get install python3-torch python3-onnx python3-pytest python3-numpy libopenblas0-pthread)`,
    );
  } else {
    banner('trainer (pytest)');
    const xml = join(RESULTS, 'pytest.xml');
    rmSync(xml, { force: true });
    const code = run(PY, ['-m', 'pytest', 'trainer/tests', '-q', '-p', 'no:cacheprovider', `--junitxml=${xml}`]);
    if (existsSync(xml)) {
      const head = readFileSync(xml, 'utf8').match(/<testsuite [^>]*>/)?.[0] ?? '';
      const attr = (k: string) => Number(head.match(new RegExp(`${k}="(\\d+)"`))?.[1] ?? 0);
      const total = attr('tests');
      const failed = attr('failures') + attr('errors');
      const skipped = attr('skipped');
      results.push({
        name: 'trainer (pytest)',
        passed: total - failed - skipped,
        failed: failed + skipped,
        note: skipped ? `${skipped} skipped (counted as failed)` : '',
      });
    } else {
      results.push({ name: 'trainer (pytest)', passed: 0, failed: 1, note: `pytest exited ${code} without a report` });
    }
  }
}

if (want('e2e')) {
  if (!existsSync('/usr/bin/chromium')) {
    missing(
      'e2e (Playwright + Chromium, browser mode)',
      '/usr/bin/chromium is missing: run `bash scripts/system-deps.sh` (apt-get install chromium)',
    );
  } else {
    banner('e2e (Playwright + Chromium, browser mode)');
    const r = spawnSync(process.execPath, [join(ROOT, 'test/e2e/run.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    process.stdout.write(r.stdout ?? '');
    const m = [...(r.stdout ?? '').matchAll(/^(\d+) passed, (\d+) failed/gm)].pop();
    if (m)
      results.push({
        name: 'e2e (Playwright + Chromium, browser mode)',
        passed: Number(m[1]),
        failed: Number(m[2]) + (r.status !== 0 && m[2] === '0' ? 1 : 0),
        note: '',
      });
    else
      results.push({
        name: 'e2e (Playwright + Chromium, browser mode)',
        passed: 0,
        failed: 1,
        note: `runner exited ${r.status} without a summary`,
      });
  }
}

if (want('electron')) {
  // Runs only where an Electron binary is installed; otherwise says so and counts as nothing.
  const name = 'e2e (Playwright _electron, desktop app)';
  banner(name);
  const r = spawnSync(process.execPath, [join(ROOT, 'test/electron/run.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(r.stdout ?? '');
  const m = [...(r.stdout ?? '').matchAll(/^(\d+) passed, (\d+) failed/gm)].pop();
  if ((r.stdout ?? '').includes('electron e2e: NOT RUN'))
    results.push({ name, passed: 0, failed: 0, note: 'NOT RUN: no Electron binary on this machine', notRun: true });
  else if (m)
    results.push({
      name,
      passed: Number(m[1]),
      failed: Number(m[2]) + (r.status !== 0 && m[2] === '0' ? 1 : 0),
      note: '',
    });
  else results.push({ name, passed: 0, failed: 1, note: `runner exited ${r.status} without a summary` });
}

banner('summary');
for (const r of results) {
  console.log(
    `${r.notRun ? '–' : r.failed ? '✗' : '✓'} ${r.name.padEnd(64)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed${r.note ? `  (${r.note})` : ''}`,
  );
}
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
const notRun = results.filter((r) => r.notRun);
if (notRun.length)
  console.log(`not run (neither passed nor failed): ${notRun.map((r) => `${r.name} — ${r.note}`).join('; ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || results.length === 0 ? 1 : 0);
