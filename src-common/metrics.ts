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
export function topKChanges(
  a: readonly string[],
  b: readonly string[],
  k: number,
): { entered: string[]; left: string[] } {
  const topA = new Set(a.slice(0, k));
  const topB = new Set(b.slice(0, k));
  return {
    entered: b.slice(0, k).filter((id) => !topA.has(id)),
    left: a.slice(0, k).filter((id) => !topB.has(id)),
  };
}

function checkPaired(a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length)
    throw new RangeError(`metrics: paired arrays differ in length (${a.length} vs ${b.length})`);
}

// ---- Evaluation to trec_eval's definitions (docs/evaluation.md) ----
//
// One topic = one ranked list of docnos plus the topic's judgments (docno → integer grade). The
// definitions follow trec_eval 9 (usnistgov/trec_eval) and, for ERR, gdeval.pl (TREC Web track):
//   - relevant = grade ≥ relevanceLevel (trec_eval -l, default 1); num_rel counts the topic's
//     judged documents that are relevant, retrieved or not.
//   - Negative grades are judgments that count as not relevant and carry no gain (trec_eval reads
//     them as "judged, not in the pool sample"; gdeval as gain 0).
//   - ndcg / ndcg_cut: gain = grade (linear; grades ≤ 0 give nothing), discount 1/log2(rank + 1);
//     the ideal DCG ranks every judged document of the topic by grade (`ideal: 'topic'`, what
//     trec_eval does for runs) or only the documents in the ranking (`ideal: 'shown'`, what a
//     model turn knows: its candidates). No gain anywhere → 0.
//   - P_k divides by k even when fewer than k documents were retrieved.
//   - map: Σ precision at each relevant retrieved document / num_rel; Rprec: relevant in the top
//     num_rel / num_rel; recip_rank: 1 / rank of the first relevant document. All 0 when num_rel = 0.
//   - err_k (gdeval): R(g) = (2^g − 1) / 2^maxGrade (maxGrade 4 as in gdeval; grades ≤ 0 → 0),
//     ERR = Σ_r R_r / r · Π_{i<r} (1 − R_i).
//   - judged_k (not in trec_eval; as in ir_measures' Judged@k): share of the top k positions whose
//     document has any judgment; divides by k.
// A topic with no relevant document gets 0 in every measure and still counts in the mean, as in
// trec_eval (the app's per-turn metrics above show "—" for such turns and leave them out instead).

/** Measures `evaluateTopic` computes; those with cutoffs are written `P.5,10` on input, `P_5` on output. */
export const CUTOFF_MEASURES = ['P', 'ndcg_cut', 'err', 'judged'] as const;
export const SINGLE_MEASURES = ['map', 'Rprec', 'recip_rank', 'ndcg', 'num_ret', 'num_rel', 'num_rel_ret'] as const;
export type CutoffMeasure = (typeof CUTOFF_MEASURES)[number];
export type SingleMeasure = (typeof SINGLE_MEASURES)[number];
/** trec_eval's default cutoffs for P and ndcg_cut; gdeval's default depth 20 for err. */
export const DEFAULT_CUTOFFS: Record<CutoffMeasure, number[]> = {
  P: [5, 10, 15, 20, 30, 100, 200, 500, 1000],
  ndcg_cut: [5, 10, 15, 20, 30, 100, 200, 500, 1000],
  err: [20],
  judged: [10],
};
/** Summed, not averaged, over topics in the `all` line (trec_eval prints them as integers). */
export const COUNT_MEASURES: ReadonlySet<string> = new Set(['num_ret', 'num_rel', 'num_rel_ret', 'num_q']);

export type MeasureRequest = { measure: SingleMeasure } | { measure: CutoffMeasure; cutoffs: number[] };

export interface EvalOptions {
  /** trec_eval -l: the lowest grade that counts as relevant (binary measures). Default 1. */
  relevanceLevel?: number;
  /** Which judged documents make the ideal ranking (NDCG): every judged one of the topic, or only those ranked. */
  ideal?: 'topic' | 'shown';
  /** gdeval's MAX_JUDGMENT for ERR: the grade with stopping probability ~1. Default 4. */
  errMaxGrade?: number;
}

/**
 * Parses trec_eval-style measure names: `map`, `P` (default cutoffs), `P.5,10`, `ndcg_cut.10`,
 * `err.20`, `judged.10`, `Rprec`, `recip_rank`, `ndcg`. Throws a RangeError that names the bad part.
 */
export function parseMeasure(spec: string): MeasureRequest {
  const [name, params, ...rest] = spec.trim().split('.');
  if (rest.length > 0 || name === undefined || name === '')
    throw new RangeError(`measure ${JSON.stringify(spec)}: expected NAME or NAME.K1,K2`);
  if ((SINGLE_MEASURES as readonly string[]).includes(name)) {
    if (params !== undefined) throw new RangeError(`measure ${JSON.stringify(spec)}: ${name} takes no cutoffs`);
    return { measure: name as SingleMeasure };
  }
  if ((CUTOFF_MEASURES as readonly string[]).includes(name)) {
    const m = name as CutoffMeasure;
    if (params === undefined) return { measure: m, cutoffs: [...DEFAULT_CUTOFFS[m]] };
    const cutoffs = params.split(',').map((p) => {
      if (!/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 1_000_000) {
        throw new RangeError(
          `measure ${JSON.stringify(spec)}: cutoff ${JSON.stringify(p)} is not a whole number from 1 to 1000000`,
        );
      }
      return Number(p);
    });
    if (new Set(cutoffs).size !== cutoffs.length)
      throw new RangeError(`measure ${JSON.stringify(spec)}: duplicate cutoffs`);
    return { measure: m, cutoffs: cutoffs.sort((a, b) => a - b) };
  }
  const known = [...SINGLE_MEASURES, ...CUTOFF_MEASURES].join(', ');
  throw new RangeError(`measure ${JSON.stringify(spec)}: unknown; known measures: ${known}`);
}

/** Output names of a request, in trec_eval's spelling (`P_10`, `ndcg_cut_10`, `map`). */
export function measureNames(req: MeasureRequest): string[] {
  return 'cutoffs' in req ? req.cutoffs.map((k) => `${req.measure}_${k}`) : [req.measure];
}

/** Compares strings as C's strcmp compares their UTF-8 bytes (= by code point), unlike JS `<` (UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    if (ca > 0xffff) i++; // skip the low surrogate of an astral character
  }
  return a.length - b.length;
}

/**
 * A run's documents for one topic in trec_eval's order: score descending, ties broken by docno in
 * DESCENDING byte order (trec_eval's comp_sim_docno and gdeval's runOrder). The run's rank column
 * is ignored, as trec_eval ignores it.
 */
export function trecRunOrder(entries: readonly { docno: string; score: number }[]): string[] {
  return [...entries]
    .sort((x, y) => (x.score !== y.score ? y.score - x.score : compareCodePoints(y.docno, x.docno)))
    .map((e) => e.docno);
}

/** Evaluates one topic's ranking against its judgments: output name → value. */
export function evaluateTopic(
  ranked: readonly string[],
  judgments: ReadonlyMap<string, number>,
  requests: readonly MeasureRequest[],
  opts: EvalOptions = {},
): Map<string, number> {
  const level = opts.relevanceLevel ?? 1;
  const maxGrade = opts.errMaxGrade ?? 4;
  // Grade of each ranked document; undefined = not judged.
  const grades = ranked.map((d) => judgments.get(d));
  const pool = opts.ideal === 'shown' ? grades.filter((g): g is number => g !== undefined) : [...judgments.values()];
  const numRel = pool.filter((g) => g >= level).length;
  const isRel = grades.map((g) => g !== undefined && g >= level);
  const gains = grades.map((g) => Math.max(g ?? 0, 0));
  const ideal = pool.map((g) => Math.max(g, 0)).sort((a, b) => b - a);
  const out = new Map<string, number>();
  const relAtOrBefore = (k: number) => isRel.slice(0, k).filter(Boolean).length;
  for (const req of requests) {
    switch (req.measure) {
      case 'num_ret':
        out.set('num_ret', ranked.length);
        break;
      case 'num_rel':
        out.set('num_rel', numRel);
        break;
      case 'num_rel_ret':
        out.set('num_rel_ret', isRel.filter(Boolean).length);
        break;
      case 'map': {
        let found = 0;
        let sum = 0;
        isRel.forEach((r, i) => {
          if (r) sum += ++found / (i + 1);
        });
        out.set('map', numRel > 0 ? sum / numRel : 0);
        break;
      }
      case 'Rprec':
        out.set('Rprec', numRel > 0 ? relAtOrBefore(numRel) / numRel : 0);
        break;
      case 'recip_rank': {
        const i = isRel.indexOf(true);
        out.set('recip_rank', i < 0 ? 0 : 1 / (i + 1));
        break;
      }
      case 'ndcg': {
        const idcg = dcg(ideal, Infinity);
        out.set('ndcg', idcg > 0 ? dcg(gains, Infinity) / idcg : 0);
        break;
      }
      case 'ndcg_cut':
        for (const k of req.cutoffs) {
          const idcg = dcg(ideal, k);
          out.set(`ndcg_cut_${k}`, idcg > 0 ? dcg(gains, k) / idcg : 0);
        }
        break;
      case 'P':
        for (const k of req.cutoffs) out.set(`P_${k}`, relAtOrBefore(k) / k);
        break;
      case 'err':
        for (const k of req.cutoffs) out.set(`err_${k}`, err(gains, k, maxGrade));
        break;
      case 'judged':
        for (const k of req.cutoffs)
          out.set(`judged_${k}`, grades.slice(0, k).filter((g) => g !== undefined).length / k);
        break;
    }
  }
  return out;
}

/** ERR@k of gains in ranked order (gdeval.pl): stopping probability (2^g − 1) / 2^maxGrade. */
function err(gainsInOrder: readonly number[], k: number, maxGrade: number): number {
  let score = 0;
  let stillLooking = 1;
  const n = Math.min(k, gainsInOrder.length);
  for (let i = 0; i < n; i++) {
    const r = (2 ** gainsInOrder[i]! - 1) / 2 ** maxGrade;
    score += (r * stillLooking) / (i + 1);
    stillLooking *= 1 - r;
  }
  return score;
}

/**
 * The `all` line: the mean of each measure over the evaluated topics (sums for the num_* counts),
 * plus num_q. Topics are those given — trec_eval evaluates the topics present in both run and qrels.
 */
export function summarizeTopics(perTopic: readonly ReadonlyMap<string, number>[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const t of perTopic) for (const [name, v] of t) sums.set(name, (sums.get(name) ?? 0) + v);
  const out = new Map<string, number>([['num_q', perTopic.length]]);
  for (const [name, s] of sums)
    out.set(name, COUNT_MEASURES.has(name) || perTopic.length === 0 ? s : s / perTopic.length);
  return out;
}

/** One line of trec_eval's output: name padded to 22, tab, topic, tab, value (%6.4f; counts as integers). */
export function formatTrecEvalLine(name: string, topic: string, value: number): string {
  const v = COUNT_MEASURES.has(name) ? String(Math.round(value)) : value.toFixed(4).padStart(6);
  return `${name.padEnd(22)}\t${topic}\t${v}`;
}
