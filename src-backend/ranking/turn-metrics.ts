// Per-turn NDCG@k / reciprocal rank and one chosen measure of two models over the whole workspace, from the scores their
// batch jobs stored (`scores`, `scored_turns`), against a judgment set (`qrels`). Behind
// `metrics.turns` (the dataset view and "jump to worst regression"). The metrics themselves are
// src-common/metrics.ts (the one module; mirrors trainer/metrics.py):
//   - candidates = the turn's logged results in logged order; a candidate's score is the model's
//     stored score for (turn, item); ties keep logged order (rankOrder is stable), as score.turn does;
//   - grade = the set's grade for (turn, item), 0 when unjudged;
//   - the chosen measure (`measure`: ndcg_cut, P, map, recip_rank, err, judged, Rprec; cut at k where
//     it takes a cut-off) is evaluateTopic with ideal 'shown' — the candidates are what the app
//     knows — so for ndcg_cut it is exactly ndcgA / ndcgB; unjudged candidates stay unjudged there
//     (judged@k counts them); delta, the sort and the summary use it;
//   - a turn with no candidate of grade ≥ 1 has NaN NDCG and is left out (counted: skippedNoRelevant);
//   - a turn that A or B has not batch-scored yet is left out (counted: unscored).
// Per-turn values are computed once per (A, B, set, k, measure) and cached until the scored-turn counts, the
// set's size or the turn count change; filters and sorting then work on the cached array. The
// computation reads in turn ranges and yields to the event loop between them (and stops when the
// call is cancelled), so a large workspace does not stall other requests.
import {
  CUT_TURN_MEASURES,
  type KindSummary,
  type TurnKind,
  type TurnMeasure,
  type TurnMetricsPage,
  type TurnMetricsRow,
} from '../../src-common/api/contract.ts';
import type { Split } from '../../src-common/api/types.ts';
import { evaluateTopic, ndcgAt, rankOrder, reciprocalRank, type MeasureRequest } from '../../src-common/metrics.ts';
import { maxTurnPk, searchFold, turnCount } from '../store/sessions.ts';
import { qrelsSetPk, qrelsSetVersion } from '../store/qrels.ts';
import { metricsTurns, prepareMetricsCandidates, scoredTurnCount } from '../store/scores.ts';
import { formatTurnId } from '../store/turn-ids.ts';
import type { Store } from '../store/store.ts';

export interface TurnMetricsQuery {
  modelA: string;
  modelB: string;
  setName: string;
  k: number;
  /** Default 'ndcg_cut' (NDCG@k). */
  measure?: TurnMeasure | undefined;
  split?: Split | undefined;
  boundary?: TurnKind | undefined;
  q?: string | undefined;
  userId?: string | undefined;
  sort: 'delta' | '-delta';
  offset: number;
  limit: number;
}

type Boundary = TurnMetricsRow['boundary'];

/** Grades from another source than a qrels set (labels, docs/labeling.md): turn_pk → item_pk → grade, and a version for the cache. */
export interface GradeLookup {
  byPk: Map<number, Map<number, number>>;
  version: string;
}

interface TurnRecord {
  turnPk: number;
  row: TurnMetricsRow | null; // null: scored by both but no relevant candidate
  scoredA: boolean;
  scoredB: boolean;
  split: Split | null;
  userId: string;
  folded: string;
  kind: TurnKind;
}

export function kindOf(boundary: Boundary): TurnKind {
  return boundary === 'start' || boundary === 'switch' ? boundary : 'continuation';
}

const cache = new WeakMap<Store, Map<string, { version: string; turns: TurnRecord[] }>>();

function version(store: Store, a: string, b: string, setPk: number): string {
  const db = store.db;
  return [turnCount(db), scoredTurnCount(db, a), scoredTurnCount(db, b), qrelsSetVersion(db, setPk)].join('/');
}

/** Rows read between yields to the event loop, so a large workspace does not stall the request loop. */
const CHUNK = 20_000;
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The chosen measure of one model's ranking of a turn's candidates (scores in logged order; ties keep it). */
function measureOf(
  scores: readonly number[],
  judged: readonly (number | undefined)[],
  req: MeasureRequest,
  name: string,
): number {
  const judgments = new Map<string, number>();
  judged.forEach((g, i) => g !== undefined && judgments.set(String(i), g));
  const v = evaluateTopic(rankOrder(scores).map(String), judgments, [req], { ideal: 'shown' }).get(name);
  if (v === undefined) throw new Error(`turn metrics: evaluateTopic returned no ${name}`);
  return v;
}

async function computeAll(
  store: Store,
  a: string,
  b: string,
  setPk: number,
  k: number,
  measure: TurnMeasure,
  signal?: AbortSignal,
  ext?: GradeLookup | null,
): Promise<TurnRecord[]> {
  const db = store.db;
  const cut = CUT_TURN_MEASURES.has(measure);
  const req: MeasureRequest = cut
    ? { measure: measure as 'ndcg_cut' | 'P' | 'err' | 'judged', cutoffs: [k] }
    : { measure: measure as 'map' | 'recip_rank' | 'Rprec' };
  const name = cut ? `${measure}_${k}` : measure;
  const turns = metricsTurns(db, a, b);
  // Candidates of every turn, logged order, with grade and both stored scores.
  // `judged`: the grade, undefined when unjudged (`grades` has 0 there, as NDCG and RR read it).
  const cands = new Map<number, { grades: number[]; judged: (number | undefined)[]; sa: number[]; sb: number[] }>();
  // Read in turn_pk ranges (each a short statement), yielding between them; the reads are on
  // store.db, which sees only committed data.
  const maxPk = maxTurnPk(db);
  const read = prepareMetricsCandidates(db, setPk, a, b);
  const rows: { turn_pk: number; item_pk: number; grade: number | null; a: number | null; b: number | null }[] = [];
  const TURNS_PER_READ = Math.max(1, Math.floor(CHUNK / 15));
  for (let lo = 0; lo < maxPk; lo += TURNS_PER_READ) {
    for (const r of read(lo, lo + TURNS_PER_READ)) rows.push(r);
    await yieldNow();
    signal?.throwIfAborted();
  }
  for (const r of rows) {
    let c = cands.get(r.turn_pk);
    if (!c) cands.set(r.turn_pk, (c = { grades: [], judged: [], sa: [], sb: [] }));
    const g = ext ? ext.byPk.get(r.turn_pk)?.get(r.item_pk) : (r.grade ?? undefined);
    c.judged.push(g);
    c.grades.push(g ?? 0);
    c.sa.push(r.a ?? Number.NaN);
    c.sb.push(r.b ?? Number.NaN);
  }
  return turns.map((t) => {
    const kind = kindOf(t.boundary);
    const rec: TurnRecord = {
      turnPk: t.turn_pk,
      row: null,
      scoredA: t.sa === 1,
      scoredB: t.sb === 1,
      split: t.split,
      userId: t.user_id,
      folded: searchFold(t.query),
      kind,
    };
    const c = cands.get(t.turn_pk);
    if (!rec.scoredA || !rec.scoredB || !c || !c.grades.some((g) => g >= 1)) return rec;
    const ndcgA = ndcgAt(c.sa, c.grades, k);
    const ndcgB = ndcgAt(c.sb, c.grades, k);
    const valueA = measureOf(c.sa, c.judged, req, name);
    const valueB = measureOf(c.sb, c.judged, req, name);
    rec.row = {
      turnId: formatTurnId(t.session_id, t.idx),
      sessionId: t.session_id,
      index: t.idx,
      query: t.query,
      userId: t.user_id,
      boundary: t.boundary,
      kind,
      ndcgA,
      ndcgB,
      mrrA: reciprocalRank(c.sa, c.grades),
      mrrB: reciprocalRank(c.sb, c.grades),
      valueA,
      valueB,
      delta: valueB - valueA,
    };
    return rec;
  });
}

async function allTurns(
  store: Store,
  a: string,
  b: string,
  setPk: number,
  k: number,
  measure: TurnMeasure,
  signal?: AbortSignal,
  ext?: GradeLookup | null,
  source = '',
): Promise<TurnRecord[]> {
  let perStore = cache.get(store);
  if (!perStore) cache.set(store, (perStore = new Map()));
  const key = `${a}|${b}|${setPk}|${k}|${measure}|${source}`;
  const v = version(store, a, b, setPk) + (ext ? `/${ext.version}` : '');
  const hit = perStore.get(key);
  if (hit && hit.version === v) return hit.turns;
  const turns = await computeAll(store, a, b, setPk, k, measure, signal, ext);
  if (perStore.size > 8) perStore.clear();
  perStore.set(key, { version: v, turns });
  return turns;
}

function summarise(rows: readonly TurnMetricsRow[]): KindSummary {
  if (rows.length === 0)
    return { turns: 0, valueA: null, valueB: null, ndcgA: null, ndcgB: null, mrrA: null, mrrB: null };
  const mean = (f: (r: TurnMetricsRow) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  return {
    turns: rows.length,
    valueA: mean((r) => r.valueA),
    valueB: mean((r) => r.valueB),
    ndcgA: mean((r) => r.ndcgA),
    ndcgB: mean((r) => r.ndcgB),
    mrrA: mean((r) => r.mrrA),
    mrrB: mean((r) => r.mrrB),
  };
}

/**
 * `metrics.turns`: models already resolved to sha256 (and names). Filters combine with AND; the
 * summary and the counts honour every filter except `boundary`, so the chart always shows all kinds.
 */
export async function turnMetrics(
  store: Store,
  q: TurnMetricsQuery & { nameA: string; nameB: string },
  signal?: AbortSignal,
  grades?: GradeLookup | null,
): Promise<TurnMetricsPage> {
  // `grades`: the set name is a labels source; no qrels row has set_pk 0, so SQL grades are all 0.
  const setPk = grades ? 0 : qrelsSetPk(store, q.setName);
  const measure = q.measure ?? 'ndcg_cut';
  const all = await allTurns(store, q.modelA, q.modelB, setPk, q.k, measure, signal, grades, grades ? q.setName : '');
  const needle = q.q !== undefined && q.q.trim() !== '' ? searchFold(q.q.trim()) : null;
  const inScope = all.filter(
    (t) =>
      (q.split === undefined || t.split === q.split) &&
      (q.userId === undefined || t.userId === q.userId) &&
      (needle === null || t.folded.includes(needle)),
  );
  const unscored = { modelA: 0, modelB: 0, either: 0 };
  let skippedNoRelevant = 0;
  const scoredRows: TurnMetricsRow[] = [];
  for (const t of inScope) {
    if (!t.scoredA) unscored.modelA++;
    if (!t.scoredB) unscored.modelB++;
    if (!t.scoredA || !t.scoredB) unscored.either++;
    else if (t.row === null) skippedNoRelevant++;
    else scoredRows.push(t.row);
  }
  const summary = {
    all: summarise(scoredRows),
    start: summarise(scoredRows.filter((r) => r.kind === 'start')),
    switch: summarise(scoredRows.filter((r) => r.kind === 'switch')),
    continuation: summarise(scoredRows.filter((r) => r.kind === 'continuation')),
  };
  const matching = q.boundary === undefined ? scoredRows : scoredRows.filter((r) => r.kind === q.boundary);
  const sign = q.sort === 'delta' ? 1 : -1;
  // Stable sort: equal deltas stay in turn order (session import order, then turn index).
  const sorted = [...matching].sort((x, y) => sign * (x.delta - y.delta));
  return {
    modelA: { sha256: q.modelA, name: q.nameA },
    modelB: { sha256: q.modelB, name: q.nameB },
    setName: q.setName,
    k: q.k,
    measure,
    total: sorted.length,
    offset: q.offset,
    rows: sorted.slice(q.offset, q.offset + q.limit),
    summary,
    skippedNoRelevant,
    unscored,
    turnsInScope: inScope.length,
  };
}
