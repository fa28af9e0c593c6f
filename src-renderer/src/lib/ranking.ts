// Pure logic of the ranking and two-model diff views (views/analysis/): sorting by a
// group's weight, the rank diff of two models (or of a counterfactual against the original), and
// the per-turn comparison figures from src-common/metrics.ts. Unit-tested in test/unit/renderer/.
import type { ModelSummary, ModelTurnScores, ScoredCandidate } from '../../../src-common/api/contract.ts';
import {
  kendallTauOfRankings,
  ndcgOfRanked,
  rbo,
  reciprocalRankOfRanked,
  topKChanges,
} from '../../../src-common/metrics.ts';

/** RBO persistence used throughout the views (top 10 ≈ 86 % of the weight). */
export const RBO_P = 0.9;

export type SortKey = { by: 'rank' } | { by: 'group'; group: number };

/** Candidates in model order, or by one group's weight (highest first; ties by model rank). */
export function sortCandidates(cands: readonly ScoredCandidate[], key: SortKey): ScoredCandidate[] {
  const out = [...cands];
  if (key.by === 'rank') return out.sort((a, b) => a.rank - b.rank);
  const g = key.group;
  return out.sort((a, b) => (b.groupWeight[g] ?? 0) - (a.groupWeight[g] ?? 0) || a.rank - b.rank);
}

export interface DiffRow {
  itemId: string;
  title: string;
  position: number;
  /** Rank under A and B (1 = top); null when the item is missing on that side. */
  rankA: number | null;
  rankB: number | null;
  /** rankA − rankB: positive = B puts it higher. null when missing on a side. */
  delta: number | null;
  scoreA: number | null;
  scoreB: number | null;
  /** In B's top k but not in A's / in A's top k but not in B's. */
  entersTopK: boolean;
  leavesTopK: boolean;
}

export interface RankDiff {
  /** Rows in A's order (then items only B has). */
  rows: DiffRow[];
  k: number;
  kendallTau: number;
  rbo: number;
  entered: string[];
  left: string[];
  /** Items whose rank differs. */
  moved: number;
}

export function rankDiff(a: readonly ScoredCandidate[], b: readonly ScoredCandidate[], k: number): RankDiff {
  const A = [...a].sort((x, y) => x.rank - y.rank);
  const B = [...b].sort((x, y) => x.rank - y.rank);
  const idsA = A.map((c) => c.itemId);
  const idsB = B.map((c) => c.itemId);
  const byB = new Map(B.map((c) => [c.itemId, c] as const));
  const changes = topKChanges(idsA, idsB, k);
  const entered = new Set(changes.entered);
  const left = new Set(changes.left);
  const rows: DiffRow[] = A.map((ca) => {
    const cb = byB.get(ca.itemId);
    return {
      itemId: ca.itemId,
      title: ca.title,
      position: ca.position,
      rankA: ca.rank,
      rankB: cb?.rank ?? null,
      delta: cb ? ca.rank - cb.rank : null,
      scoreA: ca.score,
      scoreB: cb?.score ?? null,
      entersTopK: entered.has(ca.itemId),
      leavesTopK: left.has(ca.itemId),
    };
  });
  const inA = new Set(idsA);
  for (const cb of B) {
    if (inA.has(cb.itemId)) continue;
    rows.push({
      itemId: cb.itemId,
      title: cb.title,
      position: cb.position,
      rankA: null,
      rankB: cb.rank,
      delta: null,
      scoreA: null,
      scoreB: cb.score,
      entersTopK: entered.has(cb.itemId),
      leavesTopK: false,
    });
  }
  return {
    rows,
    k,
    kendallTau: kendallTauOfRankings(idsA, idsB),
    rbo: rbo(idsA, idsB, RBO_P),
    entered: changes.entered,
    left: changes.left,
    moved: rows.filter((r) => r.delta !== null && r.delta !== 0).length,
  };
}

export interface TurnMetrics {
  ndcg: number;
  rr: number;
}

/**
 * NDCG@k and reciprocal rank of a model's ranking against graded labels (item → grade; unlabelled
 * items count as grade 0, as trec_eval does). null without labels; ndcg NaN when nothing is relevant.
 */
export function turnMetrics(
  m: ModelTurnScores,
  grades: ReadonlyMap<string, number> | null,
  k: number,
): TurnMetrics | null {
  if (!grades) return null;
  const ranked = [...m.candidates].sort((a, b) => a.rank - b.rank).map((c) => grades.get(c.itemId) ?? 0);
  return { ndcg: ndcgOfRanked(ranked, k), rr: reciprocalRankOfRanked(ranked) };
}

/** Largest |group weight change| of a candidate between two scorings of the same model. */
export function weightShift(a: readonly number[], b: readonly number[]): number {
  let m = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

export function fmtSigned(n: number | null, digits = 0): string {
  if (n === null || !Number.isFinite(n)) return '';
  if (n === 0) return digits ? (0).toFixed(digits) : '0';
  return (n > 0 ? '+' : '−') + Math.abs(n).toFixed(digits);
}

/**
 * An HFG group weight as printed next to its bar: two decimals without the leading zero (`.42`),
 * `1` for a whole weight, a minus sign for the (rare) negative one. Weights are shares in [0, 1].
 */
export function fmtWeight(w: number): string {
  if (!Number.isFinite(w)) return '—';
  const r = Math.round(Math.abs(w) * 100) / 100;
  const body = r >= 1 ? r.toFixed(r === Math.trunc(r) ? 0 : 2) : r === 0 ? '0' : r.toFixed(2).slice(1);
  return (w < 0 && r !== 0 ? '−' : '') + body;
}

/** Hover text of a candidate's group weights: `group 0.4213` per line, `(was …)` when `before` is given. */
export function weightsTitle(
  groups: readonly string[],
  weights: readonly number[],
  before?: readonly number[] | null,
): string {
  return groups
    .map((g, i) => {
      const was = before ? ` (was ${(before[i] ?? 0).toFixed(4)})` : '';
      return `${g} ${(weights[i] ?? 0).toFixed(4)}${was}`;
    })
    .join('\n');
}

/** One side of the two-model diff: a model's candidates in its rank order, each with its diff row. */
export function diffSide(
  cands: readonly ScoredCandidate[],
  diff: RankDiff,
): { c: ScoredCandidate; row: DiffRow | undefined }[] {
  const byId = new Map(diff.rows.map((r) => [r.itemId, r] as const));
  return [...cands].sort((x, y) => x.rank - y.rank).map((c) => ({ c, row: byId.get(c.itemId) }));
}

export interface CompareRow {
  itemId: string;
  title: string;
  a: ScoredCandidate | null;
  b: ScoredCandidate | null;
}

/**
 * The items of a two-model diff with both models' candidates (group weights side by side), in A's
 * rank order, then the items only B ranks.
 */
export function compareRows(a: readonly ScoredCandidate[], b: readonly ScoredCandidate[]): CompareRow[] {
  const byB = new Map(b.map((c) => [c.itemId, c] as const));
  const rows: CompareRow[] = [...a]
    .sort((x, y) => x.rank - y.rank)
    .map((ca) => ({ itemId: ca.itemId, title: ca.title, a: ca, b: byB.get(ca.itemId) ?? null }));
  const inA = new Set(a.map((c) => c.itemId));
  for (const cb of [...b].sort((x, y) => x.rank - y.rank))
    if (!inA.has(cb.itemId)) rows.push({ itemId: cb.itemId, title: cb.title, a: null, b: cb });
  return rows;
}

/** A model's feature groups (names and features) from the registry, or just the group names the scoring reports. */
export function featureGroupsOf(
  models: readonly ModelSummary[],
  m: ModelTurnScores,
): { name: string; features: string[] }[] {
  return models.find((x) => x.sha256 === m.model.sha256)?.groups ?? m.groups.map((g) => ({ name: g, features: [] }));
}
