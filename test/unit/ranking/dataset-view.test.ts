// Pure logic of the dataset view (src-renderer/src/lib/dataset.ts) and its route: the default model
// pair (baseline as A, QGS as B, so Δ = B − A reads "what query conditioning changed"), model
// prefixes, the Δ chart's bars and axis from a metrics.turns summary, and restorable #/dataset URLs.
import { describe, expect, it } from 'vitest';
import type { ModelSummary, TurnMetricsPage } from '../../../src-common/api/contract.ts';
import { deltaBars, deltaExtent, defaultPair, resolveModel } from '../../../src-renderer/src/lib/dataset.ts';
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

  it('draws one Δ = B − A bar per turn kind that has turns, with both means', () => {
    const none = { turns: 0, ndcgA: null, ndcgB: null, mrrA: null, mrrB: null };
    const summary: TurnMetricsPage['summary'] = {
      all: { turns: 3, ndcgA: 0.5, ndcgB: 0.6, mrrA: 1, mrrB: 1 },
      start: { turns: 1, ndcgA: 0.25, ndcgB: 0.75, mrrA: 1, mrrB: 1 },
      switch: none,
      continuation: { turns: 2, ndcgA: 0.9, ndcgB: 0.8, mrrA: 1, mrrB: 0.5 },
    };
    const bars = deltaBars(summary);
    expect(bars.map((b) => [b.kind, b.meanA, b.meanB, b.turns])).toEqual([
      ['start', 0.25, 0.75, 1],
      ['continuation', 0.9, 0.8, 2],
    ]);
    expect(bars[0]!.delta).toBeCloseTo(0.5, 12);
    expect(bars[1]!.delta).toBeCloseTo(-0.1, 12);
  });

  it('fits the Δ axis to the differences, so a 0.006 gap fills most of the chart', () => {
    const bar = (delta: number) => ({ kind: 'switch' as const, delta, meanA: 0.918, meanB: 0.918 + delta, turns: 10 });
    const e = deltaExtent([bar(-0.006), bar(0.002)]);
    expect(e).toBeGreaterThan(0.006);
    expect(0.006 / e).toBeGreaterThan(0.8); // the largest bar spans > 80% of its half
    expect(deltaExtent([bar(0)])).toBe(0.001); // all equal: still a readable axis
    expect(deltaExtent([])).toBe(0.001);
  });

  it('round-trips #/dataset URLs with models, filters and sort; drops malformed parts', () => {
    const routes: Route[] = [
      { name: 'dataset' },
      { name: 'dataset', a: '84f4e9a9175e', b: 'f1cde2d60458' },
      { name: 'dataset', a: '84f4e9a9175e', b: 'f1cde2d60458', kind: 'switch', q: 'red shoes & más', user: 'u 1', sort: '-delta' },
      { name: 'dataset', a: '84f4e9a9175e', b: 'f1cde2d60458', split: 'test', k: 5 },
    ];
    for (const r of routes) expect(parseHash(routeHash(r))).toEqual(r);
    expect(parseHash('#/dataset?a=zz&kind=sideways&sort=up')).toEqual({ name: 'dataset' });
    // Only the offered cut-offs and known splits; the default k is implied, not written.
    expect(parseHash('#/dataset?k=7&split=dev')).toEqual({ name: 'dataset' });
    expect(parseHash('#/dataset?k=10')).toEqual({ name: 'dataset' });
    expect(routeHash({ name: 'dataset', k: 10 })).toBe('#/dataset');
  });
});
