// Pure logic behind the timeline and the ranking views (src-renderer/src/lib/timeline.ts, ranking.ts).
import { describe, expect, it } from 'vitest';
import type { ResultRow, Turn } from '../../../src-common/api/types.ts';
import type { ModelTurnScores, ScoredCandidate } from '../../../src-common/api/contract.ts';
import { classifySession } from '../../../src-common/segmentation.ts';
import {
  boundaryReasons,
  initialWindow,
  nearest,
  segmentOfTurn,
  segmentsOf,
  sessionSteps,
  weightSplit,
} from '../../../src-renderer/src/lib/timeline.ts';
import { rankDiff, sortCandidates, turnMetrics } from '../../../src-renderer/src/lib/ranking.ts';

function r(itemId: string, position: number, click = false, dwellMs: number | null = null): ResultRow {
  return { itemId, title: itemId, position, click, dwellMs, features: {} };
}
function session(spec: [string, ResultRow[]][]): Turn[] {
  const ts = (i: number) => Date.UTC(2026, 0, 1, 0, 0, i * 30);
  const kinds = classifySession(spec.map(([query], i) => ({ query, time: ts(i) })));
  return spec.map(([query, results], i) => ({
    turnId: `s#${i}`,
    index: i,
    ts: new Date(ts(i)).toISOString(),
    query,
    boundary: kinds[i]!.kind,
    results,
  }));
}

const turns = session([
  ['trail running shoes', [r('a', 1, true, 40_000), r('b', 2)]],
  ['best trail running shoes', [r('c', 1), r('d', 2, true, 1000), r('e', 3, true, 5000)]],
  ['espresso grinder', [r('f', 1)]],
  ['espresso grinder review', [r('g', 1, true, 100)]],
  ['espresso grinder review', []],
]);

describe('timeline segments and steps', () => {
  it('explains each stored boundary in one sentence, and says when it was stored by an earlier rule', () => {
    const reasons = boundaryReasons(turns);
    expect(reasons[0]).toBe('First query of the session.');
    expect(reasons[2]).toBe('Topic words “espresso”, “grinder” are not in “best trail running shoes”: a new topic.');
    expect(reasons[4]).toBe('Same words as the previous query (a re-issue or the next page).');
    const v1 = turns.map((t, i) => (i === 3 ? { ...t, query: 'review', boundary: 'switch' as const } : t));
    expect(boundaryReasons(v1)[3]).toBe(
      'Stored as switch by an earlier boundary rule; the current rule says refinement.',
    );
  });

  it('splits topic segments at switches only', () => {
    expect(turns.map((t) => t.boundary)).toEqual(['start', 'refinement', 'switch', 'refinement', 'repeat']);
    const segs = segmentsOf(turns);
    expect(segs.map((s) => [s.first, s.last, s.opener, s.query])).toEqual([
      [0, 1, 'start', 'trail running shoes'],
      [2, 4, 'switch', 'espresso grinder'],
    ]);
    expect([...segmentOfTurn(segs, turns.length)]).toEqual([0, 0, 1, 1, 1]);
  });

  it('numbers history steps like the backend: clicks in position order, one no-click step otherwise', () => {
    const steps = sessionSteps(turns);
    expect(steps.map((s) => [s.step, s.turnIndex, s.itemId, s.action])).toEqual([
      [0, 0, 'a', 'long_click'],
      [1, 1, 'd', 'click'],
      [2, 1, 'e', 'click'],
      [3, 2, null, 'no_click'],
      [4, 3, 'g', 'click'],
      [5, 4, null, 'no_click'],
    ]);
  });

  it('splits a turn’s history weight between its own topic and earlier topics', () => {
    const steps = sessionSteps(turns);
    const seg = segmentOfTurn(segmentsOf(turns), turns.length);
    const w = new Map([
      [0, 0.1],
      [1, 0.2],
      [2, 0.3],
      [3, 0.15],
      [4, 0.25],
    ]);
    const split = weightSplit(steps, seg, 4, w);
    expect(split.current).toBeCloseTo(0.4, 12);
    expect(split.earlier).toBeCloseTo(0.6, 12);
  });

  it('opens long sessions on a window around the focus', () => {
    expect(initialWindow(50, 10, 120)).toEqual([0, 49]);
    expect(initialWindow(2000, 1000, 120)).toEqual([940, 1059]);
    expect(initialWindow(2000, 5, 120)).toEqual([0, 119]);
    expect(initialWindow(2000, 1999, 120)).toEqual([1880, 1999]);
  });

  it('finds the nearest x', () => {
    const xs = new Float64Array([0, 10, 20, 20, 35]);
    expect(nearest(xs, -5)).toBe(0);
    expect(nearest(xs, 14)).toBe(1);
    expect(nearest(xs, 16)).toBe(2);
    expect(nearest(xs, 100)).toBe(4);
    expect(nearest(new Float64Array(), 1)).toBe(-1);
  });
});

function cand(itemId: string, rank: number, gw: number[]): ScoredCandidate {
  return { itemId, title: itemId, position: rank, rank, score: -rank, groupWeight: gw };
}

describe('ranking view logic', () => {
  const A = [cand('a', 1, [0.5, 0.5]), cand('b', 2, [0.9, 0.1]), cand('c', 3, [0.1, 0.9]), cand('d', 4, [0.5, 0.5])];
  const B = [cand('c', 1, [0, 1]), cand('a', 2, [0, 1]), cand('b', 3, [0, 1]), cand('d', 4, [0, 1])];

  it('sorts by a group weight, ties by model rank', () => {
    expect(sortCandidates(A, { by: 'group', group: 0 }).map((c) => c.itemId)).toEqual(['b', 'a', 'd', 'c']);
    expect(sortCandidates([...A].reverse(), { by: 'rank' }).map((c) => c.itemId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('diffs two rankings: deltas, top-k entries and exits, τ and RBO', () => {
    const d = rankDiff(A, B, 2);
    expect(d.rows.map((x) => [x.itemId, x.delta])).toEqual([
      ['a', -1],
      ['b', -1],
      ['c', 2],
      ['d', 0],
    ]);
    expect(d.entered).toEqual(['c']);
    expect(d.left).toEqual(['b']);
    expect(d.moved).toBe(3);
    expect(d.kendallTau).toBeCloseTo(2 / 6, 12); // pairs: ab C, ac D, ad C, bc D, bd C, cd C → 4−2
    expect(d.rbo).toBeGreaterThan(0);
    expect(d.rbo).toBeLessThan(1);
  });

  it('computes NDCG@k and RR of a model ranking from grades, unlabelled = 0', () => {
    const m = { candidates: B } as unknown as ModelTurnScores;
    const t = turnMetrics(m, new Map([['a', 2]]), 10)!;
    expect(t.rr).toBeCloseTo(0.5, 12);
    expect(t.ndcg).toBeCloseTo(1 / Math.log2(3), 12);
    expect(turnMetrics(m, null, 10)).toBeNull();
  });
});
