// Bench group `export`: evaluation and training-data export speed (CPU).
// evaluate: a 1M-line TREC run (10,000 topics × 100 documents) against a 100k-line qrels file, the
// whole `evaluate.run` path (reading, checking, ordering, measuring) with the default measures.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext, Figure } from '../types.ts';
import { evaluateRunFile } from '../../src-backend/ranking/evaluate.ts';
import { Rng } from '../../src-backend/data/demo/prng.ts';

const TOPICS = 10_000;
const DOCS_PER_TOPIC = 100;
const JUDGED_PER_TOPIC = 10;

async function writeLines(path: string, each: (write: (line: string) => Promise<void>) => Promise<void>): Promise<void> {
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
    const rng = new Rng(11);
    const run = join(dir, 'run.txt');
    const qrels = join(dir, 'qrels.txt');
    await writeLines(run, async (w) => {
      for (let t = 0; t < TOPICS; t++) for (let d = 0; d < DOCS_PER_TOPIC; d++) await w(`q${t} Q0 doc${t}-${d} ${d + 1} ${(rng.next() * 10).toFixed(4)} bench`);
    });
    await writeLines(qrels, async (w) => {
      for (let t = 0; t < TOPICS; t++) for (let d = 0; d < JUDGED_PER_TOPIC; d++) await w(`q${t} 0 doc${t}-${d * 7} ${Math.floor(rng.next() * 4)}`);
    });
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const r = await evaluateRunFile(run, qrels, {});
    const secs = (performance.now() - t0) / 1000;
    const lines = r.lines.run + r.lines.qrels;
    ctx.log(`evaluate: ${r.lines.run} run + ${r.lines.qrels} qrels lines, ${r.all.num_q} topics in ${secs.toFixed(2)} s; map ${r.all.map?.toFixed(4)}`);
    return {
      evaluate_lines_per_s: { value: Math.round(lines / secs), unit: 'lines/s', target: null, reference: '1M-line run + 100k-line qrels, default measures' },
      evaluate_rss_growth_mb: { value: Math.round((process.memoryUsage().rss - rssBefore) / 1e6), unit: 'MB', target: null, reference: null },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
