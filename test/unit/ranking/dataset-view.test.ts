// Pure logic of the dataset view (src-renderer/src/lib/dataset.ts) and its route: the default model
// pair (baseline as A, QGS as B, so Δ = B − A reads "what query conditioning changed"), model
// prefixes, the chart's bars from a metrics.turns summary, and restorable #/dataset URLs.
import { describe, expect, it } from 'vitest';
import type { ModelSummary, TurnMetricsPage } from '../../../src-common/api/contract.ts';
import { chartBars, defaultPair, resolveModel } from '../../../src-renderer/src/lib/dataset.ts';
import { parseHash, routeHash, type Route } from '../../../src-renderer/src/lib/routes.ts';

const model = (sha256: string, encoder: string) => ({ sha256, encoder, name: encoder }) as unknown as ModelSummary;

describe('dataset view logic', () => {
  it('pairs the flattened baseline (A) with a linear QGS model (B) by default', () => {
    const soft = model('aa'.repeat(32), 'softmax');
    const flat = model('bb'.repeat(32), 'flattened');
    const lin = model('cc'.repeat(32), 'linear');
    expect(defaultPair([soft, flat, lin])).toEqual({ a: flat.sha256, b: lin.sha256 });
    expect(defaultPair([soft, flat])).toEqual({ a: flat.sha256, b: soft.sha256 });
    expect(defaultPair([soft, lin])).toEqual({ a: soft.sha256, b: lin.sha256 });
    expect(defaultPair([lin])).toBeNull();
  });

  it('resolves a unique sha256 prefix only', () => {
    const ms = [model('abcd1234' + '0'.repeat(56), 'linear'), model('abcd9999' + '0'.repeat(56), 'flattened')];
    expect(resolveModel(ms, 'ABCD1234')).toBe(ms[0]!.sha256);
    expect(resolveModel(ms, 'abcd')).toBeNull();
    expect(resolveModel(ms, undefined)).toBeNull();
  });

  it('draws one bar per model for each turn kind that has turns, with the summary means', () => {
    const none = { turns: 0, ndcgA: null, ndcgB: null, mrrA: null, mrrB: null };
    const summary: TurnMetricsPage['summary'] = {
      all: { turns: 3, ndcgA: 0.5, ndcgB: 0.6, mrrA: 1, mrrB: 1 },
      start: { turns: 1, ndcgA: 0.25, ndcgB: 0.75, mrrA: 1, mrrB: 1 },
      switch: none,
      continuation: { turns: 2, ndcgA: 0.9, ndcgB: 0.8, mrrA: 1, mrrB: 0.5 },
    };
    expect(chartBars(summary)).toEqual([
      { kind: 'start', model: 'A', value: 0.25, turns: 1 },
      { kind: 'start', model: 'B', value: 0.75, turns: 1 },
      { kind: 'continuation', model: 'A', value: 0.9, turns: 2 },
      { kind: 'continuation', model: 'B', value: 0.8, turns: 2 },
    ]);
  });

  it('round-trips #/dataset URLs with models, filters and sort; drops malformed parts', () => {
    const routes: Route[] = [
      { name: 'dataset' },
      { name: 'dataset', a: '84f4e9a9175e', b: 'f1cde2d60458' },
      { name: 'dataset', a: '84f4e9a9175e', b: 'f1cde2d60458', kind: 'switch', q: 'red shoes & más', user: 'u 1', sort: '-delta' },
    ];
    for (const r of routes) expect(parseHash(routeHash(r))).toEqual(r);
    expect(parseHash('#/dataset?a=zz&kind=sideways&sort=up')).toEqual({ name: 'dataset' });
  });
});
