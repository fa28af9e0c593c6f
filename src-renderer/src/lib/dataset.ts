// Pure helpers of the dataset view (views/DatasetView.svelte) and the global "jump to the worst
// regression" key: which two models to compare by default, remembering the last pair, and the
// chart's data from a `metrics.turns` summary.
import type { KindSummary, ModelSummary, TurnKind, TurnMetricsPage } from '../../../src-common/api/contract.ts';

export const KIND_LABEL: Record<TurnKind, string> = { start: 'session start', switch: 'after a query switch', continuation: 'continuation' };
export const CHART_KINDS: readonly TurnKind[] = ['start', 'switch', 'continuation'];

/**
 * Default pair: A = the item-only baseline (encoder `flattened`), B = a QGS model (linear first),
 * so Δ = B − A reads "what query conditioning changed" and negative rows are where QGS lost.
 */
export function defaultPair(models: readonly ModelSummary[]): { a: string; b: string } | null {
  if (models.length < 2) return null;
  const a = models.find((m) => m.encoder === 'flattened') ?? models[0]!;
  const b = models.find((m) => m !== a && m.encoder === 'linear') ?? models.find((m) => m !== a && m.encoder !== 'flattened') ?? models.find((m) => m !== a)!;
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
  /** Mean NDCG@k of model B minus that of model A over the same turns. */
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
    if (s.turns === 0 || s.ndcgA === null || s.ndcgB === null) continue;
    out.push({ kind, delta: s.ndcgB - s.ndcgA, meanA: s.ndcgA, meanB: s.ndcgB, turns: s.turns });
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
