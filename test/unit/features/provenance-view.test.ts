// What the views say about a counterfactual's features (src-renderer/src/lib/features.ts), from the
// provenance score.counterfactual reports (built here by the backend's own describeFeatures).
import { describe, expect, it } from 'vitest';
import { parseFeatureSpec } from '../../../src-backend/inference/feature-spec.ts';
import { describeFeatures, recomputeQueryFeatures } from '../../../src-backend/inference/query-features.ts';
import type { Candidate } from '../../../src-backend/inference/assemble.ts';
import {
  candidateFeatures,
  featureChangeLine,
  FROM_LOG_LABEL,
  HISTORY_WEIGHT_HELP,
  provenanceText,
  queryEditSummary,
} from '../../../src-renderer/src/lib/features.ts';
import { specJson } from './world.ts';

const CANDS: Candidate[] = [
  {
    itemId: 'a',
    title: 'Steam deck setup tutorial',
    position: 1,
    features: { bm25: 0, title_coverage: 0, exact_match: 0, semantic_sim: 0.4, item_ctr: 0.1 },
  },
  {
    itemId: 'b',
    title: 'Trail running shoes review',
    position: 2,
    features: { bm25: 0, title_coverage: 0, exact_match: 0, semantic_sim: 0.2, item_ctr: 0.2 },
  },
];
const SPEC = parseFeatureSpec(JSON.stringify(specJson()), 'spec.json');

function report(spec: typeof SPEC | null, query: string) {
  const r = recomputeQueryFeatures(spec, 'running shoes', query, CANDS);
  return describeFeatures(r, CANDS, r.candidates, []);
}

describe('counterfactual feature provenance in the views', () => {
  it('a ranking row lists recomputed features that moved, old → new, and the ones kept from the log', () => {
    const info = report(SPEC, 'steam deck setup');
    const a = featureChangeLine(info, 'a');
    expect(a.changed.map((c) => c.feature)).toEqual(['bm25', 'title_coverage', 'exact_match']);
    expect(a.changed[1]!.text).toBe('title_coverage 0 → 1');
    expect(a.changed[0]!.text).toMatch(/^bm25 0 → \d+(\.\d+)?$/);
    expect(a.fromLog).toEqual(['semantic_sim']);
    // b's text features stay 0 under the new query: nothing moved, but semantic_sim is still from the log.
    expect(featureChangeLine(info, 'b')).toEqual({ changed: [], fromLog: ['semantic_sim'] });
    expect(candidateFeatures(info, 'a')['exact_match']).toEqual({ value: 1, logged: 0, provenance: 'recomputed' });
    expect(candidateFeatures(info, 'zzz')).toEqual({});
  });

  it('the editor says which features were recomputed and which not; without a spec it says so once', () => {
    expect(queryEditSummary(report(SPEC, 'steam deck setup'))).toEqual({
      kind: 'spec',
      recomputed: ['bm25', 'title_coverage', 'exact_match'],
      fromLog: ['semantic_sim'],
    });
    const none = report(null, 'steam deck setup');
    const s = queryEditSummary(none);
    expect(s?.kind).toBe('no-spec');
    expect(s && 'text' in s ? s.text : '').toMatch(/does not say which features depend on the query/);
    expect(s && 'text' in s ? s.text : '').toContain(FROM_LOG_LABEL);
    // Rows say nothing then: the editor's one line covers every row.
    expect(featureChangeLine(none, 'a')).toEqual({ changed: [], fromLog: [] });
    // No query edit, nothing to say.
    expect(queryEditSummary(report(SPEC, 'running shoes'))).toBeNull();
    expect(queryEditSummary(undefined)).toBeNull();
  });

  it('words for each provenance, and what a history weight is', () => {
    expect(provenanceText('from-log')).toBe('not recomputed (from the log)');
    expect(provenanceText('recomputed')).toBe('recomputed for the new query');
    expect(provenanceText('unchanged')).toBe('');
    expect(HISTORY_WEIGHT_HELP).toMatch(/query-conditioned user state/);
    expect(HISTORY_WEIGHT_HELP).toMatch(/history_weight/);
    expect(HISTORY_WEIGHT_HELP).toMatch(/sum to 1/);
  });
});
