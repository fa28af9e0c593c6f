// Bench group `label` (issue 9): judge mode in Chromium through the real HTTP transport and the real
// `serve`, timed in the browser with performance measures the renderer sets (JudgeView):
//   - keystroke → durable acknowledgement ('qgs-label-ack': from the digit key's event time to the
//     backend's answer, which comes after the labels database's fsync'd commit), idle and while a
//     large session import (default 1,000,000 result rows) runs in the same backend;
//   - judge mode's next-turn render ('qgs-judge-next': `n` → the next turn's first frame) in a task
//     holding 10,000 labels.
// Setup: the bundled demo workspace, a 10,000-label task written in-process before `serve` starts.
//   QGS_BENCH_LABEL_ROWS=N   rows of the concurrent import (default 1,000,000)
//   QGS_BENCH_LABEL_KEYS=N   keystrokes per scenario (default 60)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes, randomUUID } from 'node:crypto';
import { chromium, type Page } from 'playwright-core';
import type { BenchContext, Figure } from '../types.ts';
import { buildRenderer, rendererIsStale, REPO_ROOT, RENDERER_OUT } from '../../test/e2e/build-renderer.ts';
import { writeSynthLog } from '../../test/unit/import/synth.ts';
import { ApiClient, httpTransport } from '../../src-common/api/client.ts';
import { openBackend } from '../../src-backend/backend.ts';

const CLI = join(REPO_ROOT, 'src-backend', 'hosts', 'cli.ts');
const CHROMIUM = process.env.QGS_CHROMIUM ?? '/usr/bin/chromium';
const ROWS = Number(process.env.QGS_BENCH_LABEL_ROWS ?? 1_000_000);
const KEYS = Number(process.env.QGS_BENCH_LABEL_KEYS ?? 60);
const LABELS = 10_000;

const fig = (value: number, unit: string, target: string | null = null, reference: string | null = null): Figure => ({
  value,
  unit,
  target,
  reference,
});
const pct = (xs: number[], p: number) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};

function serve(db: string, token: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--workspace', db, '--port', '0', `--token=${token}`, '--static', RENDERER_OUT],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /QGS Workbench serving at (http:\/\/\S+)/.exec(line);
      if (m?.[1]) resolve({ child, url: new URL(m[1]).origin });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

const measures = (page: Page, name: string) =>
  page.evaluate((n) => performance.getEntriesByName(n, 'measure').map((e) => e.duration), name);

async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`bench label: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Presses a grade key and waits for its acknowledgement measure; returns its duration. */
async function keystroke(page: Page, key: string): Promise<number> {
  const before = (await measures(page, 'qgs-label-ack')).length;
  await page.keyboard.press(key);
  let got: number[] = [];
  await until(async () => (got = await measures(page, 'qgs-label-ack')).length > before, 'a label acknowledgement');
  return got[got.length - 1]!;
}

export default async function label({ log }: BenchContext): Promise<Record<string, Figure>> {
  if (rendererIsStale()) {
    log('building the renderer…');
    await buildRenderer();
  }
  const dir = mkdtempSync(join(tmpdir(), 'qgs-bench-label-'));
  let server: ChildProcess | null = null;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const db = join(dir, 'bench.db');
    const r = spawnSync(process.execPath, [CLI, 'demo', '--workspace', db], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`demo workspace: ${r.stderr}`);

    // 10,000 labels in one task, written in-process before serve starts (setup only: synchronous
    // off for speed; the measured writes below go through serve with synchronous = FULL).
    const b = openBackend({ workspacePath: db, host: 'cli', pathRoots: null });
    const big = await b.labeling.tasksCreate({
      name: 'bench 10k',
      scale: 'graded-0-3',
      from: { kind: 'sessions', maxTurns: 1200 },
      pool: { source: 'logged', k: 10 },
      order: 'logged',
      seed: 1,
      instructions: 'Grade every result.',
      hideScores: true,
      showLogged: false,
    });
    const keysTask = await b.labeling.tasksCreate({
      name: 'bench keys',
      scale: 'graded-0-3',
      from: { kind: 'sample', perKind: { start: 10, switch: 10, continuation: 10 }, seed: 2 },
      pool: { source: 'logged', k: 10 },
      order: 'logged',
      seed: 1,
      instructions: '',
      hideScores: true,
      showLogged: false,
    });
    b.labeling.labels.db.exec('PRAGMA synchronous = OFF');
    let written = 0;
    for (let o = 0; o < big.turns && written < LABELS; o++) {
      const t = b.labeling.tasksTurn({ taskId: big.taskId, ordinal: o });
      for (const c of t.candidates) {
        if (written >= LABELS) break;
        b.labeling.labelsRecord({
          eventId: randomUUID(),
          taskId: big.taskId,
          turnId: t.turnId,
          kind: 'grade',
          itemId: c.itemId,
          value: written % 4,
        });
        written++;
      }
    }
    await b.close();
    log(`task "bench 10k": ${big.turns} turns, ${big.candidates} candidates, ${written} labels`);

    const bigLog = join(dir, 'import.jsonl');
    await writeSynthLog(bigLog, { sessions: Math.ceil(ROWS / 50), turns: 5, results: 10, prefix: 'imp' });
    log(`import file: ${Math.ceil(ROWS / 50) * 50} result rows`);

    const token = randomBytes(24).toString('base64url');
    const s = await serve(db, token);
    server = s.child;
    const api = new ApiClient(httpTransport(s.url, token));
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    const open = async (hash: string) => {
      await page.goto(`${s.url}/?token=${encodeURIComponent(token)}${hash}`);
      await page.getByTestId('judge-query').waitFor({ timeout: 60_000 });
    };

    // Idle keystrokes.
    await open(`#/task/${keysTask.taskId}/judge/0`);
    const idle: number[] = [];
    for (let i = 0; i < KEYS; i++) idle.push(await keystroke(page, String(i % 4)));
    log(`idle: p50 ${pct(idle, 0.5).toFixed(1)} ms, p95 ${pct(idle, 0.95).toFixed(1)} ms (${idle.length} keystrokes)`);

    // Keystrokes while the import runs (only those acknowledged before it committed count).
    let importing = false;
    let finished = false;
    const imp = api
      .call('import.sessions', { path: bigLog }, { onProgress: (p) => (importing ||= p.phase === 'importing') })
      .then((rep) => {
        finished = true;
        return rep;
      });
    await until(async () => importing || finished, 'the import to start', 120_000);
    const during: number[] = [];
    for (let i = 0; i < KEYS && !finished; i++) {
      const d = await keystroke(page, String(i % 4));
      if (!finished) during.push(d);
      await new Promise((r) => setTimeout(r, 50)); // spread the keystrokes over the import
    }
    const report = await imp;
    log(
      `during a ${report.resultRows}-row import (${(report.durationMs / 1000).toFixed(1)} s): p50 ${pct(during, 0.5).toFixed(1)} ms, p95 ${pct(during, 0.95).toFixed(1)} ms (${during.length} keystrokes)`,
    );

    // Next-turn render in the 10,000-label task.
    await open(`#/task/${big.taskId}/judge/0`);
    const next: number[] = [];
    for (let i = 0; i < 40; i++) {
      const before = (await measures(page, 'qgs-judge-next')).length;
      await page.keyboard.press('n');
      let got: number[] = [];
      await until(async () => (got = await measures(page, 'qgs-judge-next')).length > before, 'the next turn');
      next.push(got[got.length - 1]!);
    }
    log(
      `next turn with ${written} labels in the task: p50 ${pct(next, 0.5).toFixed(1)} ms, p95 ${pct(next, 0.95).toFixed(1)} ms`,
    );

    return {
      ack_idle_p50_ms: fig(pct(idle, 0.5), 'ms', null, `${idle.length} keystrokes, Chromium → HTTP → fsync'd commit`),
      ack_idle_p95_ms: fig(pct(idle, 0.95), 'ms', '≤ 50 ms'),
      ack_during_import_p50_ms: fig(
        pct(during, 0.5),
        'ms',
        null,
        `${during.length} keystrokes during a ${report.resultRows}-row import`,
      ),
      ack_during_import_p95_ms: fig(pct(during, 0.95), 'ms', '≤ 50 ms'),
      import_rows: fig(report.resultRows, 'rows', null, `${(report.durationMs / 1000).toFixed(1)} s`),
      next_turn_p50_ms: fig(pct(next, 0.5), 'ms', null, `${written} labels in the task`),
      next_turn_p95_ms: fig(pct(next, 0.95), 'ms', '≤ 100 ms'),
    };
  } finally {
    await browser.close();
    if (server) {
      server.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
