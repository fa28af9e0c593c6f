// Encoder scaling in onnxruntime-node on CPU (docs/model-quality.md, "Encoder scaling"): the shipped
// linear and softmax QGS models on one turn (B=1, C=50) with history length L, latency (median of
// several runs, 1 intra-op thread; the better of two rounds) and peak RSS. Each (model, L) point runs in
// its own child process so the peak RSS of one point does not hide another's. Slope = least-squares
// log-log fit, L 512..8192.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, Figure } from '../types.ts';

const here = fileURLToPath(import.meta.url);
const repo = resolve(here, '../../..');
const LENGTHS = [64, 256, 512, 1024, 4096, 8192];
const REPORTED = [64, 256, 1024, 4096, 8192];
const SLOPE_FROM = 512;
const C = 50;
const ROUNDS = 2;
const MODELS = { linear: 'qgs-linear.onnx', softmax: 'qgs-softmax.onnx' } as const;

interface Point {
  medianMs: number;
  runs: number;
  peakRssMb: number;
  loadedRssMb: number;
}

/** Child: load one model, time `runs` runs at length L, print a Point as JSON. */
async function child(modelPath: string, L: number) {
  const ort = await import('onnxruntime-node');
  const { validateModelFile } = await import('../../src-backend/inference/contract.ts');
  const { meta } = await validateModelFile(modelPath, { loadWithRuntime: false });
  if (!meta) throw new Error(`${modelPath} does not fit the model contract`);
  const { queryTokens: Tq, titleTokens: Ti, tokenBuckets, itemBuckets } = meta.tokenizer;
  const F = meta.featureNames.length;
  let seed = 12345;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return 1 + (seed % (n - 1));
  };
  const ints = (dims: number[], n: number) => {
    const size = dims.reduce((a, b) => a * b, 1);
    return new ort.Tensor(
      'int64',
      BigInt64Array.from({ length: size }, () => BigInt(rand(n))),
      dims,
    );
  };
  const feeds = {
    history_query_tokens: ints([1, L, Tq], tokenBuckets),
    history_item_tokens: ints([1, L, Ti], tokenBuckets),
    history_item_ids: ints([1, L], itemBuckets),
    history_actions: ints([1, L], 4),
    history_mask: new ort.Tensor('bool', new Uint8Array(L).fill(1), [1, L]),
    target_query_tokens: ints([1, Tq], tokenBuckets),
    candidate_item_ids: ints([1, C], itemBuckets),
    candidate_item_tokens: ints([1, C, Ti], tokenBuckets),
    candidate_features: new ort.Tensor(
      'float32',
      Float32Array.from({ length: C * F }, () => rand(1000) / 100),
      [1, C, F],
    ),
    candidate_mask: new ort.Tensor('bool', new Uint8Array(C).fill(1), [1, C]),
  };
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const loadedRssMb = process.memoryUsage().rss / 1e6;
  await session.run(feeds); // warm-up: allocations, kernel selection
  const times: number[] = [];
  const deadline = performance.now() + 4000;
  while (times.length < 3 || (times.length < 15 && performance.now() < deadline)) {
    const t0 = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const point: Point = {
    medianMs: times[Math.floor(times.length / 2)]!,
    runs: times.length,
    peakRssMb: (process.resourceUsage().maxRSS * 1024) / 1e6,
    loadedRssMb,
  };
  process.stdout.write(JSON.stringify(point) + '\n');
}

function slope(points: Array<[number, number]>): number {
  const xs = points.map(([x]) => Math.log(x));
  const ys = points.map(([, y]) => Math.log(y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i]! - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

export default async function (ctx: BenchContext): Promise<Record<string, Figure>> {
  const figures: Record<string, Figure> = {};
  const results: Record<string, Record<number, Point>> = { linear: {}, softmax: {} };
  for (const file of Object.values(MODELS)) {
    const path = join(repo, 'resources/models', file);
    if (!existsSync(path))
      throw new Error(`${path} is missing: build it with /usr/bin/python3 -m trainer.build_models`);
  }
  // Both models at one L back to back, twice (linear, softmax, linear, softmax), so a ratio compares
  // runs under the same machine load; each keeps its better median (the least disturbed round: other
  // processes share this machine's cores) and its larger peak RSS.
  ctx.log(
    `load average at start: ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${os.availableParallelism()} cores`,
  );
  for (const L of LENGTHS) {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [kind, file] of Object.entries(MODELS)) {
        const path = join(repo, 'resources/models', file);
        const out = execFileSync(process.execPath, [here, '--child', path, String(L)], {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        });
        const p = JSON.parse(out.trim().split('\n').pop()!) as Point;
        const had = results[kind]![L];
        results[kind]![L] = had
          ? { ...(p.medianMs < had.medianMs ? p : had), peakRssMb: Math.max(p.peakRssMb, had.peakRssMb) }
          : p;
        ctx.log(
          `${kind.padEnd(7)} L=${String(L).padStart(4)}: ${p.medianMs.toFixed(2)} ms (median of ${p.runs}), peak RSS ${p.peakRssMb.toFixed(0)} MB (${p.loadedRssMb.toFixed(0)} MB after load)`,
        );
      }
    }
  }
  ctx.log(
    `load average at end: ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  for (const L of REPORTED) {
    const lin = results.linear![L]!;
    const soft = results.softmax![L]!;
    figures[`linear_ms_L${L}`] = {
      value: lin.medianMs,
      unit: 'ms',
      target: null,
      reference: 'B=1, C=50, 1 thread, CPU',
    };
    figures[`softmax_ms_L${L}`] = {
      value: soft.medianMs,
      unit: 'ms',
      target: null,
      reference: 'B=1, C=50, 1 thread, CPU',
    };
    figures[`speedup_L${L}`] = {
      value: soft.medianMs / lin.medianMs,
      unit: '× (softmax ms / linear ms)',
      target: L === 4096 ? '≥ 5×' : null,
      reference: 'softmax QGS, same run',
    };
    figures[`linear_peak_rss_mb_L${L}`] = {
      value: lin.peakRssMb,
      unit: 'MB',
      target: null,
      reference: `softmax ${soft.peakRssMb.toFixed(0)} MB`,
    };
    figures[`softmax_peak_rss_mb_L${L}`] = { value: soft.peakRssMb, unit: 'MB', target: null, reference: null };
  }
  for (const kind of ['linear', 'softmax'] as const) {
    const pts = LENGTHS.filter((L) => L >= SLOPE_FROM).map((L) => [L, results[kind]![L]!.medianMs] as [number, number]);
    figures[`${kind}_slope_512_8192`] = {
      value: slope(pts),
      unit: 'log-log',
      target: kind === 'linear' ? '≤ 1.2' : null,
      reference: 'least squares over L = 512, 1024, 4096, 8192',
    };
  }
  return figures;
}

if (process.argv[1] === here && process.argv[2] === '--child') {
  await child(process.argv[3]!, Number(process.argv[4]));
}
