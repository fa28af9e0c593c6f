// Ranking metrics and rank-comparison figures, shared by the backend, the renderer and scripts.
// Pure functions over plain arrays; runs anywhere (no Node or DOM APIs).
//
// NDCG@k and reciprocal rank mirror trainer/metrics.py EXACTLY (the trainer's early stopping and
// evaluation use them, so the app and the trainer must report the same number for the same turn):
//   - ranking: by score descending; ties keep the candidates' input (displayed) order (a stable
//     sort — trainer: np.argsort(-scores, kind="stable")). Note: trec_eval breaks score ties by
//     docno instead; with real-valued model scores ties practically never occur.
//   - NDCG@k: LINEAR gain (gain = grade, negative grades count as 0 — trec_eval's ndcg_cut
//     default, NOT the 2^rel − 1 "exponential" gain of Burges et al.), discount 1 / log2(rank + 1)
//     with rank 1-based (rank 1 → 1, rank 2 → 1/log2 3, …), divided by the DCG of the ideal order
//     of the SAME candidates' grades (trec_eval's ideal uses every judged document of the topic;
//     the trainer and the app only know the candidates shown). NaN when no candidate has a
//     positive grade (trainer/evaluate.py leaves such turns out; so must any mean over turns).
//   - reciprocal rank: 1 / rank of the first candidate with grade ≥ 1 (trec_eval recip_rank with
//     relevance level 1), 0 when there is none.
//
// Rank comparison between two models' rankings of the same candidates:
//   - Kendall's τ-b over paired values (τ-a when there are no ties, which is the case for two
//     rankings); 1 = same order, −1 = reversed.
//   - Rank-biased overlap (Webber, Moffat & Zobel 2010), the extrapolated form RBO_ext (their
//     eq. 32) for two lists of the same length, persistence p (default 0.9: the top 10 carry
//     ≈ 86 % of the weight). 1 = identical lists; 0 = disjoint.

/** Candidate indices in ranked order: score descending, ties in input order (trainer `ranking`). */
export function rankOrder(scores: readonly number[]): number[] {
  const idx = scores.map((_, i) => i);
  // Array.prototype.sort is stable (ES2019); NaN scores sort last.
  return idx.sort((a, b) => {
    const sa = scores[a]!;
    const sb = scores[b]!;
    if (Number.isNaN(sa)) return Number.isNaN(sb) ? 0 : 1;
    if (Number.isNaN(sb)) return -1;
    return sb - sa;
  });
}

/** 1-based rank of each candidate (inverse of rankOrder). */
export function ranksOf(scores: readonly number[]): number[] {
  const ranks = new Array<number>(scores.length);
  rankOrder(scores).forEach((ci, r) => (ranks[ci] = r + 1));
  return ranks;
}

function dcg(gradesInOrder: readonly number[], k: number): number {
  let s = 0;
  const n = Math.min(k, gradesInOrder.length);
  for (let i = 0; i < n; i++) s += Math.max(gradesInOrder[i]!, 0) / Math.log2(i + 2);
  return s;
}

/**
 * NDCG@k of a ranking given as the grades of the ranked candidates, top first, normalised by the
 * ideal order of `pool` (default: the same grades). Linear gain, log2 discount. NaN when the ideal
 * DCG is 0.
 */
export function ndcgOfRanked(rankedGrades: readonly number[], k = 10, pool: readonly number[] = rankedGrades): number {
  const ideal = [...pool].map((g) => Math.max(g, 0)).sort((a, b) => b - a);
  const idcg = dcg(ideal, k);
  return idcg > 0 ? dcg(rankedGrades, k) / idcg : Number.NaN;
}

/** NDCG@k of the candidates ranked by `scores` (trainer/metrics.py `ndcg_at`). */
export function ndcgAt(scores: readonly number[], grades: readonly number[], k = 10): number {
  checkPaired(scores, grades);
  return ndcgOfRanked(
    rankOrder(scores).map((i) => grades[i]!),
    k,
    grades,
  );
}

/** Reciprocal rank of the first candidate with grade ≥ 1 in a ranking given as grades, top first. */
export function reciprocalRankOfRanked(rankedGrades: readonly number[]): number {
  const i = rankedGrades.findIndex((g) => g >= 1);
  return i < 0 ? 0 : 1 / (i + 1);
}

/** Reciprocal rank of the candidates ranked by `scores` (trainer/metrics.py `reciprocal_rank`). */
export function reciprocalRank(scores: readonly number[], grades: readonly number[]): number {
  checkPaired(scores, grades);
  return reciprocalRankOfRanked(rankOrder(scores).map((i) => grades[i]!));
}

/**
 * Kendall's τ-b of paired observations x[i], y[i] (e.g. two models' scores or ranks of the same
 * candidate i). O(n²), fine for candidate lists. NaN for fewer than 2 pairs or when one side is
 * constant.
 */
export function kendallTau(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y);
  const n = x.length;
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i]! - x[j]!);
      const dy = Math.sign(y[i]! - y[j]!);
      if (dx === 0 && dy === 0) continue; // tied on both: in neither denominator term
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denom > 0 ? (concordant - discordant) / denom : Number.NaN;
}

/** Kendall's τ between two orderings of the same items (ids, top first). Items in only one are ignored. */
export function kendallTauOfRankings(a: readonly string[], b: readonly string[]): number {
  const posB = new Map(b.map((id, i) => [id, i] as const));
  const x: number[] = [];
  const y: number[] = [];
  a.forEach((id, i) => {
    const j = posB.get(id);
    if (j !== undefined) {
      x.push(i);
      y.push(j);
    }
  });
  return kendallTau(x, y);
}

/**
 * Extrapolated rank-biased overlap RBO_ext (Webber et al. 2010, eq. 32) of two rankings (ids, top
 * first), evaluated to depth k = the shorter list's length (longer lists are cut to it):
 *   RBO_ext = (X_k / k)·p^k + ((1 − p) / p) · Σ_{d=1..k} (X_d / d)·p^d,
 * X_d = |top-d of a ∩ top-d of b|. Duplicate ids are ignored after their first occurrence.
 */
export function rbo(a: readonly string[], b: readonly string[], p = 0.9): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`rbo: p must be in (0, 1), got ${p}`);
  const k = Math.min(a.length, b.length);
  if (k === 0) return Number.NaN;
  const seenA = new Set<string>();
  const seenB = new Set<string>();
  let overlap = 0;
  let sum = 0;
  let pd = 1;
  for (let d = 1; d <= k; d++) {
    const x = a[d - 1]!;
    const y = b[d - 1]!;
    if (!seenA.has(x)) {
      if (seenB.has(x)) overlap++;
      seenA.add(x);
    }
    if (!seenB.has(y)) {
      if (seenA.has(y)) overlap++;
      seenB.add(y);
    }
    pd *= p;
    sum += (overlap / d) * pd;
  }
  return (overlap / k) * pd + ((1 - p) / p) * sum;
}

/** Items that enter and leave the top k going from ranking `a` to ranking `b` (ids, top first). */
export function topKChanges(a: readonly string[], b: readonly string[], k: number): { entered: string[]; left: string[] } {
  const topA = new Set(a.slice(0, k));
  const topB = new Set(b.slice(0, k));
  return {
    entered: b.slice(0, k).filter((id) => !topA.has(id)),
    left: a.slice(0, k).filter((id) => !topB.has(id)),
  };
}

function checkPaired(a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length) throw new RangeError(`metrics: paired arrays differ in length (${a.length} vs ${b.length})`);
}
