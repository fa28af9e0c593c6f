// Inter-annotator agreement and consensus (docs/agreement.md). Pure: numbers in, numbers out, no
// I/O. Cohen's κ (unweighted and quadratic weighted) for two annotators over the items both
// labelled; Krippendorff's α (nominal and ordinal) for any number of annotators with missing labels,
// computed from the coincidence matrix exactly as Krippendorff (2011) defines it. A statistic that
// is undefined (no overlap, one category, nothing pairable) is `value: null` with a reason — never NaN.

import type { AgreementStat } from '../../src-common/api/labeling-types.ts';

/** A statistic, or null with why it is undefined (the API's shape). */
export type Stat = AgreementStat;

const undefinedStat = (reason: string): Stat => ({ value: null, reason });

/** Categories in order: the given scale values, else the observed values sorted ascending. */
function categoryIndex(observed: Iterable<number>, categories?: readonly number[]): number[] {
  const cats = categories ? [...categories] : [...new Set(observed)];
  return cats.sort((a, b) => a - b);
}

export interface KappaResult {
  /** Items both annotators labelled. */
  n: number;
  /** Share of those items with the same value. */
  observed: number | null;
  unweighted: Stat;
  quadratic: Stat;
}

/**
 * Cohen's κ from a confusion matrix of counts (rows: annotator 1's category, columns: annotator 2's),
 * categories in scale order. Unweighted: κ = (p_o − p_e) / (1 − p_e). Quadratic weighted (Cohen 1968
 * with w = (i − j)²): κ_w = 1 − Σ w·O / Σ w·E, E = row total · column total / n. The distance is
 * the categories' positions on the scale (so a category nobody used still counts as a step).
 */
export function kappaFromMatrix(matrix: readonly (readonly number[])[]): KappaResult {
  const c = matrix.length;
  const rows = new Array<number>(c).fill(0);
  const cols = new Array<number>(c).fill(0);
  let n = 0;
  let agree = 0;
  for (let i = 0; i < c; i++)
    for (let j = 0; j < c; j++) {
      const x = matrix[i]![j]!;
      rows[i]! += x;
      cols[j]! += x;
      n += x;
      if (i === j) agree += x;
    }
  if (n === 0)
    return {
      n: 0,
      observed: null,
      unweighted: undefinedStat('no items labelled by both annotators'),
      quadratic: undefinedStat('no items labelled by both annotators'),
    };
  const po = agree / n;
  let pe = 0;
  for (let i = 0; i < c; i++) pe += (rows[i]! / n) * (cols[i]! / n);
  const unweighted =
    pe >= 1 - 1e-12
      ? undefinedStat('both annotators used one and the same category: chance agreement is 1, κ is undefined')
      : { value: (po - pe) / (1 - pe) };
  let wo = 0;
  let we = 0;
  for (let i = 0; i < c; i++)
    for (let j = 0; j < c; j++) {
      const w = (i - j) * (i - j);
      if (w === 0) continue;
      wo += w * matrix[i]![j]!;
      we += (w * rows[i]! * cols[j]!) / n;
    }
  const quadratic =
    we <= 1e-12
      ? undefinedStat('both annotators used one and the same category: expected disagreement is 0, κ is undefined')
      : { value: 1 - wo / we };
  return { n, observed: po, unweighted, quadratic };
}

/** Confusion matrix (counts) of paired values over `categories` (in order). Values off the list throw. */
export function confusionMatrix(a: readonly number[], b: readonly number[], categories: readonly number[]): number[][] {
  if (a.length !== b.length) throw new Error(`paired values differ in length: ${a.length} vs ${b.length}`);
  const at = new Map(categories.map((v, i) => [v, i]));
  const m = categories.map(() => new Array<number>(categories.length).fill(0));
  for (let k = 0; k < a.length; k++) {
    const i = at.get(a[k]!);
    const j = at.get(b[k]!);
    if (i === undefined || j === undefined) throw new Error(`value ${i === undefined ? a[k] : b[k]} is not a category`);
    m[i]![j]!++;
  }
  return m;
}

/** Cohen's κ of two annotators' values on the same items (a[i] and b[i] label item i). */
export function cohenKappa(
  a: readonly number[],
  b: readonly number[],
  categories?: readonly number[],
): KappaResult & { categories: number[] } {
  const cats = categoryIndex([...a, ...b], categories);
  return { ...kappaFromMatrix(confusionMatrix(a, b, cats)), categories: cats };
}

export type AlphaMetric = 'nominal' | 'ordinal';

export interface AlphaResult {
  /** Pairable values: values in units with at least two values (Krippendorff's n). */
  n: number;
  /** Units with at least two values (the others are dropped: nothing to compare). */
  units: number;
  nominal: Stat;
  ordinal: Stat;
}

/**
 * Krippendorff's α for any number of coders with missing values. `units[u]` lists the values unit u
 * received (missing ones left out). Units with fewer than two values are not pairable and are
 * dropped. Coincidences o_ck = Σ_u (number of c–k pairs of different coders in u) / (m_u − 1);
 * n_c = Σ_k o_ck; n = Σ_c n_c. α = 1 − D_o / D_e = 1 − (n − 1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck.
 * Nominal δ² = [c ≠ k]; ordinal δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k) / 2)², g over categories in
 * order (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", §C–E).
 */
export function krippendorffAlpha(units: readonly (readonly number[])[], categories?: readonly number[]): AlphaResult {
  const observed = new Set<number>();
  for (const u of units) if (u.length >= 2) for (const v of u) observed.add(v);
  const cats = categoryIndex(observed, categories);
  const at = new Map(cats.map((v, i) => [v, i]));
  const c = cats.length;
  const o = cats.map(() => new Array<number>(c).fill(0));
  const counts = new Array<number>(c).fill(0);
  let pairable = 0;
  for (const u of units) {
    const m = u.length;
    if (m < 2) continue;
    pairable++;
    counts.fill(0);
    for (const v of u) {
      const i = at.get(v);
      if (i === undefined) throw new Error(`value ${v} is not a category`);
      counts[i]!++;
    }
    for (let i = 0; i < c; i++) {
      const ni = counts[i]!;
      if (ni === 0) continue;
      for (let j = 0; j < c; j++) {
        const nj = counts[j]!;
        if (nj === 0) continue;
        o[i]![j]! += (ni * (i === j ? nj - 1 : nj)) / (m - 1);
      }
    }
  }
  const nc = o.map((row) => row.reduce((s, x) => s + x, 0));
  const n = nc.reduce((s, x) => s + x, 0);
  if (pairable === 0) {
    const why = 'no unit has labels from two annotators: nothing to compare';
    return { n: 0, units: 0, nominal: undefinedStat(why), ordinal: undefinedStat(why) };
  }
  const alpha = (delta2: (i: number, j: number) => number): Stat => {
    let obs = 0;
    let exp = 0;
    for (let i = 0; i < c; i++)
      for (let j = 0; j < c; j++) {
        if (i === j) continue;
        const d = delta2(i, j);
        obs += o[i]![j]! * d;
        exp += nc[i]! * nc[j]! * d;
      }
    if (exp <= 1e-12) return undefinedStat('every pairable value is the same category: expected disagreement is 0');
    return { value: 1 - ((n - 1) * obs) / exp };
  };
  // Prefix sums of n_g for the ordinal distance.
  const prefix = [0];
  for (let i = 0; i < c; i++) prefix.push(prefix[i]! + nc[i]!);
  const ordinalDelta = (i: number, j: number) => {
    const [lo, hi] = i < j ? [i, j] : [j, i];
    const d = prefix[hi + 1]! - prefix[lo]! - (nc[lo]! + nc[hi]!) / 2;
    return d * d;
  };
  return { n, units: pairable, nominal: alpha((i, j) => (i === j ? 0 : 1)), ordinal: alpha(ordinalDelta) };
}

// ---- Consensus (docs/agreement.md "Consensus and tie rules") ----

export type ConsensusRule = 'majority' | 'median' | 'adjudicated';

/** The lower median: the middle value, or the lower of the two middle ones (a value on the scale, never a mean). */
export function lowerMedian(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const s = [...values].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1]!;
}

/**
 * The most frequent value; a tie between the most frequent values goes to the lowest of them — the
 * conservative choice (an item half the judges call relevant is not promoted), the same direction as
 * the lower median.
 */
export function majority(values: readonly number[]): number {
  if (values.length === 0) throw new Error('majority of no values');
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = Infinity;
  let bestN = 0;
  for (const [v, k] of counts) if (k > bestN || (k === bestN && v < best)) ((best = v), (bestN = k));
  return best;
}

/** A consensus value from the annotators' values; `adjudicated` (the lead's value) wins under that rule. */
export function consensusValue(rule: ConsensusRule, values: readonly number[], adjudicated: number | null): number {
  if (rule === 'adjudicated' && adjudicated !== null) return adjudicated;
  return rule === 'majority' ? majority(values) : lowerMedian(values);
}

/** Population variance of values (0 for one value): how far apart the annotators are, for sorting. */
export function variance(values: readonly number[]): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return values.reduce((s, v) => s + (v - mean) * (v - mean), 0) / values.length;
}
