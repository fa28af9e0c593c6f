// Pure helpers of the dataset view (views/DatasetView.svelte) and the global "jump to the worst
// regression" key: which two models to compare by default, remembering the last pair, the
// measure picker's names, and the chart's data from a `metrics.turns` summary.
// Types only from the contract: its values would pull zod into the renderer bundle.
import type {
  KindSummary,
  ModelSummary,
  TurnKind,
  TurnMeasure,
  TurnMetricsPage,
} from '../../../src-common/api/contract.ts';

export const DEFAULT_MEASURE: TurnMeasure = 'ndcg_cut';
// A Record over TurnMeasure: a measure added to the contract fails the typecheck until named here.
const MEASURE_NAME: Record<TurnMeasure, string> = {
  ndcg_cut: 'NDCG',
  P: 'P',
  err: 'ERR',
  judged: 'judged',
  map: 'MAP',
  recip_rank: 'MRR',
  Rprec: 'R-prec',
};
const TAKES_K: Record<TurnMeasure, boolean> = {
  ndcg_cut: true,
  P: true,
  err: true,
  judged: true,
  map: false,
  recip_rank: false,
  Rprec: false,
};
/** Measures in the picker's order. */
export const DATASET_MEASURES = Object.keys(MEASURE_NAME) as TurnMeasure[];
/** What each measure says, for the picker's tooltip (docs/evaluation.md has the definitions). */
export const MEASURE_HELP: Record<TurnMeasure, string> = {
  ndcg_cut: "normalised DCG of the top k, linear gain; ideal = the turn's candidates sorted by grade",
  P: 'share of relevant candidates (grade ≥ 1) in the top k, divided by k',
  err: 'expected reciprocal rank of the top k (cascade model, gdeval: stop probability (2^g − 1) / 16)',
  judged: 'share of the top k with any grade (unjudged candidates count against it)',
  map: 'average precision over the whole ranking (no cut-off)',
  recip_rank: '1 / rank of the first relevant candidate (no cut-off)',
  Rprec: 'precision at R = the number of relevant candidates (no cut-off)',
};

/** Whether the measure is cut at k (the k picker applies). */
export function measureTakesK(m: TurnMeasure): boolean {
  return TAKES_K[m];
}

/** The measure's name as the view writes it: `NDCG@10`, `P@5`, `MAP`, `MRR`, `R-prec`, `judged@10`. */
export function measureLabel(m: TurnMeasure, k: number): string {
  return measureTakesK(m) ? `${MEASURE_NAME[m]}@${k}` : MEASURE_NAME[m];
}

/** The picker's label of a measure, k written as `k`: `NDCG@k`, `MAP`. */
export function measureOptionLabel(m: TurnMeasure): string {
  return measureTakesK(m) ? `${MEASURE_NAME[m]}@k` : MEASURE_NAME[m];
}

export const KIND_LABEL: Record<TurnKind, string> = {
  start: 'session start',
  switch: 'after a query switch',
  continuation: 'continuation',
};
export const CHART_KINDS: readonly TurnKind[] = ['start', 'switch', 'continuation'];

/**
 * Default pair: A = the item-only baseline (encoder `flattened`), B = a QGS model (linear first),
 * so Δ = B − A reads "what query conditioning changed" and negative rows are where QGS lost.
 */
export function defaultPair(models: readonly ModelSummary[]): { a: string; b: string } | null {
  if (models.length < 2) return null;
  const a = models.find((m) => m.encoder === 'flattened') ?? models[0]!;
  const b =
    models.find((m) => m !== a && m.encoder === 'linear') ??
    models.find((m) => m !== a && m.encoder !== 'flattened') ??
    models.find((m) => m !== a)!;
  return { a: a.sha256, b: b.sha256 };
}

/** The full sha256 of a model referred to by a prefix, or null. */
export function resolveModel(models: readonly ModelSummary[], ref: string | undefined): string | null {
  if (!ref) return null;
  const hits = models.filter((m) => m.sha256.startsWith(ref.toLowerCase()));
  return hits.length === 1 ? hits[0]!.sha256 : null;
}

const KEY = 'qgs.dataset.pair';
export function rememberPair(a: string, b: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify([a, b]));
  } catch {
    // storage unavailable: nothing to remember
  }
}
export function rememberedPair(): { a: string; b: string } | null {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as unknown;
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') return { a: v[0], b: v[1] };
  } catch {
    // ignore a broken entry
  }
  return null;
}

export interface DeltaBar {
  kind: TurnKind;
  /** Mean of the chosen measure of model B minus that of model A over the same turns. */
  delta: number;
  meanA: number;
  meanB: number;
  turns: number;
}

/**
 * One bar per turn kind with turns: the difference of the two means. Means near 0.92 differ by
 * 0.006; on a 0–1 axis that is invisible, so the chart draws the difference on its own scale.
 */
export function deltaBars(summary: TurnMetricsPage['summary']): DeltaBar[] {
  const out: DeltaBar[] = [];
  for (const kind of CHART_KINDS) {
    const s: KindSummary = summary[kind];
    if (s.turns === 0 || s.valueA === null || s.valueB === null) continue;
    out.push({ kind, delta: s.valueB - s.valueA, meanA: s.valueA, meanB: s.valueB, turns: s.turns });
  }
  return out;
}

/**
 * Symmetric extent for the Δ axis, so 0 sits in the middle and the larger |Δ| fills ~85% of a
 * half; never narrower than ±0.001 (all-zero deltas still get an axis).
 */
export function deltaExtent(bars: readonly DeltaBar[]): number {
  const m = Math.max(0, ...bars.map((b) => Math.abs(b.delta)));
  return Math.max(0.001, m / 0.85);
}
