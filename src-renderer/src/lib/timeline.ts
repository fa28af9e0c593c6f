// Pure data behind the session timeline (views/SessionTimeline.svelte): topic segments, history
// steps and the split of a turn's history weight between the current segment and earlier topics.
// No DOM, no d3 — unit-tested in test/unit/renderer/timeline.test.ts.
//
// Segments. Every turn carries its boundary kind from the API (src-common/segmentation.ts, the one
// rule; never recomputed here). A *topic segment* starts at the first turn and at every `switch`;
// `refinement` and `repeat` turns continue the segment they are in. Inside a segment each
// refinement is drawn as a minor boundary.
//
// History steps. src-common/history.ts, the numbering history assembly and the scoring API use
// (twin of trainer/history.py): each turn contributes one step per clicked
// result in position order, or a single no-click step when nothing was clicked. Steps are numbered
// 0.. over the whole session in time order, so the history of turn t is exactly the steps of turns
// before t, with the same numbers the scoring API reports.
import type { Turn } from '../../../src-common/api/types.ts';
import { classifySession, explainBoundary, type BoundaryKind } from '../../../src-common/segmentation.ts';
import { historySteps, type HistoryStep } from '../../../src-common/history.ts';
export { LONG_CLICK_MS, type HistoryStep, type StepAction } from '../../../src-common/history.ts';

export interface Segment {
  /** 0-based segment number in the session. */
  n: number;
  /** Index (Turn.index) of the first and last turn in the segment. */
  first: number;
  last: number;
  /** Position of the first and last turn in the session's turn array. */
  from: number;
  to: number;
  /** The query that opened the segment. */
  query: string;
  /** 'start' for the first segment, 'switch' for every later one. */
  opener: Extract<BoundaryKind, 'start' | 'switch'>;
}

/**
 * The one-sentence reason for each turn's stored boundary (src-common/segmentation.ts
 * explainBoundary), for the hover card. The kind itself stays the stored one: where the rule today
 * decides differently (a workspace not yet migrated), the sentence says so instead of explaining a
 * decision the view does not show.
 */
export function boundaryReasons(turns: readonly Turn[]): string[] {
  const decisions = classifySession(turns.map((t) => ({ query: t.query, time: Date.parse(t.ts) })));
  return turns.map((t, i) => {
    const d = decisions[i]!;
    return d.kind === t.boundary
      ? explainBoundary(d, t.query)
      : `Stored as ${t.boundary} by an earlier boundary rule; the current rule says ${d.kind}.`;
  });
}

/** Topic segments: split before every `switch` turn. */
export function segmentsOf(turns: readonly Turn[]): Segment[] {
  const out: Segment[] = [];
  turns.forEach((t, i) => {
    const cur = out.at(-1);
    if (!cur || t.boundary === 'switch' || t.boundary === 'start') {
      out.push({
        n: out.length,
        first: t.index,
        last: t.index,
        from: i,
        to: i,
        query: t.query,
        opener: cur ? 'switch' : 'start',
      });
    } else {
      cur.last = t.index;
      cur.to = i;
    }
  });
  return out;
}

/** Segment number of each turn, by position in the turn array. */
export function segmentOfTurn(segments: readonly Segment[], turnCount: number): Int32Array {
  const seg = new Int32Array(turnCount);
  for (const s of segments) seg.fill(s.n, s.from, s.to + 1);
  return seg;
}

/** Every history step a session's turns contribute, in step order. */
export function sessionSteps(turns: readonly Turn[]): HistoryStep[] {
  return historySteps(turns, (t) => t.results.filter((r) => r.click));
}

export interface WeightSplit {
  /** Sum of weights on steps inside the selected turn's own topic segment. */
  current: number;
  /** Sum on steps of earlier topic segments (what a query-conditioned model should not lean on). */
  earlier: number;
  /** Steps with weight (step number → weight), as given. */
  steps: number;
}

/**
 * How a turn's history weight divides between its own topic segment and earlier topics. `weights`
 * maps step number → history_weight; steps must belong to turns before `turnPos`.
 */
export function weightSplit(
  steps: readonly HistoryStep[],
  segOfTurn: Int32Array,
  turnPos: number,
  weights: ReadonlyMap<number, number>,
): WeightSplit {
  const mySeg = segOfTurn[turnPos] ?? -1;
  let current = 0;
  let earlier = 0;
  for (const [step, w] of weights) {
    const s = steps[step];
    if (!s) continue;
    if (segOfTurn[s.turnPos] === mySeg) current += w;
    else earlier += w;
  }
  return { current, earlier, steps: weights.size };
}

/**
 * The initial visible window of a long session: about `maxTurns` turns centred on `focusPos`
 * (positions in the turn array), clamped to the session. Returns [fromPos, toPos] inclusive.
 */
export function initialWindow(turnCount: number, focusPos: number | null, maxTurns: number): [number, number] {
  if (turnCount <= maxTurns) return [0, Math.max(0, turnCount - 1)];
  const centre = focusPos ?? 0;
  let from = Math.max(0, centre - Math.floor(maxTurns / 2));
  const to = Math.min(turnCount - 1, from + maxTurns - 1);
  from = Math.max(0, to - maxTurns + 1);
  return [from, to];
}

/** Index of the value in sorted `xs` nearest to `x` (-1 when empty). */
export function nearest(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(xs[lo - 1]! - x) <= Math.abs(xs[lo]! - x)) return lo - 1;
  return lo;
}
