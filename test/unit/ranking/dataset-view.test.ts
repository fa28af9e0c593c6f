// Pure logic of the dataset view (src-renderer/src/lib/dataset.ts) and its route: the default model
// pair (baseline as A, QGS as B, so Δ = B − A reads "what query conditioning changed"), model
// prefixes, the Δ chart's bars and axis from a metrics.turns summary, and restorable #/dataset URLs.
import { describe, expect, it } from 'vitest';
import type { ModelSummary, TurnMetricsPage } from '../../../src-common/api/contract.ts';
import {
  DATASET_MEASURES,
  deltaBars,
  deltaExtent,
  defaultPair,
  measureLabel,
  measureOptionLabel,
  measureTakesK,
  resolveModel,
} from '../../../src-renderer/src/lib/dataset.ts';
import { TURN_MEASURES } from '../../../src-common/api/contract.ts';
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

  it('draws one Δ = B − A bar per turn kind that has turns, with both means of the chosen measure', () => {
    const none = { turns: 0, valueA: null, valueB: null, ndcgA: null, ndcgB: null, mrrA: null, mrrB: null };
    // valueA / valueB (the chosen measure, here not NDCG) make the bars; ndcg fields are ignored.
    const summary: TurnMetricsPage['summary'] = {
      all: { turns: 3, valueA: 0.5, valueB: 0.6, ndcgA: 0, ndcgB: 0, mrrA: 1, mrrB: 1 },
      start: { turns: 1, valueA: 0.25, valueB: 0.75, ndcgA: 0, ndcgB: 0, mrrA: 1, mrrB: 1 },
      switch: none,
      continuation: { turns: 2, valueA: 0.9, valueB: 0.8, ndcgA: 0.1, ndcgB: 0.1, mrrA: 1, mrrB: 0.5 },
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
      {
        name: 'dataset',
        a: '84f4e9a9175e',
        b: 'f1cde2d60458',
        kind: 'switch',
        q: 'red shoes & más',
        user: 'u 1',
        sort: '-delta',
      },
      { name: 'dataset', a: '84f4e9a9175e', b: 'f1cde2d60458', split: 'test', k: 5 },
    ];
    for (const r of routes) expect(parseHash(routeHash(r))).toEqual(r);
    expect(parseHash('#/dataset?a=zz&kind=sideways&sort=up')).toEqual({ name: 'dataset' });
    // Only the offered cut-offs and known splits; the default k is implied, not written.
    expect(parseHash('#/dataset?k=7&split=dev')).toEqual({ name: 'dataset' });
    expect(parseHash('#/dataset?k=10')).toEqual({ name: 'dataset' });
    expect(routeHash({ name: 'dataset', k: 10 })).toBe('#/dataset');
  });

  it('keeps the measure and the grades source in #/dataset URLs (g= encoded as in the session route)', () => {
    const routes: Route[] = [
      { name: 'dataset', a: '84f4e9a9175e', b: 'f1cde2d60458', measure: 'P', k: 5 },
      { name: 'dataset', measure: 'map', grades: 'labels:task:7' },
      { name: 'dataset', grades: 'labels:mine', measure: 'err' },
      { name: 'dataset', grades: 'my set & co/2' },
    ];
    for (const r of routes) expect(parseHash(routeHash(r))).toEqual(r);
    // What the training helper navigates to after training: a readable, restorable link.
    const trained = routeHash({ name: 'dataset', a: '84f4e9a9175e', b: 'f1cde2d60458', grades: 'labels:task:12' });
    expect(trained).toBe('#/dataset?a=84f4e9a9175e&b=f1cde2d60458&g=labels:task:12');
    expect(routeHash({ name: 'session', sessionId: 's', turn: 0, grades: 'labels:task:12' })).toBe(
      '#/session/s/turn/0?g=labels:task:12',
    );
    // The default measure is implied; unknown measures and malformed label sources are dropped.
    expect(routeHash({ name: 'dataset', measure: 'ndcg_cut' })).toBe('#/dataset');
    expect(parseHash('#/dataset?measure=ndcg_cut')).toEqual({ name: 'dataset' });
    expect(parseHash('#/dataset?measure=bpref&g=labels:task:x')).toEqual({ name: 'dataset' });
  });

  it('names every metrics.turns measure, with @k only where it is cut at k', () => {
    expect([...DATASET_MEASURES].sort()).toEqual([...TURN_MEASURES].sort());
    expect(TURN_MEASURES.map((m) => measureOptionLabel(m))).toEqual([
      'NDCG@k',
      'P@k',
      'MAP',
      'MRR',
      'ERR@k',
      'judged@k',
      'R-prec',
    ]);
    expect(measureLabel('P', 5)).toBe('P@5');
    expect(measureLabel('ndcg_cut', 10)).toBe('NDCG@10');
    expect(measureLabel('Rprec', 5)).toBe('R-prec');
    expect(TURN_MEASURES.filter(measureTakesK)).toEqual(['ndcg_cut', 'P', 'err', 'judged']);
  });
});
