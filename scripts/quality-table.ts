// The quality table of docs/model-quality.md, computed by the app itself on the shipped demo: the
// demo (resources/demo) is imported into a scratch workspace through the backend API, every seed's
// ONNX model is registered and batch-scored (score.batch), and the per-turn NDCG@10 / reciprocal
// rank come from metrics.turns (ndcg_cut, k 10, the demo's ground-truth qrels) — the same calls the
// dataset view makes, so the view shows these numbers for the shipped models by construction.
// The switch / continuation / start slices are the app's boundary rule (src-common/segmentation.ts):
// re-run after that rule changes.
//
//   node scripts/quality-table.ts [--ckpt /work/ckpt] [--seeds 1,2,3] [--resamples 2000] [--json out.json]
//                                 [--models qgs-linear,qgs-softmax,baseline-flat]  (the baseline is required)
//
// --ckpt holds <model>-seed<N>.onnx as written by `python3 -m trainer.build_models --ckpt-dir DIR`.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openBackend, REPO_ROOT, type Backend } from '../src-backend/backend.ts';
import { ApiClient, inProcessTransport } from '../src-common/api/client.ts';
import type { TurnKind } from '../src-common/api/contract.ts';
import { Rng } from '../src-common/prng.ts';

export const MODELS = ['qgs-linear', 'qgs-softmax', 'baseline-flat'] as const;
export const BASELINE = 'baseline-flat';
const SLICES = ['all', 'switch', 'continuation', 'start'] as const;
type Slice = (typeof SLICES)[number];
const SET = 'ground-truth';

export interface Interval {
  mean: number;
  lo: number;
  hi: number;
  turns: number;
}

/**
 * Paired bootstrap of a mean difference: resample turns with replacement (the same turns for both
 * models, so what varies is which turns are in the sample) and take the 2.5th and 97.5th
 * percentiles of the resampled means. Seeded: the same deltas give the same interval.
 */
export function pairedBootstrap(deltas: readonly number[], resamples: number, seed: number): Interval {
  const n = deltas.length;
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, turns: 0 };
  const rng = new Rng(seed);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += deltas[Math.floor(rng.next() * n)]!;
    means[b] = s / n;
  }
  means.sort();
  const at = (q: number): number => means[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))]!;
  return { mean: deltas.reduce((a, b) => a + b, 0) / n, lo: at(0.025), hi: at(0.975), turns: n };
}

interface TurnValue {
  ndcg: number;
  mrr: number;
  kind: TurnKind;
}

interface SeedResult {
  model: string;
  seed: number;
  sha256: string;
  /** Means per slice as metrics.turns' summary gives them (what the dataset view shows). */
  summary: Record<Slice, { turns: number; ndcg: number; mrr: number }>;
  perTurn: Map<string, TurnValue>;
}

async function measure(
  api: ApiClient,
  model: string,
  seed: number,
  sha: string,
  baselineSha: string,
): Promise<SeedResult> {
  const perTurn = new Map<string, TurnValue>();
  let summary: SeedResult['summary'] | null = null;
  for (let offset = 0; ; offset += 1000) {
    // The baseline as model A, this model as B: the dataset view's comparison.
    const page = await api.call('metrics.turns', {
      modelA: baselineSha,
      modelB: sha,
      setName: SET,
      k: 10,
      measure: 'ndcg_cut',
      sort: 'delta',
      offset,
      limit: 1000,
    });
    if (page.unscored.either > 0) throw new Error(`${model} seed ${seed}: ${page.unscored.either} turns unscored`);
    summary ??= Object.fromEntries(
      SLICES.map((s) => {
        const k = page.summary[s];
        return [s, { turns: k.turns, ndcg: k.ndcgB ?? NaN, mrr: k.mrrB ?? NaN }];
      }),
    ) as SeedResult['summary'];
    for (const r of page.rows) perTurn.set(r.turnId, { ndcg: r.ndcgB, mrr: r.mrrB, kind: r.kind });
    if (offset + page.rows.length >= page.total) break;
  }
  return { model, seed, sha256: sha, summary: summary!, perTurn };
}

function fmt(x: number, digits = 4): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '—';
}

function meanSpread(xs: number[]): string {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.length > 1 ? `${fmt(m)} ± ${fmt((Math.max(...xs) - Math.min(...xs)) / 2)}` : fmt(m);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ckpt: { type: 'string', default: '/work/ckpt' },
      seeds: { type: 'string', default: '1,2,3' },
      resamples: { type: 'string', default: '2000' },
      'bootstrap-seed': { type: 'string', default: '13' },
      json: { type: 'string' },
      workspace: { type: 'string' },
      models: { type: 'string', default: MODELS.join(',') },
    },
  });
  const models = values.models.split(',').filter((m) => m);
  for (const m of models)
    if (!(MODELS as readonly string[]).includes(m))
      throw new Error(`--models: unknown model "${m}" (${MODELS.join(', ')})`);
  if (!models.includes(BASELINE)) throw new Error(`--models must include ${BASELINE}: every difference is against it`);
  const seeds = values.seeds.split(',').map(Number);
  const resamples = Number(values.resamples);
  const files = new Map<string, string>();
  for (const seed of seeds)
    for (const m of models) {
      const p = join(values.ckpt, `${m}-seed${seed}.onnx`);
      if (!existsSync(p))
        throw new Error(`${p} is missing: run /usr/bin/python3 -m trainer.build_models --ckpt-dir ${values.ckpt}`);
      files.set(`${m}#${seed}`, p);
    }

  const scratch = values.workspace ? null : mkdtempSync(join(tmpdir(), 'quality-table-'));
  const workspacePath = values.workspace ?? join(scratch!, 'demo.db');
  const backend: Backend = openBackend({ workspacePath, host: 'cli', pathRoots: null });
  const api = new ApiClient(inProcessTransport(backend.dispatcher));
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  try {
    const demo = join(REPO_ROOT, 'resources', 'demo');
    const stats = await api.call('workspace.stats', {});
    if (stats.sessions === 0) {
      await api.call('import.sessions', { path: join(demo, 'sessions.jsonl.gz') });
      await api.call('import.qrels', { path: join(demo, 'qrels.txt'), setName: SET });
    }
    const shipped = await api.call('models.registerShipped', {});
    const shaOf = new Map<string, string>();
    for (const [key, path] of files) {
      const [m, seed] = key.split('#');
      const added = await api.call('models.add', { path, name: `${m} seed ${seed}` });
      shaOf.set(key, added.sha256);
    }
    for (const [key, sha] of [...shaOf, ...shipped.map((m) => [`${m.name}#shipped`, m.sha256] as const)]) {
      const t0 = performance.now();
      await api.call('score.batch', { model: sha, rescore: false });
      log(`scored ${key} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }

    const results: SeedResult[] = [];
    for (const seed of seeds)
      for (const m of models)
        results.push(await measure(api, m, seed, shaOf.get(`${m}#${seed}`)!, shaOf.get(`${BASELINE}#${seed}`)!));
    const shippedResults: SeedResult[] = [];
    const shippedBaseline = shipped.find((m) => m.name === BASELINE)?.sha256;
    if (shippedBaseline)
      for (const m of shipped) shippedResults.push(await measure(api, m.name, 0, m.sha256, shippedBaseline));

    const out: string[] = [];
    const nTurns = results[0]!.summary;
    out.push(
      `Shipped demo (resources/demo: ${nTurns.all.turns} judged turns), training seeds ${seeds.join(', ')}; ` +
        `mean over seeds ± half the range between seeds. Computed by \`node scripts/quality-table.ts\` with the ` +
        `app's score.batch and metrics.turns (ndcg_cut, k 10, qrels set "${SET}"; MRR = recip_rank).\n`,
    );
    const head = '| model | ' + SLICES.map((s) => `NDCG@10 ${s} | MRR ${s}`).join(' | ') + ' |';
    out.push(head, '|' + '---|'.repeat(1 + 2 * SLICES.length));
    for (const m of models) {
      const rows = results.filter((r) => r.model === m);
      out.push(
        `| ${m} | ` +
          SLICES.map(
            (s) =>
              `${meanSpread(rows.map((r) => r.summary[s].ndcg))} | ${meanSpread(rows.map((r) => r.summary[s].mrr))}`,
          ).join(' | ') +
          ' |',
      );
    }
    out.push('', 'Turns: ' + SLICES.map((s) => `${s} ${nTurns[s].turns}`).join(', '), '');

    // Paired bootstrap on the seed-averaged per-turn difference.
    const bootSeed = Number(values['bootstrap-seed']);
    out.push(
      `Paired bootstrap, 95% intervals (${resamples} resamples of the turns, seed ${bootSeed}) of the per-turn NDCG@10 ` +
        `difference averaged over the seeds:\n`,
    );
    out.push('| difference | all | after a switch | continuation | start |', '|---|---|---|---|---|');
    const intervals: Record<string, Record<Slice, Interval>> = {};
    for (const [a, b] of [
      ['qgs-linear', BASELINE],
      ['qgs-softmax', BASELINE],
      ['qgs-linear', 'qgs-softmax'],
    ] as const) {
      if (!models.includes(a) || !models.includes(b)) continue;
      const deltas = new Map<string, { d: number; kind: TurnKind }>();
      for (const turnId of results.find((r) => r.model === a)!.perTurn.keys()) {
        let s = 0;
        for (const seed of seeds) {
          const va = results.find((r) => r.model === a && r.seed === seed)!.perTurn.get(turnId)!;
          const vb = results.find((r) => r.model === b && r.seed === seed)!.perTurn.get(turnId)!;
          s += va.ndcg - vb.ndcg;
        }
        deltas.set(turnId, { d: s / seeds.length, kind: results[0]!.perTurn.get(turnId)!.kind });
      }
      const row: Record<Slice, Interval> = {} as Record<Slice, Interval>;
      for (const slice of SLICES) {
        const ds = [...deltas.values()].filter((x) => slice === 'all' || x.kind === slice).map((x) => x.d);
        row[slice] = pairedBootstrap(ds, resamples, bootSeed);
      }
      intervals[`${a} − ${b}`] = row;
      out.push(
        `| ${a} − ${b} | ` +
          SLICES.map(
            (s) => `${row[s].mean >= 0 ? '+' : ''}${fmt(row[s].mean)} [${fmt(row[s].lo)}, ${fmt(row[s].hi)}]`,
          ).join(' | ') +
          ' |',
      );
    }
    out.push('', 'Per seed (NDCG@10 all / switch / continuation / start):', '');
    for (const r of results)
      out.push(
        `- seed ${r.seed} ${r.model}: ${SLICES.map((s) => fmt(r.summary[s].ndcg)).join(' / ')} (sha256 ${r.sha256.slice(0, 12)})`,
      );
    for (const r of shippedResults)
      out.push(
        `- shipped resources/models/${r.model}.onnx: ${SLICES.map((s) => fmt(r.summary[s].ndcg)).join(' / ')} (sha256 ${r.sha256.slice(0, 12)})`,
      );
    process.stdout.write(out.join('\n') + '\n');
    if (values.json) {
      const plain = (r: SeedResult) => ({ model: r.model, seed: r.seed, sha256: r.sha256, summary: r.summary });
      writeFileSync(
        values.json,
        JSON.stringify(
          { seeds, resamples, bootSeed, results: results.map(plain), shipped: shippedResults.map(plain), intervals },
          null,
          1,
        ),
      );
    }
  } finally {
    await backend.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.filename === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(`quality-table: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
