// Rules of the counterfactual editor and the ranking's stale state (src-renderer/src/lib/counterfactual.ts).
import { describe, expect, it } from 'vitest';
import { contract, turnEdit } from '../../../src-common/api/contract.ts';
import {
  describeEdit,
  QUERY_MAX,
  queryProblem,
  rankingStatus,
  runtimeNote,
  STALE_LABEL,
  VARIANT_NAME_MAX,
  type RankingState,
} from '../../../src-renderer/src/lib/counterfactual.ts';

describe('counterfactual query', () => {
  it('uses exactly the limits the contract enforces', () => {
    expect(turnEdit.safeParse({ query: 'q'.repeat(QUERY_MAX) }).success).toBe(true);
    expect(turnEdit.safeParse({ query: 'q'.repeat(QUERY_MAX + 1) }).success).toBe(false);
    const save = contract['variants.save'].input;
    expect(save.safeParse({ turnId: 's#1', name: 'n'.repeat(VARIANT_NAME_MAX), edit: {} }).success).toBe(true);
    expect(save.safeParse({ turnId: 's#1', name: 'n'.repeat(VARIANT_NAME_MAX + 1), edit: {} }).success).toBe(false);
  });
  it('refuses an empty or blank query and one over the limit, naming the limit', () => {
    expect(queryProblem('')).toBe('Enter a query');
    expect(queryProblem('   ')).toBe('Enter a query');
    expect(queryProblem('q'.repeat(QUERY_MAX + 1))).toMatch(/2,001 characters; at most 2,000/);
    expect(queryProblem('trail shoes')).toBeNull();
    expect(queryProblem('q'.repeat(QUERY_MAX))).toBeNull();
  });
});

describe('ranking status while editing', () => {
  const base: RankingState = { edited: true, problem: null, loading: false, failed: null, answered: true };
  it('is the logged ranking without an edit, whatever else is set', () => {
    expect(rankingStatus({ ...base, edited: false, failed: 'x', answered: false })).toEqual({ kind: 'logged' });
  });
  it('is live only when the shown counterfactual answers the current edit', () => {
    expect(rankingStatus(base)).toEqual({ kind: 'live' });
    expect(rankingStatus({ ...base, answered: false })).toEqual({
      kind: 'stale',
      reason: 'this edit has not been scored',
    });
  });
  it('is pending while the re-score runs, stale when it failed', () => {
    expect(rankingStatus({ ...base, loading: true, answered: false })).toEqual({ kind: 'pending' });
    expect(rankingStatus({ ...base, failed: 'bad_request: query too long', answered: false })).toEqual({
      kind: 'stale',
      reason: 're-scoring failed: bad_request: query too long',
    });
  });
  it('is stale with the problem while the edit is invalid, even when an older answer is on screen', () => {
    expect(rankingStatus({ ...base, problem: 'Enter a query', answered: false })).toEqual({
      kind: 'stale',
      reason: 'Enter a query',
    });
    expect(rankingStatus({ ...base, problem: 'Enter a query', loading: true })).toEqual({
      kind: 'stale',
      reason: 'Enter a query',
    });
    expect(STALE_LABEL).toBe('stale: showing the last valid ranking');
  });
});

describe('variant and runtime texts', () => {
  it('describes every part of an edit', () => {
    expect(
      describeEdit({
        query: 'x y',
        removeHistorySteps: [1, 4],
        features: [{ itemId: 'i1', feature: 'bm25', value: 2 }],
      }),
    ).toBe('query "x y"; history steps 1, 4 removed; bm25 of i1 = 2');
    expect(describeEdit({})).toBe('');
  });
  it('keeps the fallback hover short and free of install instructions', () => {
    expect(runtimeNote({ provider: 'cpu', fallback: null })).toBeNull();
    const note = runtimeNote({
      provider: 'cpu',
      fallback:
        'cuda: CUDA provider library not installed (run `npm run install:cuda`; needs an NVIDIA driver, CUDA 12 and cuDNN 9)',
    })!;
    expect(note.label).toBe('fallback');
    expect(note.hover).toMatch(/^Ran on CPU/);
    expect(note.hover).not.toMatch(/CUDA|Vulkan|install|apt-get|npm/);
    expect(note.hover.length).toBeLessThan(200);
  });
});
