// Bench group `demo`: generator throughput (CPU).
// Generates a ≥ 1M result-row workspace, plain and gzipped, into a temporary folder.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext, Figure } from '../types.ts';
import { generateDemo } from '../../src-backend/data/demo/generate.ts';

const SESSIONS = 15_000; // ≈ 1.0M result rows

export default async function (ctx: BenchContext): Promise<Record<string, Figure>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-demo-'));
  try {
    const figures: Record<string, Figure> = {};
    for (const gzip of [false, true]) {
      const out = join(dir, gzip ? 'gz' : 'plain');
      const t0 = performance.now();
      const s = await generateDemo({ seed: 7, sessions: SESSIONS, outDir: out, gzip });
      const secs = (performance.now() - t0) / 1000;
      const mb = statSync(s.files.sessions).size / 1e6;
      ctx.log(
        `${gzip ? 'gzip ' : 'plain'}: ${s.resultRows} rows in ${secs.toFixed(1)} s, sessions file ${mb.toFixed(1)} MB`,
      );
      const key = gzip ? 'gzip' : 'plain';
      figures[`rows_per_s_${key}`] = {
        value: Math.round(s.resultRows / secs),
        unit: 'rows/s',
        target: '1M rows well under 60 s (≥ 50000 rows/s)',
        reference: null,
      };
      figures[`seconds_1M_rows_${key}`] = {
        value: (secs * 1e6) / s.resultRows,
        unit: 's',
        target: '< 60 s',
        reference: null,
      };
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
