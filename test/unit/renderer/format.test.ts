// Pure display helpers of the renderer: marking the searched text in a matched query (compared the
// way the backend's search compares) and metric labels for tooltips.
import { describe, expect, it } from 'vitest';
import { fmtMetric, matchParts } from '../../../src-renderer/src/lib/format.ts';

const marked = (text: string, needle: string) =>
  matchParts(text, needle)
    .map((p) => (p.hit ? `[${p.text}]` : p.text))
    .join('');

describe('matchParts', () => {
  it('marks the first case-insensitive occurrence, keeping the original text', () => {
    expect(marked('Zelda Tears of the Kingdom', 'tears')).toBe('Zelda [Tears] of the Kingdom');
    expect(marked('zelda zelda', 'ZELDA')).toBe('[zelda] zelda');
    expect(marked('西安自由行', '自由')).toBe('西安[自由]行');
  });
  it('folds like the backend (NFKC): full-width text matches ASCII', () => {
    expect(marked('ＳＴＥＡＭ deck', 'steam')).toBe('[ＳＴＥＡＭ] deck');
  });
  it('maps a match back to whole characters when folding changes lengths', () => {
    // 'İ' lower-cases to two code units (i + combining dot).
    expect(marked('İstanbul hotels', 'hotels')).toBe('İstanbul [hotels]');
    expect(marked('😀 emoji', 'emoji')).toBe('😀 [emoji]');
  });
  it('no match or an empty needle: the text unmarked', () => {
    expect(matchParts('zelda', 'mario')).toEqual([{ text: 'zelda', hit: false }]);
    expect(matchParts('zelda', '  ')).toEqual([{ text: 'zelda', hit: false }]);
  });
});

describe('fmtMetric', () => {
  it('puts " = " between the label and the value (the tooltip read "NDCG@100.9727")', () => {
    expect(fmtMetric('mean NDCG@10', 0.97271)).toBe('mean NDCG@10 = 0.9727');
    expect(fmtMetric('Δ', null)).toBe('Δ = —');
  });
});
