// Bench group `export`: training-data export and evaluation speed (CPU).
// - training JSONL and Parquet: a generated ≈1M-result-row workspace (15,000 demo sessions) with its
//   ground-truth qrels as the grades source, through the API (export.training, export.parquet);
//   peak RSS sampled every 20 ms while each export runs.
// - evaluate: a 1M-line TREC run (10,000 topics × 100 documents) against a 100k-line qrels file, the
//   whole `evaluate.run` path (reading, checking, ordering, measuring) with the default measures.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext, Figure } from '../types.ts';
import { evaluateRunFile } from '../../src-backend/ranking/evaluate.ts';
import { Rng } from '../../src-common/prng.ts';
import { openBackend } from '../../src-backend/backend.ts';
import { ApiClient, inProcessTransport } from '../../src-common/api/client.ts';

const SESSIONS = 15_000;

/** Runs fn while sampling RSS; returns its result, seconds and the peak RSS seen (MB). */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; secs: number; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  try {
    const value = await fn();
    return {
      value,
      secs: (performance.now() - t0) / 1000,
      peakMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 1e6),
    };
  } finally {
    clearInterval(timer);
  }
}

async function exportFigures(ctx: BenchContext, dir: string): Promise<Record<string, Figure>> {
  const backend = openBackend({ workspacePath: join(dir, 'ws', 'ws.db'), host: 'cli', pathRoots: null });
  const api = new ApiClient(inProcessTransport(backend.dispatcher));
  try {
    const demo = await api.call('demo.generate', { sessions: SESSIONS, seed: 7, outDir: join(dir, 'demo') });
    await api.call('import.sessions', { path: demo.files.sessions });
    await api.call('import.qrels', { path: demo.files.qrels, setName: 'ground-truth' });
    const out = join(dir, 'out');
    (globalThis as { gc?: () => void }).gc?.();
    const baseMb = Math.round(process.memoryUsage().rss / 1e6);
    ctx.log(`RSS before the exports (workspace imported): ${baseMb} MB`);
    const training = await measured(() => api.call('export.training', { source: 'ground-truth', outDir: out }));
    const parquet = await measured(() => api.call('export.parquet', { outDir: out }));
    const rows = parquet.value.rows.results;
    ctx.log(
      `training: ${training.value.examples} examples, ${training.value.candidates} candidate rows in ${training.secs.toFixed(1)} s, peak RSS ${training.peakMb} MB`,
    );
    ctx.log(
      `parquet: ${rows} result rows (+ ${parquet.value.rows.turns} turns, ${parquet.value.rows.labels} labels) in ${parquet.secs.toFixed(1)} s, peak RSS ${parquet.peakMb} MB`,
    );
    return {
      training_rows_per_s: {
        value: Math.round(training.value.candidates / training.secs),
        unit: 'rows/s',
        target: null,
        reference: `${training.value.candidates} result rows as ${training.value.examples} examples`,
      },
      training_peak_rss_mb: {
        value: training.peakMb,
        unit: 'MB',
        target: null,
        reference: `whole bench process; ${baseMb} MB before the exports`,
      },
      parquet_rows_per_s: {
        value: Math.round(rows / parquet.secs),
        unit: 'rows/s',
        target: null,
        reference: `${rows} result rows + turns + labels`,
      },
      parquet_peak_rss_mb: {
        value: parquet.peakMb,
        unit: 'MB',
        target: null,
        reference: `whole bench process; ${baseMb} MB before the exports`,
      },
    };
  } finally {
    await backend.close();
  }
}

const TOPICS = 10_000;
const DOCS_PER_TOPIC = 100;
const JUDGED_PER_TOPIC = 10;

async function writeLines(
  path: string,
  each: (write: (line: string) => Promise<void>) => Promise<void>,
): Promise<void> {
  const out = createWriteStream(path);
  await each(async (line) => {
    if (!out.write(line + '\n')) await once(out, 'drain');
  });
  out.end();
  await once(out, 'finish');
}

export default async function (ctx: BenchContext): Promise<Record<string, Figure>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));
  try {
    mkdirSync(join(dir, 'ws'));
    mkdirSync(join(dir, 'out'));
    const exports = await exportFigures(ctx, dir);
    const rng = new Rng(11);
    const run = join(dir, 'run.txt');
    const qrels = join(dir, 'qrels.txt');
    await writeLines(run, async (w) => {
      for (let t = 0; t < TOPICS; t++)
        for (let d = 0; d < DOCS_PER_TOPIC; d++)
          await w(`q${t} Q0 doc${t}-${d} ${d + 1} ${(rng.next() * 10).toFixed(4)} bench`);
    });
    await writeLines(qrels, async (w) => {
      for (let t = 0; t < TOPICS; t++)
        for (let d = 0; d < JUDGED_PER_TOPIC; d++) await w(`q${t} 0 doc${t}-${d * 7} ${Math.floor(rng.next() * 4)}`);
    });
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const r = await evaluateRunFile(run, qrels, {});
    const secs = (performance.now() - t0) / 1000;
    const lines = r.lines.run + r.lines.qrels;
    ctx.log(
      `evaluate: ${r.lines.run} run + ${r.lines.qrels} qrels lines, ${r.all.num_q} topics in ${secs.toFixed(2)} s; map ${r.all.map?.toFixed(4)}`,
    );
    return {
      ...exports,
      evaluate_lines_per_s: {
        value: Math.round(lines / secs),
        unit: 'lines/s',
        target: null,
        reference: '1M-line run + 100k-line qrels, default measures',
      },
      evaluate_rss_growth_mb: {
        value: Math.round((process.memoryUsage().rss - rssBefore) / 1e6),
        unit: 'MB',
        target: null,
        reference: null,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
