// Display logic of the ranking and two-model diff panels (src-renderer/src/lib/ranking.ts).
import { describe, expect, it } from 'vitest';
import type { ModelSummary, ModelTurnScores, ScoredCandidate } from '../../../src-common/api/contract.ts';
import {
  compareRows,
  diffSide,
  featureGroupsOf,
  fmtWeight,
  rankDiff,
  weightsTitle,
} from '../../../src-renderer/src/lib/ranking.ts';

function cand(itemId: string, rank: number, groupWeight: number[] = [0.5, 0.5], title = itemId): ScoredCandidate {
  return { itemId, title, position: rank, rank, score: 10 - rank, groupWeight } as ScoredCandidate;
}

describe('group weight labels', () => {
  it('prints weights as short shares (.42) next to the bars', () => {
    expect(fmtWeight(0.4213)).toBe('.42');
    expect(fmtWeight(0.005)).toBe('.01');
    expect(fmtWeight(0.004)).toBe('0');
    expect(fmtWeight(0)).toBe('0');
    expect(fmtWeight(0.999)).toBe('1');
    expect(fmtWeight(1)).toBe('1');
    expect(fmtWeight(-0.12)).toBe('−.12');
    expect(fmtWeight(Number.NaN)).toBe('—');
  });
  it('hover lists every group with 4 decimals, and the value before an edit', () => {
    expect(weightsTitle(['text', 'stat'], [0.25, 0.75])).toBe('text 0.2500\nstat 0.7500');
    expect(weightsTitle(['text', 'stat'], [0.25, 0.75], [0.5, 0.5])).toBe(
      'text 0.2500 (was 0.5000)\nstat 0.7500 (was 0.5000)',
    );
  });
});

describe('two-model diff rows', () => {
  // Two items share a title: only the item id tells them apart.
  const A = [cand('a', 1, [0.7, 0.3], 'Boots review'), cand('b', 2, [0.2, 0.8], 'Boots review'), cand('c', 3)];
  const B = [cand('b', 1, [0.1, 0.9], 'Boots review'), cand('d', 2), cand('a', 3, [0.4, 0.6], 'Boots review')];
  const diff = rankDiff(A, B, 2);
  it('each side is in its own rank order with its diff row', () => {
    const side = diffSide(B, diff);
    expect(side.map((s) => s.c.itemId)).toEqual(['b', 'd', 'a']);
    expect(side.map((s) => s.row?.delta ?? null)).toEqual([1, null, -2]);
    expect(side[0]!.row!.entersTopK).toBe(false);
    expect(side[1]!.row!.entersTopK).toBe(true);
  });
  it('pairs both models’ candidates per item (A’s order, then items only B ranks)', () => {
    const rows = compareRows(A, B);
    expect(rows.map((r) => r.itemId)).toEqual(['a', 'b', 'c', 'd']);
    expect(rows[0]!.a!.groupWeight).toEqual([0.7, 0.3]);
    expect(rows[0]!.b!.groupWeight).toEqual([0.4, 0.6]);
    expect(rows[2]!.b).toBeNull();
    expect(rows[3]!.a).toBeNull();
    // Same title, different items: both rows are kept apart by id.
    expect(rows.filter((r) => r.title === 'Boots review').map((r) => r.itemId)).toEqual(['a', 'b']);
  });
});

describe('feature groups of a model', () => {
  const m = {
    model: { sha256: 'f'.repeat(64), name: 'm', version: '1', encoder: 'linear' },
    groups: ['text', 'stat'],
  } as ModelTurnScores;
  it('come from the registry (with their features) when the model is registered', () => {
    const reg = [
      {
        sha256: 'f'.repeat(64),
        groups: [
          { name: 'text', features: ['bm25'] },
          { name: 'stat', features: ['ctr'] },
        ],
      },
    ] as ModelSummary[];
    expect(featureGroupsOf(reg, m)).toEqual([
      { name: 'text', features: ['bm25'] },
      { name: 'stat', features: ['ctr'] },
    ]);
  });
  it('fall back to the group names the scoring reports', () => {
    expect(featureGroupsOf([], m)).toEqual([
      { name: 'text', features: [] },
      { name: 'stat', features: [] },
    ]);
  });
});
