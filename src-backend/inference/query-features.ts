// What an edited query does to the candidates' features (docs/features.md, "Counterfactuals"): the
// features the workspace's spec marks "qgs-text-v1" are recomputed from the new query and each
// candidate's title with the feature module (src-common/features.ts) and the spec's corpus
// statistics; query-dependent features the app cannot compute ("logged"), and every feature when the
// workspace has no spec, keep their logged values and are reported as such ("from the log"). A
// user's explicit feature value (edit.features) wins over both. Pure: the service hands it the spec.
import type { CounterfactualFeatures, FeatureProvenance, FeatureValueInfo } from '../../src-common/api/contract.ts';
import {
  prepareQuery,
  prepareTitle,
  TEXT_FEATURES_VERSION,
  textFeatures,
  type TextFeature,
} from '../../src-common/features.ts';
import type { Candidate } from './assemble.ts';
import type { FeatureSpec } from './feature-spec.ts';

export interface QueryRecompute<C extends Candidate> {
  /** The candidates with recomputed features (new feature objects; the input is not changed). */
  candidates: C[];
  specKnown: boolean;
  queryEdited: boolean;
  recomputed: string[];
  fromLog: string[];
}

/**
 * Recomputes the query-dependent features the spec can compute for `query`. When `query` equals the
 * logged query nothing is recomputed (the logged values are the right ones), and nothing is kept
 * "from the log" either.
 */
export function recomputeQueryFeatures<C extends Candidate>(
  spec: FeatureSpec | null,
  loggedQuery: string,
  query: string,
  candidates: readonly C[],
): QueryRecompute<C> {
  const specKnown = !!spec?.queryDependence;
  const queryEdited = query !== loggedQuery;
  if (!queryEdited) return { candidates: [...candidates], specKnown, queryEdited, recomputed: [], fromLog: [] };
  if (!spec?.queryDependence) {
    // Unknown dependence: every feature may depend on the query, none can be recomputed.
    return { candidates: [...candidates], specKnown, queryEdited, recomputed: [], fromLog: loggedNames(candidates) };
  }
  const recomputed: TextFeature[] = [];
  const fromLog: string[] = [];
  for (const [feature, formula] of spec.queryDependence) {
    if (formula === TEXT_FEATURES_VERSION && spec.textStats) recomputed.push(feature as TextFeature);
    else fromLog.push(feature);
  }
  if (!recomputed.length) return { candidates: [...candidates], specKnown, queryEdited, recomputed, fromLog };
  const stats = spec.textStats!;
  const q = prepareQuery(query);
  const out = candidates.map((c) => {
    const values = textFeatures(stats, q, prepareTitle(c.title));
    const features = { ...c.features };
    for (const f of recomputed) features[f] = values[f];
    return { ...c, features };
  });
  return { candidates: out, specKnown, queryEdited, recomputed, fromLog };
}

/** Every feature name logged for any candidate, in first-seen order. */
function loggedNames(candidates: readonly Candidate[]): string[] {
  const seen = new Set<string>();
  for (const c of candidates) for (const f of Object.keys(c.features)) seen.add(f);
  return [...seen];
}

/**
 * The provenance report of a counterfactual: per feature, and per candidate every value that is not
 * simply the logged one still valid. `logged` are the stored candidates, `fed` what the models got
 * (recomputed, then the user's edits applied), in the same order.
 */
export function describeFeatures(
  r: QueryRecompute<Candidate>,
  logged: readonly Candidate[],
  fed: readonly Candidate[],
  edits: readonly { itemId: string; feature: string }[],
): CounterfactualFeatures {
  const byFeature: CounterfactualFeatures['byFeature'] = {};
  for (const f of loggedNames(logged)) byFeature[f] = 'unchanged';
  for (const f of r.fromLog) byFeature[f] = 'from-log';
  for (const f of r.recomputed) byFeature[f] = 'recomputed';
  const edited = new Map<string, Set<string>>();
  for (const e of edits) {
    let s = edited.get(e.itemId);
    if (!s) edited.set(e.itemId, (s = new Set()));
    s.add(e.feature);
  }
  const candidates = logged.map((c, i) => {
    const features: Record<string, FeatureValueInfo> = {};
    const put = (f: string, provenance: FeatureProvenance) => {
      features[f] = { value: fed[i]!.features[f] ?? null, logged: c.features[f] ?? null, provenance };
    };
    for (const f of r.recomputed) put(f, 'recomputed');
    for (const f of r.fromLog) put(f, 'from-log');
    for (const f of edited.get(c.itemId) ?? []) put(f, 'edited');
    return { itemId: c.itemId, features };
  });
  let note: string | null = null;
  if (r.queryEdited && !r.specKnown)
    note =
      'This workspace has no feature spec saying which features depend on the query: every feature keeps its logged value (from the log), so the ranking reflects the new query text only.';
  else if (r.queryEdited && r.fromLog.length)
    note = `Not recomputed (from the log): ${r.fromLog.join(', ')} — they depend on the query, but the app cannot compute them.`;
  return {
    specKnown: r.specKnown,
    queryEdited: r.queryEdited,
    note,
    byFeature,
    recomputed: [...r.recomputed],
    fromLog: [...r.fromLog],
    candidates,
  };
}
