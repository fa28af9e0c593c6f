// src-common/metrics.ts. NDCG@k and reciprocal rank are checked against values computed by the
// trainer's own trainer/metrics.py (test/fixtures/metrics-vectors.json, written by running it), so
// the app and the trainer agree turn by turn; RBO against an independent set-based RBO_ext.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  kendallTau,
  kendallTauOfRankings,
  ndcgAt,
  ndcgOfRanked,
  rankOrder,
  ranksOf,
  rbo,
  reciprocalRank,
  reciprocalRankOfRanked,
  topKChanges,
} from '../../../src-common/metrics.ts';

interface Vectors {
  metrics: { scores: number[]; grades: number[]; k: number; ndcg: number; rr: number }[];
  rbo: { a: string[]; b: string[]; p: number; rbo: number }[];
}
const vectors = JSON.parse(
  readFileSync(new URL('../../fixtures/metrics-vectors.json', import.meta.url), 'utf8'),
) as Vectors;

describe('NDCG@k and reciprocal rank (trainer/metrics.py twins)', () => {
  it.each(vectors.metrics.map((c, i) => [i, c] as const))('vector %i', (_i, c) => {
    expect(ndcgAt(c.scores, c.grades, c.k)).toBeCloseTo(c.ndcg, 12);
    expect(reciprocalRank(c.scores, c.grades)).toBeCloseTo(c.rr, 12);
  });

  it('uses linear gains and a log2 discount', () => {
    // ranked grades [0, 1]: DCG = 1/log2(3); ideal [1, 0]: 1.
    expect(ndcgAt([2, 1], [0, 1])).toBeCloseTo(1 / Math.log2(3), 12);
    // grade 3 at rank 2 with grade 1 at rank 1: (1 + 3/log2 3) / (3 + 1/log2 3) — linear, not 2^g − 1.
    expect(ndcgOfRanked([1, 3], 10)).toBeCloseTo((1 + 3 / Math.log2(3)) / (3 + 1 / Math.log2(3)), 12);
  });

  it('is NaN without a relevant candidate; RR is 0 then', () => {
    expect(ndcgAt([3, 2, 1], [0, 0, 0])).toBeNaN();
    expect(reciprocalRank([3, 2, 1], [0, 0, 0])).toBe(0);
    expect(reciprocalRankOfRanked([0, 0, 2])).toBeCloseTo(1 / 3, 12);
  });

  it('keeps the input order on score ties (stable, like np.argsort kind="stable")', () => {
    expect(rankOrder([1, 5, 1, 5])).toEqual([1, 3, 0, 2]);
    expect(ranksOf([1, 5, 1, 5])).toEqual([3, 1, 4, 2]);
    expect(ndcgAt([1, 1], [0, 2])).toBeCloseTo(1 / Math.log2(3), 12);
  });

  it('cuts at k and normalises by the ideal top k', () => {
    expect(ndcgOfRanked([0, 3, 3], 1)).toBe(0);
    expect(ndcgOfRanked([3, 0, 3], 1)).toBe(1);
  });

  it('refuses unpaired arrays', () => {
    expect(() => ndcgAt([1, 2], [1])).toThrow(/differ in length/);
  });
});

describe("Kendall's τ", () => {
  it('is 1 for the same order, −1 for the reverse', () => {
    expect(kendallTau([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
    expect(kendallTau([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    expect(kendallTauOfRankings(['a', 'b', 'c'], ['a', 'b', 'c'])).toBe(1);
  });

  it('counts concordant minus discordant pairs (τ-a without ties)', () => {
    // one adjacent swap among 4 items: 5 concordant, 1 discordant of 6 pairs.
    expect(kendallTauOfRankings(['a', 'b', 'c', 'd'], ['b', 'a', 'c', 'd'])).toBeCloseTo(4 / 6, 12);
  });

  it('is τ-b with ties', () => {
    // x = [1,1,2], y = [1,2,3]: pairs (0,1) tied in x only, (0,2) C, (1,2) C → 2 / sqrt(3·2)
    expect(kendallTau([1, 1, 2], [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(6), 12);
  });

  it('ignores items in only one ranking; NaN below two pairs', () => {
    expect(kendallTauOfRankings(['a', 'x', 'b'], ['a', 'b', 'y'])).toBe(1);
    expect(kendallTau([1], [1])).toBeNaN();
  });
});

describe('rank-biased overlap (RBO_ext)', () => {
  it.each(vectors.rbo.map((c, i) => [i, c] as const))('vector %i', (_i, c) => {
    expect(rbo(c.a, c.b, c.p)).toBeCloseTo(c.rbo, 12);
  });

  it('is 1 for identical lists and 0 for disjoint ones', () => {
    expect(rbo(['a', 'b', 'c'], ['a', 'b', 'c'])).toBeCloseTo(1, 12);
    expect(rbo(['a', 'b'], ['c', 'd'])).toBe(0);
  });

  it('weights the top: a swap at the top costs more than one at the bottom', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `i${i}`);
    const top = [ids[1]!, ids[0]!, ...ids.slice(2)];
    const bottom = [...ids.slice(0, 8), ids[9]!, ids[8]!];
    expect(rbo(ids, top)).toBeLessThan(rbo(ids, bottom));
  });

  it('refuses p outside (0, 1)', () => {
    expect(() => rbo(['a'], ['a'], 1)).toThrow(RangeError);
  });
});

describe('top-k changes', () => {
  it('lists items entering and leaving the top k', () => {
    expect(topKChanges(['a', 'b', 'c', 'd'], ['c', 'a', 'd', 'b'], 2)).toEqual({ entered: ['c'], left: ['b'] });
  });
});
