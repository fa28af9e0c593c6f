// Recomputing the query-dependent features for an edited query (src-backend/inference/query-features.ts):
// pure, on candidates whose logged text features were written by the feature module.
import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../../src-backend/inference/assemble.ts';
import { parseFeatureSpec, type FeatureSpec } from '../../../src-backend/inference/feature-spec.ts';
import { describeFeatures, recomputeQueryFeatures } from '../../../src-backend/inference/query-features.ts';
import { prepareQuery, prepareTitle, textFeatures } from '../../../src-common/features.ts';
import { Rng } from '../../../src-common/prng.ts';
import { CATALOGUE, GROUPS, loggedFeatures, specJson, STATS } from './world.ts';

const SPEC: FeatureSpec = parseFeatureSpec(JSON.stringify(specJson()), 'spec.json');

function candidates(query: string, ids: string[]): Candidate[] {
  const rng = new Rng(5);
  return ids.map((id, i) => {
    const title = CATALOGUE.find((c) => c.id === id)!.title;
    return { itemId: id, title, position: i + 1, features: loggedFeatures(query, title, rng) };
  });
}

const LOGGED_Q = 'handheld console review';
const CANDS = candidates(LOGGED_Q, ['switch-oled', 'handheld-best', 'sd-setup', 'sd-review']);

describe('recomputeQueryFeatures', () => {
  it("recomputing the turn's own query gives back the logged values exactly", () => {
    // Forced recompute: pass the logged query as "edited" by a spec-holding caller.
    const r = recomputeQueryFeatures(SPEC, `${LOGGED_Q} `, LOGGED_Q, CANDS);
    expect(r.queryEdited).toBe(true);
    r.candidates.forEach((c, i) => {
      for (const f of ['bm25', 'title_coverage', 'exact_match']) expect(c.features[f]).toBe(CANDS[i]!.features[f]);
    });
    // And the query as logged is not an edit at all: nothing recomputed, nothing "from the log".
    const same = recomputeQueryFeatures(SPEC, LOGGED_Q, LOGGED_Q, CANDS);
    expect(same).toMatchObject({ queryEdited: false, recomputed: [], fromLog: [] });
    expect(same.candidates).toEqual(CANDS);
  });

  it('an edited query moves the text features as a fresh log line would; logged ones stay', () => {
    const r = recomputeQueryFeatures(SPEC, LOGGED_Q, 'steam deck setup', CANDS);
    expect(r.recomputed).toEqual(['bm25', 'title_coverage', 'exact_match']);
    expect(r.fromLog).toEqual(['semantic_sim']);
    const setup = r.candidates.find((c) => c.itemId === 'sd-setup')!;
    const want = textFeatures(STATS, prepareQuery('steam deck setup'), prepareTitle('Steam deck setup tutorial'));
    expect(setup.features).toMatchObject(want);
    expect(setup.features['title_coverage']).toBe(1);
    expect(setup.features['exact_match']).toBe(1);
    expect(setup.features['bm25']).toBeGreaterThan(CANDS[2]!.features['bm25']!);
    const oled = r.candidates.find((c) => c.itemId === 'switch-oled')!;
    expect(oled.features['bm25']).toBe(0);
    expect(oled.features['title_coverage']).toBe(0);
    // Not recomputable and query-independent features keep their logged values.
    r.candidates.forEach((c, i) => {
      for (const f of ['semantic_sim', 'item_ctr', 'freshness', 'recent_click_sim'])
        expect(c.features[f]).toBe(CANDS[i]!.features[f]);
    });
    // The stored candidates are not touched.
    expect(CANDS[2]!.features['exact_match']).toBe(0);
  });

  it('a Chinese query: each CJK character is a token, as the tokenizer makes them', () => {
    const zh = candidates('跑步鞋', ['zh-1', 'zh-2', 'shoes-1']);
    const r = recomputeQueryFeatures(SPEC, '跑步鞋', '登山鞋 测评', zh);
    const [a, b, c] = r.candidates;
    const q = prepareQuery('登山鞋 测评');
    expect(q.distinct).toEqual(['登', '山', '鞋', '测', '评']);
    expect(b!.features).toMatchObject(textFeatures(STATS, q, prepareTitle('登山鞋 防水 测评')));
    expect(b!.features['title_coverage']).toBe(1);
    expect(b!.features['exact_match']).toBe(0); // "防水" sits between the two parts
    expect(a!.features['title_coverage']).toBeCloseTo(1 / 5, 12); // only 鞋
    expect(c!.features['bm25']).toBe(0);
    expect(r.recomputed).toEqual(['bm25', 'title_coverage', 'exact_match']);
  });

  it('with no spec (or a version 1 spec) nothing is recomputed and every feature is "from the log"', () => {
    for (const spec of [null, parseFeatureSpec(JSON.stringify({ groups: GROUPS }), 'v1.json')]) {
      const r = recomputeQueryFeatures(spec, LOGGED_Q, 'steam deck setup', CANDS);
      expect(r.specKnown).toBe(false);
      expect(r.recomputed).toEqual([]);
      expect(r.fromLog).toEqual(Object.keys(CANDS[0]!.features));
      expect(r.candidates).toEqual(CANDS);
      const d = describeFeatures(r, CANDS, r.candidates, []);
      expect(d.note).toMatch(/no feature spec saying which features depend on the query/);
      expect(new Set(Object.values(d.byFeature))).toEqual(new Set(['from-log']));
      expect(d.candidates[0]!.features['bm25']).toEqual({
        value: CANDS[0]!.features['bm25'],
        logged: CANDS[0]!.features['bm25'],
        provenance: 'from-log',
      });
    }
  });
});

describe('describeFeatures', () => {
  it('reports old → new for recomputed features, marks logged ones and user edits (edits win)', () => {
    const r = recomputeQueryFeatures(SPEC, LOGGED_Q, 'steam deck setup', CANDS);
    // What the service does next: the user's explicit value replaces the recomputed one.
    const fed = r.candidates.map((c) => ({ ...c, features: { ...c.features } }));
    fed[2]!.features['bm25'] = 0.5;
    const d = describeFeatures(r, CANDS, fed, [{ itemId: 'sd-setup', feature: 'bm25' }]);
    expect(d).toMatchObject({
      specKnown: true,
      queryEdited: true,
      recomputed: r.recomputed,
      fromLog: ['semantic_sim'],
    });
    expect(d.note).toBe(
      'Not recomputed (from the log): semantic_sim — they depend on the query, but the app cannot compute them.',
    );
    expect(d.byFeature).toMatchObject({
      bm25: 'recomputed',
      exact_match: 'recomputed',
      semantic_sim: 'from-log',
      item_ctr: 'unchanged',
    });
    const setup = d.candidates[2]!;
    expect(setup.itemId).toBe('sd-setup');
    expect(setup.features['bm25']).toEqual({ value: 0.5, logged: CANDS[2]!.features['bm25'], provenance: 'edited' });
    expect(setup.features['exact_match']).toEqual({ value: 1, logged: 0, provenance: 'recomputed' });
    expect(setup.features['semantic_sim']!.provenance).toBe('from-log');
    expect(setup.features['item_ctr']).toBeUndefined(); // unchanged: the logged value is the value
  });

  it('without a query edit there is nothing to say about the query', () => {
    const r = recomputeQueryFeatures(SPEC, LOGGED_Q, LOGGED_Q, CANDS);
    const d = describeFeatures(r, CANDS, r.candidates, []);
    expect(d.note).toBeNull();
    expect(new Set(Object.values(d.byFeature))).toEqual(new Set(['unchanged']));
    expect(d.candidates.every((c) => Object.keys(c.features).length === 0)).toBe(true);
  });
});
