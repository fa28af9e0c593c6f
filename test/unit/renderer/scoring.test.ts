// The scoring state behind the analysis view (src-renderer/src/lib/scoring.svelte.ts) against a
// scripted transport through the real ApiClient: an invalid edit is never sent, and a kept ranking
// (invalid edit, failed re-score) is reported stale, never as current.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, type Transport } from '../../../src-common/api/client.ts';
import type { TurnScoring } from '../../../src-common/api/contract.ts';
import { EDIT_DEBOUNCE_MS, TurnScorer } from '../../../src-renderer/src/lib/scoring.svelte.ts';

function scoring(query: string, counterfactual: boolean): TurnScoring {
  return { turnId: 's#1', query, counterfactual, history: [], models: [], warnings: [] };
}

describe('TurnScorer edits', () => {
  let calls: { method: string; input: any }[];
  let failCounterfactual: string | null;
  let scorer: TurnScorer;
  const transport: Transport = {
    async call(method, input) {
      calls.push({ method, input });
      if (method === 'score.turn') return scoring('winter boots', false);
      if (method === 'variants.list') return [];
      if (method === 'score.counterfactual') {
        if (failCounterfactual) throw new Error(failCounterfactual);
        return scoring((input as { edit: { query?: string } }).edit.query ?? 'winter boots', true);
      }
      throw new Error(`unexpected ${method}`);
    },
  };
  const settle = async () => {
    await vi.advanceTimersByTimeAsync(EDIT_DEBOUNCE_MS + 10);
  };
  const sent = (m: string) => calls.filter((c) => c.method === m);

  beforeEach(async () => {
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', (f: () => void) => setTimeout(f, 0));
    calls = [];
    failCounterfactual = null;
    scorer = new TurnScorer(new ApiClient(transport));
    scorer.score('s#1', ['abc']);
    await settle();
    expect(scorer.original?.query).toBe('winter boots');
  });
  afterEach(() => {
    scorer.dispose();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('a valid query is re-scored and shown as live', async () => {
    scorer.setQuery('waterproof boots');
    expect(scorer.status).toEqual({ kind: 'pending' });
    await settle();
    expect(sent('score.counterfactual').map((c) => c.input.edit)).toEqual([{ query: 'waterproof boots' }]);
    expect(scorer.status).toEqual({ kind: 'live' });
    expect(scorer.current?.query).toBe('waterproof boots');
  });

  it('an empty or too long query is not sent; the last valid ranking stays, marked stale', async () => {
    scorer.setQuery('waterproof boots');
    await settle();
    scorer.setQuery('');
    await settle();
    expect(scorer.editProblem).toBe('Enter a query');
    expect(scorer.status).toEqual({ kind: 'stale', reason: 'Enter a query' });
    expect(scorer.current?.query).toBe('waterproof boots');
    scorer.setQuery('q'.repeat(2001));
    await settle();
    expect(scorer.status.kind).toBe('stale');
    expect(sent('score.counterfactual')).toHaveLength(1);
    expect(await scorer.saveVariant('mine')).toBe(false);
    expect(sent('variants.save')).toHaveLength(0);
  });

  it('a failed re-score keeps the last valid ranking, marked stale with the reason, until one succeeds', async () => {
    scorer.setQuery('waterproof boots');
    await settle();
    failCounterfactual = 'backend overloaded';
    scorer.setQuery('waterproof boots sale');
    await settle();
    expect(scorer.status).toEqual({ kind: 'stale', reason: 're-scoring failed: backend overloaded' });
    expect(scorer.current?.query).toBe('waterproof boots');
    failCounterfactual = null;
    scorer.setQuery('waterproof boots sale!');
    await settle();
    expect(scorer.status).toEqual({ kind: 'live' });
    expect(scorer.current?.query).toBe('waterproof boots sale!');
  });

  it('reset returns to the logged ranking and clears the failure', async () => {
    failCounterfactual = 'down';
    scorer.setQuery('x');
    await settle();
    expect(scorer.status.kind).toBe('stale');
    scorer.resetEdit();
    expect(scorer.status).toEqual({ kind: 'logged' });
    expect(scorer.cfError).toBeNull();
    expect(scorer.current?.counterfactual).toBe(false);
  });
});
