// Agreement statistics (src-backend/ranking/agreement.ts, docs/agreement.md): the worked examples
// published with the definitions, hand-computed cases, and the undefined cases (null with a reason).
import { describe, expect, it } from 'vitest';
import {
  cohenKappa,
  consensusValue,
  kappaFromMatrix,
  krippendorffAlpha,
  lowerMedian,
  majority,
} from '../../../src-backend/ranking/agreement.ts';
import { Rng } from '../../../src-common/prng.ts';

/** Expand a confusion matrix of counts into paired value lists (categories 0..C-1). */
function pairsOf(matrix: number[][]): { a: number[]; b: number[] } {
  const a: number[] = [];
  const b: number[] = [];
  matrix.forEach((row, i) =>
    row.forEach((k, j) => {
      for (let x = 0; x < k; x++) (a.push(i), b.push(j));
    }),
  );
  return { a, b };
}

describe("Cohen's kappa", () => {
  it('Cohen (1960), Table 1: 200 items, three categories, p_o = .70, p_e = .41, κ = .492', () => {
    // Proportions .44 .07 .09 / .05 .20 .05 / .01 .03 .06 of 200 items; marginals .60 .30 .10 and .50 .30 .20.
    const m = [
      [88, 14, 18],
      [10, 40, 10],
      [2, 6, 12],
    ];
    const k = kappaFromMatrix(m);
    expect(k.n).toBe(200);
    expect(k.observed).toBeCloseTo(0.7, 12);
    expect(k.unweighted.value).toBeCloseTo((0.7 - 0.41) / 0.59, 12);
    expect(k.unweighted.value!.toFixed(3)).toBe('0.492');
    // The same from the raw pairs.
    const { a, b } = pairsOf(m);
    expect(cohenKappa(a, b).unweighted.value).toBeCloseTo(k.unweighted.value!, 12);
  });

  it('the textbook 2×2 example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no → κ = 0.4', () => {
    const k = kappaFromMatrix([
      [20, 5],
      [10, 15],
    ]);
    expect(k.unweighted.value).toBeCloseTo(0.4, 12);
    // Two categories: quadratic weights are the unweighted ones (w = 1 off the diagonal).
    expect(k.quadratic.value).toBeCloseTo(0.4, 12);
  });

  it('quadratic weighted κ by hand: 5 items on a 0–2 scale', () => {
    // a: 0 0 1 2 2, b: 0 1 1 1 2. Off-diagonal O: (0,1) = 1, (2,1) = 1 → Σ w·O = 1 + 1 = 2.
    // Rows (a): 2 1 2, columns (b): 1 3 1, n = 5. Σ w·E = Σ_{i≠j} (i−j)² r_i c_j / 5
    //   = [1·(2·3) + 4·(2·1) + 1·(1·1) + 1·(1·1) + 4·(2·1) + 1·(2·3)] / 5 = (6+8+1+1+8+6)/5 = 6.
    // κ_w = 1 − 2/6 = 2/3. Unweighted: p_o = 3/5, p_e = (2·1 + 1·3 + 2·1)/25 = 7/25 → (15−7)/(25−7) = 8/18.
    const k = cohenKappa([0, 0, 1, 2, 2], [0, 1, 1, 1, 2]);
    expect(k.quadratic.value).toBeCloseTo(2 / 3, 12);
    expect(k.unweighted.value).toBeCloseTo(8 / 18, 12);
  });

  it('quadratic weighted κ equals 2·cov / (var_a + var_b + (mean_a − mean_b)²) (Fleiss & Cohen 1973)', () => {
    const r = new Rng(7);
    for (let trial = 0; trial < 20; trial++) {
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < 60; i++) {
        const x = Math.floor(r.next() * 4);
        a.push(x);
        b.push(Math.min(3, Math.max(0, x + Math.floor(r.next() * 3) - 1)));
      }
      const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
      const [ma, mb] = [mean(a), mean(b)];
      const cov = mean(a.map((x, i) => (x - ma) * (b[i]! - mb)));
      const va = mean(a.map((x) => (x - ma) ** 2));
      const vb = mean(b.map((x) => (x - mb) ** 2));
      // Categories fixed to the whole scale so an unused level still counts as a step.
      const k = cohenKappa(a, b, [0, 1, 2, 3]);
      expect(k.quadratic.value).toBeCloseTo((2 * cov) / (va + vb + (ma - mb) ** 2), 10);
    }
  });

  it('a scale level nobody used still counts as a step of the quadratic distance', () => {
    // Values 0 and 2 only; on the scale 0..2 they are two steps apart (w = 4), which cancels out in
    // κ_w when only two categories are used — but the category list must accept the unused level.
    const k = cohenKappa([0, 2, 0, 2], [0, 2, 2, 2], [0, 1, 2]);
    expect(k.categories).toEqual([0, 1, 2]);
    expect(k.quadratic.value).toBeCloseTo(
      kappaFromMatrix([
        [1, 1],
        [0, 2],
      ]).quadratic.value!,
      12,
    );
  });

  it('undefined cases are null with a reason, never NaN', () => {
    const none = cohenKappa([], []);
    expect(none.n).toBe(0);
    expect(none.unweighted).toEqual({ value: null, reason: expect.stringMatching(/no items labelled by both/) });
    expect(none.quadratic.value).toBeNull();
    const same = cohenKappa([2, 2, 2], [2, 2, 2]);
    expect(same.observed).toBe(1);
    expect(same.unweighted.value).toBeNull();
    expect(same.unweighted.reason).toMatch(/one and the same category/);
    expect(same.quadratic.value).toBeNull();
    // Perfect agreement over two categories is 1, not undefined.
    expect(cohenKappa([0, 1, 1], [0, 1, 1]).unweighted.value).toBe(1);
  });
});

describe("Krippendorff's alpha", () => {
  // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", §C: 4 observers, 12 units,
  // values 1–5, missing values as '*'. Published: α nominal = 0.743, ordinal = 0.815 (interval 0.849).
  const star = null;
  const data: (number | null)[][] = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, star, star, star],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, star, 3],
    [star, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, star],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, star],
  ];
  const units = data[0]!.map((_, u) => data.map((row) => row[u]).filter((v): v is number => v !== null));

  it('the worked example with missing values: nominal 0.743, ordinal 0.815, n = 40 pairable values', () => {
    const a = krippendorffAlpha(units);
    expect(a.units).toBe(11); // unit 12 has one value: not pairable, dropped
    expect(a.n).toBe(40);
    expect(a.nominal.value!.toFixed(3)).toBe('0.743');
    expect(a.ordinal.value!.toFixed(3)).toBe('0.815');
  });

  it('units with one value change nothing (they are not pairable)', () => {
    const more = [...units, [4], [1], [5]];
    expect(krippendorffAlpha(more)).toEqual(krippendorffAlpha(units));
  });

  it('by hand: three units on two categories, α = 1 − (n−1)·Σo·δ² / Σn_c·n_k·δ² = 4/9', () => {
    // o11 = 2, o22 = 2, o12 = o21 = 1; n1 = n2 = 3, n = 6 → 1 − 5·2 / (2·9) = 4/9 (nominal = ordinal with two categories).
    const a = krippendorffAlpha([
      [1, 1],
      [2, 2],
      [1, 2],
    ]);
    expect(a.nominal.value).toBeCloseTo(4 / 9, 12);
    expect(a.ordinal.value).toBeCloseTo(4 / 9, 12);
  });

  it('by hand: the ordinal rank-sum distance on three categories', () => {
    // Units [1,2] and [1,3]: o12 = o21 = o13 = o31 = 1; n1 = 2, n2 = n3 = 1, n = 4.
    // Nominal: 1 − 3·4 / (2·(2 + 2 + 1)) = −0.2.
    // Ordinal δ²: 12 → (3 − 1.5)² = 2.25, 13 → (4 − 1.5)² = 6.25, 23 → (2 − 1)² = 1.
    //   Σo·δ² = 2·(2.25 + 6.25) = 17; Σn·n·δ² = 2·(2·2.25 + 2·6.25 + 1·1) = 36 → 1 − 3·17/36.
    const a = krippendorffAlpha([
      [1, 2],
      [1, 3],
    ]);
    expect(a.nominal.value).toBeCloseTo(-0.2, 12);
    expect(a.ordinal.value).toBeCloseTo(1 - (3 * 17) / 36, 12);
  });

  it('three coders in one unit: each pair counts, weighted by 1/(m_u − 1)', () => {
    // [1,1,2] and [2,2,2]: o11 = 2·1/2 = 1, o12 = o21 = 2·1/2 = 1, o22 = 3·2/2 = 3; n1 = 2, n2 = 4, n = 6.
    // α = 1 − 5·2 / (2·2·4) = 1 − 10/16 = 0.375.
    expect(
      krippendorffAlpha([
        [1, 1, 2],
        [2, 2, 2],
      ]).nominal.value,
    ).toBeCloseTo(0.375, 12);
  });

  it('perfect agreement is 1; undefined cases are null with a reason', () => {
    expect(
      krippendorffAlpha([
        [1, 1],
        [2, 2, 2],
        [3, 3],
      ]).ordinal.value,
    ).toBe(1);
    const one = krippendorffAlpha([
      [2, 2],
      [2, 2, 2],
    ]);
    expect(one.nominal).toEqual({ value: null, reason: expect.stringMatching(/same category/) });
    expect(one.ordinal.value).toBeNull();
    const lone = krippendorffAlpha([[1], [2], []]);
    expect(lone.units).toBe(0);
    expect(lone.nominal.reason).toMatch(/no unit has labels from two annotators/);
  });
});

describe('consensus rules', () => {
  it('median is the lower median (a level of the scale, never a mean)', () => {
    expect(lowerMedian([3, 0, 2])).toBe(2);
    expect(lowerMedian([0, 3])).toBe(0);
    expect(lowerMedian([1, 2, 2, 3])).toBe(2);
  });
  it('majority: the most frequent value; a tie goes to the lowest tied value', () => {
    expect(majority([2, 2, 3])).toBe(2);
    expect(majority([3, 1, 3, 0])).toBe(3);
    expect(majority([3, 1])).toBe(1);
    expect(majority([0, 0, 3, 3, 2])).toBe(0);
  });
  it('adjudicated: the lead’s value wins, else the median', () => {
    expect(consensusValue('adjudicated', [0, 3], 3)).toBe(3);
    expect(consensusValue('adjudicated', [0, 3, 3], null)).toBe(3);
    expect(consensusValue('median', [0, 3], 3)).toBe(0);
    expect(consensusValue('majority', [1, 1, 3], 3)).toBe(1);
  });
});
