// Bench group `ui`: renderer timings measured IN THE BROWSER (performance marks set by the
// renderer, read back through Playwright) on the real stack — the production renderer build, the
// real `serve` over a temporary demo workspace plus a generated 2,000-event session, Debian's
// Chromium (1440×900), and the shipped models for the counterfactual.
//   - timeline draw of the 2,000-event session (open on turn 1000): script time of the full draw
//     (overview + zoom/brush wiring + focus window) and to the next frame;
//   - "Whole session" on it: every one of the 2,000 turns and ~860 clicks in the DOM;
//   - counterfactual round trip: an edit's request → the re-ranked view's next frame (the 120 ms
//     typing debounce excluded), through HTTP, the backend and onnxruntime-node.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { chromium, type Page } from 'playwright-core';
import type { BenchContext, Figure } from '../types.ts';
import { buildRenderer, rendererIsStale, REPO_ROOT, RENDERER_OUT } from '../../test/e2e/build-renderer.ts';
import { LONG_SESSION_ID, WIDE_SESSION_ID, writeLongSession, writeWideSession } from '../../test/e2e/long-session.ts';
import { ApiClient, httpTransport } from '../../src-common/api/client.ts';

const CLI = join(REPO_ROOT, 'src-backend', 'hosts', 'cli.ts');
const CHROMIUM = process.env.QGS_CHROMIUM ?? '/usr/bin/chromium';
const DRAW_RUNS = Number(process.env.QGS_BENCH_UI_RUNS ?? 9);
const CF_EDITS = Number(process.env.QGS_BENCH_UI_EDITS ?? 20);

const fig = (value: number, unit: string, target: string | null = null, reference: string | null = null): Figure => ({
  value,
  unit,
  target,
  reference,
});
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};

function cli(args: string[]): void {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cli ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
}

function serve(db: string, token: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--workspace', db, '--port', '0', `--token=${token}`, '--static', RENDERER_OUT],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /QGS Workbench serving at (http:\/\/\S+)/.exec(line);
      if (m?.[1]) resolve({ child, url: new URL(m[1]).origin });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

async function measures(page: Page, name: string): Promise<number[]> {
  return page.evaluate((n) => performance.getEntriesByName(n, 'measure').map((e) => e.duration), name);
}

async function waitFor<T>(fn: () => Promise<T | undefined>, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`bench ui: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Edits the query CF_EDITS times on the turn at `hash`; returns the 'qgs-counterfactual' measures. */
async function counterfactuals(
  page: Page,
  open: (h: string) => Promise<unknown>,
  hash: string,
  maxHistory: number | null,
): Promise<number[]> {
  await open(hash);
  const input = page.getByLabel('Counterfactual query');
  await input.waitFor({ timeout: 60_000 });
  if (maxHistory !== null) {
    await page.getByLabel('History steps kept').selectOption(String(maxHistory));
    await page.locator('[data-testid=ranking]').waitFor({ timeout: 60_000 });
    await waitFor(
      async () =>
        (await page.getByTestId('model-a-label').textContent())?.includes(`${maxHistory} of `) ? true : undefined,
      'the re-scored history',
    );
  }
  const base = await input.inputValue();
  for (let i = 0; i < CF_EDITS; i++) {
    const before = (await measures(page, 'qgs-counterfactual')).length;
    await input.fill(`${base} ${['cheap', 'review', 'best', 'guide'][i % 4]} ${i}`);
    await waitFor(
      async () => ((await measures(page, 'qgs-counterfactual')).length > before ? true : undefined),
      'a counterfactual',
    );
  }
  return measures(page, 'qgs-counterfactual');
}

export default async function uiBench(ctx: BenchContext): Promise<Record<string, Figure>> {
  if (!existsSync(CHROMIUM)) throw new Error(`bench ui needs Chromium at ${CHROMIUM} (apt-get install chromium)`);
  if (rendererIsStale()) {
    ctx.log('building the renderer…');
    await buildRenderer();
  }
  const dir = mkdtempSync(join(tmpdir(), 'qgs-bench-ui-'));
  const db = join(dir, 'demo.db');
  let server: ChildProcess | null = null;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const figures: Record<string, Figure> = {};
  try {
    ctx.log('demo workspace + a 2,000-event session…');
    cli(['demo', '--workspace', db]);
    writeLongSession(join(dir, 'long.jsonl'));
    cli(['import', 'sessions', join(dir, 'long.jsonl'), '--workspace', db]);
    writeWideSession(join(dir, 'wide.jsonl'));
    cli(['import', 'sessions', join(dir, 'wide.jsonl'), '--workspace', db]);
    const token = randomBytes(24).toString('base64url');
    const s = await serve(db, token);
    server = s.child;
    const api = new ApiClient(httpTransport(s.url, token));
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    const open = (hash: string) => page.goto(`${s.url}/?token=${encodeURIComponent(token)}${hash}`);

    // 1. Timeline of the 2,000-event session, opened on turn 1000 (fresh page load each run).
    const draw: number[] = [];
    const frame: number[] = [];
    const fit: number[] = [];
    const fitFrame: number[] = [];
    for (let i = 0; i < DRAW_RUNS; i++) {
      await open(`#/session/${LONG_SESSION_ID}/turn/1000`);
      const d = await waitFor(async () => (await measures(page, 'qgs-timeline-draw-frame'))[0], 'the timeline draw');
      draw.push((await measures(page, 'qgs-timeline-draw'))[0]!);
      frame.push(d);
      await page.getByRole('button', { name: 'Whole session' }).click();
      fitFrame.push(
        await waitFor(async () => (await measures(page, 'qgs-timeline-fit-frame'))[0], 'the whole-session draw'),
      );
      fit.push((await measures(page, 'qgs-timeline-fit'))[0]!);
      const marks = await page.locator('[data-testid=timeline] circle.turn-mark').count();
      if (marks !== 2000) throw new Error(`whole session drew ${marks} turn marks, expected 2000`);
    }
    ctx.log(
      `timeline draw (open on #1000): ${draw.map((x) => x.toFixed(0)).join(' ')} ms; to frame ${frame.map((x) => x.toFixed(0)).join(' ')} ms`,
    );
    ctx.log(`whole session (2,000 turns in the DOM): ${fit.map((x) => x.toFixed(0)).join(' ')} ms`);
    figures['timeline_draw_2000_p50'] = fig(
      pct(draw, 0.5),
      'ms',
      '≤ 300 ms',
      `to next frame p50 ${pct(frame, 0.5).toFixed(0)} ms; max ${Math.max(...frame).toFixed(0)} ms over ${DRAW_RUNS} loads`,
    );
    figures['timeline_draw_2000_frame_p50'] = fig(
      pct(frame, 0.5),
      'ms',
      '≤ 300 ms',
      'draw start → next animation frame',
    );
    figures['timeline_whole_session_2000_p50'] = fig(
      pct(fit, 0.5),
      'ms',
      '≤ 300 ms',
      `all 2,000 turns drawn; to next frame p50 ${pct(fitFrame, 0.5).toFixed(0)} ms`,
    );

    // 2. Counterfactual round trip with the first QGS model, on a demo turn with history.
    const models = await api.call('models.list', {});
    const model = models.find((m) => m.encoder === 'linear') ?? models[0];
    if (!model) {
      ctx.log('no model registered (resources/models empty): counterfactual figure skipped');
    } else {
      const list = await api.call('sessions.list', { hasSwitch: true, offset: 0, limit: 50 });
      const row = list.rows.find((r) => r.turns >= 5)!;
      const small = await counterfactuals(
        page,
        open,
        `#/session/${encodeURIComponent(row.sessionId)}/turn/${row.turns - 1}?m=${model.sha256.slice(0, 12)}`,
        null,
      );
      ctx.log(
        `counterfactual (${model.name}, demo turn ${row.sessionId}#${row.turns - 1}): ${small.map((x) => x.toFixed(0)).join(' ')} ms`,
      );
      figures['counterfactual_roundtrip_p50'] = fig(
        pct(small, 0.5),
        'ms',
        '≤ 100 ms',
        `p95 ${pct(small, 0.95).toFixed(0)} ms; ${model.name}, demo turn, edit request → re-ranked frame (debounce excluded)`,
      );
      const big = await counterfactuals(
        page,
        open,
        `#/session/${WIDE_SESSION_ID}/turn/599?m=${model.sha256.slice(0, 12)}`,
        512,
      );
      ctx.log(`counterfactual (${model.name}, L=512, C=100): ${big.map((x) => x.toFixed(0)).join(' ')} ms`);
      figures['counterfactual_roundtrip_L512_C100_p50'] = fig(
        pct(big, 0.5),
        'ms',
        '≤ 100 ms',
        `p95 ${pct(big, 0.95).toFixed(0)} ms; ${model.name}, 512 history steps, 100 candidates`,
      );
    }
  } finally {
    await browser.close();
    if (server) server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
