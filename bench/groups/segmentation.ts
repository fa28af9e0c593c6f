// Bench group `segmentation`: how well the boundary rule v2 (src-common/segmentation.ts) finds topic
// switches, on the demo's ground truth (resources/demo, read the way the importer reads it) and on
// the hand-built reformulation set (test/fixtures/reformulations.tsv, per category too) and its held-out
// companion (reformulations-holdout.tsv), and how
// fast it classifies, with rule v1 as the reference in the same run (docs/segmentation.md).
import { fileURLToPath } from 'node:url';
import type { BenchContext, Figure } from '../types.ts';
import {
  boundaryV1,
  labelDemo,
  labelReformulations,
  readDemoTruth,
  readReformulations,
  readSessionLog,
  switchScores,
  type LabelledBoundary,
  type SwitchScores,
} from '../../src-backend/data/segmentation-eval.ts';
import { classifySession, type QueryAt } from '../../src-common/segmentation.ts';

const path = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const TARGET = '≥ 0.95';

const v1Session = (turns: readonly QueryAt[]) =>
  turns.map((t, i) => boundaryV1(i ? turns[i - 1]!.query : null, t.query));
const v2Session = (turns: readonly QueryAt[]) => classifySession(turns).map((d) => d.kind);

function fmt(s: SwitchScores): string {
  return `P ${s.precision.toFixed(3)}  R ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(3)}  (${s.truePositives} tp, ${s.falsePositives} fp, ${s.falseNegatives} fn of ${s.n})`;
}

/** Pairs per second classifying every session `rounds` times (v2 keeps the session topic). */
function throughput(
  sessions: readonly QueryAt[][],
  classify: (t: readonly QueryAt[]) => unknown,
  minMs = 1500,
): number {
  const pairs = sessions.reduce((n, s) => n + s.length - 1, 0);
  for (const s of sessions) classify(s); // warm-up
  let rounds = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    for (const s of sessions) classify(s);
    rounds++;
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return (pairs * rounds) / (elapsed / 1000);
}

export default async function (ctx: BenchContext): Promise<Record<string, Figure>> {
  const figures: Record<string, Figure> = {};
  const add = (key: string, s: SwitchScores, v1: SwitchScores) => {
    figures[`${key}_switch_precision`] = {
      value: s.precision,
      unit: '',
      target: TARGET,
      reference: `v1 ${v1.precision.toFixed(3)}`,
    };
    figures[`${key}_switch_recall`] = {
      value: s.recall,
      unit: '',
      target: TARGET,
      reference: `v1 ${v1.recall.toFixed(3)}`,
    };
    figures[`${key}_switch_f1`] = { value: s.f1, unit: '', target: TARGET, reference: `v1 ${v1.f1.toFixed(3)}` };
  };

  const sessions = await readSessionLog(path('resources/demo/sessions.jsonl.gz'));
  const truth = readDemoTruth(path('resources/demo/turns.tsv'));
  const demoV2 = labelDemo(sessions, truth, v2Session);
  const demoV1 = labelDemo(sessions, truth, v1Session);
  ctx.log(
    `demo ground truth (${sessions.length} sessions, ${demoV2.length} boundaries; switch + return = topic change)`,
  );
  ctx.log(`  v2 ${fmt(switchScores(demoV2))}`);
  ctx.log(`  v1 ${fmt(switchScores(demoV1))}`);
  add('demo', switchScores(demoV2), switchScores(demoV1));

  const pairs = readReformulations(path('test/fixtures/reformulations.tsv'));
  const handV2 = labelReformulations(pairs);
  const handV1 = labelReformulations(pairs, (a, b) => boundaryV1(a.query, b.query));
  ctx.log(`hand-built reformulations (${pairs.length} pairs; the rule was tuned on them)`);
  ctx.log(`  v2 ${fmt(switchScores(handV2))}`);
  ctx.log(`  v1 ${fmt(switchScores(handV1))}`);
  add('hand', switchScores(handV2), switchScores(handV1));
  ctx.log('  per category: kind right, v2 (v1)');
  const accuracy = (rows: readonly LabelledBoundary[], gold: readonly string[]) =>
    rows.filter((r, i) => r.predicted === gold[i]).length / rows.length;
  for (const cat of [...new Set(pairs.map((p) => p.category))]) {
    const idx = pairs.flatMap((p, i) => (p.category === cat ? [i] : []));
    const gold = idx.map((i) => pairs[i]!.gold);
    const v2 = accuracy(
      idx.map((i) => handV2[i]!),
      gold,
    );
    const v1 = accuracy(
      idx.map((i) => handV1[i]!),
      gold,
    );
    ctx.log(
      `    ${cat.padEnd(20)} ${String(idx.length).padStart(3)} pairs  ${(v2 * 100).toFixed(0).padStart(3)}% (${(v1 * 100).toFixed(0)}%)`,
    );
    figures[`hand_${cat}_accuracy`] = { value: v2, unit: '', target: null, reference: `v1 ${v1.toFixed(3)}` };
  }

  // Written after the rule was final and never tuned on: the out-of-sample estimate.
  const holdout = readReformulations(path('test/fixtures/reformulations-holdout.tsv'));
  const holdV2 = switchScores(labelReformulations(holdout));
  const holdV1 = switchScores(labelReformulations(holdout, (a, b) => boundaryV1(a.query, b.query)));
  ctx.log(`held-out reformulations (${holdout.length} pairs, never tuned on)`);
  ctx.log(`  v2 ${fmt(holdV2)}`);
  ctx.log(`  v1 ${fmt(holdV1)}`);
  add('holdout', holdV2, holdV1);

  const turns = sessions.map((s) => s.turns);
  // Alternate the two rules and keep each one's best of three, so load spikes on a shared machine
  // hit both alike.
  let v1Rate = 0;
  let v2Rate = 0;
  for (let i = 0; i < 3; i++) {
    v1Rate = Math.max(v1Rate, throughput(turns, v1Session));
    v2Rate = Math.max(v2Rate, throughput(turns, v2Session));
  }
  ctx.log(`throughput on the demo sessions: v2 ${Math.round(v2Rate)} pairs/s, v1 ${Math.round(v1Rate)} pairs/s`);
  figures.pairs_per_s = {
    value: Math.round(v2Rate),
    unit: 'pairs/s',
    target: 'import stays fast: ≥ 50000 pairs/s',
    reference: `v1 ${Math.round(v1Rate)} pairs/s (×${(v2Rate / v1Rate).toFixed(2)})`,
  };
  return figures;
}
