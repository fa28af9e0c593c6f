// trec_eval-style evaluation in src-common/metrics.ts, on a topic worked out by hand (the
// expected values below are written as the arithmetic of the definitions in docs/evaluation.md).
import { describe, expect, it } from 'vitest';
import {
  compareCodePoints,
  evaluateTopic,
  formatTrecEvalLine,
  parseMeasure,
  summarizeTopics,
  trecRunOrder,
  type MeasureRequest,
} from '../../../src-common/metrics.ts';

const ALL: MeasureRequest[] = [
  'map',
  'Rprec',
  'recip_rank',
  'ndcg',
  'ndcg_cut.3,10',
  'P.5,10',
  'err.20',
  'judged.5',
  'num_ret',
  'num_rel',
  'num_rel_ret',
].map(parseMeasure);

// d6 is relevant but not retrieved; d5 has a negative grade; dX is retrieved but unjudged.
const judgments = new Map([
  ['d1', 3],
  ['d2', 0],
  ['d3', 1],
  ['d4', 2],
  ['d5', -2],
  ['d6', 1],
]);
const run = [
  { docno: 'd2', score: 0.9 },
  { docno: 'd1', score: 0.8 },
  { docno: 'dX', score: 0.8 },
  { docno: 'd3', score: 0.5 },
  { docno: 'd5', score: 0.4 },
  { docno: 'd4', score: 0.1 },
];
const log2 = Math.log2;

describe('trec_eval order', () => {
  it('ranks by score, breaking ties by docno in descending byte order (the rank column is ignored)', () => {
    // "dX" > "d1" byte-wise, so dX comes first among the 0.8 tie.
    expect(trecRunOrder(run)).toEqual(['d2', 'dX', 'd1', 'd3', 'd5', 'd4']);
  });
  it('compares like strcmp over UTF-8 (code points), not UTF-16 units', () => {
    // U+FF5E (one UTF-16 unit) sorts before U+1F600 (a surrogate pair) by code point; JS '<' says otherwise.
    expect('\u{1F600}' < '\uFF5E').toBe(true);
    expect(compareCodePoints('\u{1F600}', '\uFF5E')).toBeGreaterThan(0);
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('doc', 'doc')).toBe(0);
  });
});

describe('one topic by hand (relevance level 1, ideal from every judged document)', () => {
  const v = evaluateTopic(trecRunOrder(run), judgments, ALL);
  // Ranked grades: d2 0, dX unjudged, d1 3, d3 1, d5 −2, d4 2. Relevant (≥1) in the topic: d1 d3 d4 d6 → 4.
  it('counts', () => {
    expect(v.get('num_ret')).toBe(6);
    expect(v.get('num_rel')).toBe(4);
    expect(v.get('num_rel_ret')).toBe(3);
  });
  it('binary measures', () => {
    expect(v.get('P_5')).toBeCloseTo(2 / 5, 12);
    expect(v.get('P_10')).toBeCloseTo(3 / 10, 12); // divides by k even though only 6 were retrieved
    expect(v.get('map')).toBeCloseTo((1 / 3 + 2 / 4 + 3 / 6) / 4, 12); // d6 never retrieved still counts in num_rel
    expect(v.get('Rprec')).toBeCloseTo(2 / 4, 12);
    expect(v.get('recip_rank')).toBeCloseTo(1 / 3, 12);
  });
  it('NDCG with linear gains; negative grades give no gain; ideal from all judged documents', () => {
    const dcg = 3 / log2(4) + 1 / log2(5) + 2 / log2(7);
    const idcg = 3 + 2 / log2(3) + 1 / log2(4) + 1 / log2(5);
    expect(v.get('ndcg')).toBeCloseTo(dcg / idcg, 12);
    expect(v.get('ndcg')).toBeCloseTo(0.509015, 5);
    expect(v.get('ndcg_cut_3')).toBeCloseTo(3 / log2(4) / (3 + 2 / log2(3) + 1 / log2(4)), 12);
  });
  it('ERR as gdeval (maximum grade 4)', () => {
    const r = (g: number) => (2 ** g - 1) / 16;
    expect(v.get('err_20')).toBeCloseTo(r(3) / 3 + (r(1) * (1 - r(3))) / 4 + (r(2) * (1 - r(3)) * (1 - r(1))) / 6, 12);
  });
  it('judged@k counts any judgment, negative ones too', () => {
    expect(v.get('judged_5')).toBeCloseTo(4 / 5, 12);
  });
});

describe('options', () => {
  it('-l 2: only grades ≥ 2 are relevant', () => {
    const v = evaluateTopic(trecRunOrder(run), judgments, ['P.5', 'map', 'recip_rank', 'Rprec'].map(parseMeasure), {
      relevanceLevel: 2,
    });
    expect(v.get('P_5')).toBeCloseTo(1 / 5, 12);
    expect(v.get('map')).toBeCloseTo((1 / 3 + 2 / 6) / 2, 12);
    expect(v.get('recip_rank')).toBeCloseTo(1 / 3, 12);
    expect(v.get('Rprec')).toBe(0);
  });
  it("ideal 'shown': a model turn knows only its candidates", () => {
    const v = evaluateTopic(trecRunOrder(run), judgments, ['ndcg', 'map'].map(parseMeasure), { ideal: 'shown' });
    const dcg = 3 / log2(4) + 1 / log2(5) + 2 / log2(7);
    expect(v.get('ndcg')).toBeCloseTo(dcg / (3 + 2 / log2(3) + 1 / log2(4)), 12);
    expect(v.get('map')).toBeCloseTo((1 / 3 + 2 / 4 + 3 / 6) / 3, 12);
  });
  it('a topic with no relevant document scores 0 everywhere', () => {
    const v = evaluateTopic(
      ['a', 'b'],
      new Map([
        ['a', 0],
        ['b', -1],
      ]),
      ALL,
    );
    for (const name of ['map', 'Rprec', 'recip_rank', 'ndcg', 'ndcg_cut_10', 'P_5', 'err_20'])
      expect(v.get(name), name).toBe(0);
    expect(v.get('judged_5')).toBeCloseTo(2 / 5, 12);
  });
});

describe('summary and output', () => {
  it('averages measures and sums counts over topics; num_q is the topic count', () => {
    const s = summarizeTopics([
      new Map([
        ['map', 0.5],
        ['num_ret', 10],
      ]),
      new Map([
        ['map', 0.25],
        ['num_ret', 5],
      ]),
    ]);
    expect(s.get('num_q')).toBe(2);
    expect(s.get('map')).toBeCloseTo(0.375, 12);
    expect(s.get('num_ret')).toBe(15);
  });
  it("prints trec_eval's line format", () => {
    expect(formatTrecEvalLine('map', 'all', 1 / 3)).toBe('map                   \tall\t0.3333');
    expect(formatTrecEvalLine('num_q', 'all', 2)).toBe('num_q                 \tall\t2');
  });
  it('refuses unknown measures and bad cutoffs, naming them', () => {
    expect(() => parseMeasure('mrr')).toThrow(/unknown.*known measures/);
    expect(() => parseMeasure('P.0')).toThrow(/cutoff "0"/);
    expect(() => parseMeasure('map.10')).toThrow(/takes no cutoffs/);
    expect(() => parseMeasure('P.5,5')).toThrow(/duplicate/);
    expect(parseMeasure('P')).toEqual({ measure: 'P', cutoffs: [5, 10, 15, 20, 30, 100, 200, 500, 1000] });
  });
});
