// Feature names and per-turn scales for the compact feature summary (names are data — whatever the
// log carried — never a hard-coded list), and how a counterfactual's feature values came about.
import type { ResultRow } from '../../../src-common/api/types.ts';
import type { CounterfactualFeatures, FeatureProvenance, FeatureValueInfo } from '../../../src-common/api/contract.ts';
import { fmtFeature } from './format.ts';

export interface FeatureScale {
  /** Every feature name seen in the turn, in first-seen order. */
  names: string[];
  /** Largest |value| per name over the turn's results (for bar lengths). */
  maxAbs: Map<string, number>;
}

export function featureScale(results: ResultRow[]): FeatureScale {
  const maxAbs = new Map<string, number>();
  for (const r of results) {
    for (const [name, v] of Object.entries(r.features)) {
      maxAbs.set(name, Math.max(maxAbs.get(name) ?? 0, Math.abs(v)));
    }
  }
  return { names: [...maxAbs.keys()], maxAbs };
}

/** Bar length 0–1: the value relative to the largest of its feature in this turn. */
export function barFraction(scale: FeatureScale, name: string, value: number | undefined): number {
  const max = scale.maxAbs.get(name) ?? 0;
  if (value === undefined || max === 0) return 0;
  return Math.abs(value) / max;
}

// ---- Counterfactual feature provenance (score.counterfactual's `features`, docs/features.md) ----

/** What "history weight" is, wherever it is shown (timeline caption, weight lane, tooltips). */
export const HISTORY_WEIGHT_HELP =
  "History weight: the model's share of each history step (a clicked result, or a turn without a click) " +
  'in the query-conditioned user state it builds for this turn — the attention of the current query over ' +
  "the history, averaged over heads (the model's history_weight output, docs/model-contract.md). " +
  "The weights of a turn's steps sum to 1.";

/** The mark of a query-dependent feature the app kept at its logged value after a query edit. */
export const FROM_LOG_LABEL = 'not recomputed (from the log)';

/** How a feature value came about, in words (empty for an unchanged logged value). */
export function provenanceText(p: FeatureProvenance): string {
  switch (p) {
    case 'recomputed':
      return 'recomputed for the new query';
    case 'from-log':
      return FROM_LOG_LABEL;
    case 'edited':
      return 'set by you';
    case 'unchanged':
      return '';
  }
}

export type CandidateFeatures = Readonly<Record<string, FeatureValueInfo>>;

const byItemCache = new WeakMap<CounterfactualFeatures, Map<string, CandidateFeatures>>();

/** One candidate's feature provenance (features not listed are unchanged logged values). */
export function candidateFeatures(info: CounterfactualFeatures | null | undefined, itemId: string): CandidateFeatures {
  if (!info) return {};
  let m = byItemCache.get(info);
  if (!m) {
    m = new Map(info.candidates.map((c) => [c.itemId, c.features] as const));
    byItemCache.set(info, m);
  }
  return m.get(itemId) ?? {};
}

export interface FeatureChangeLine {
  /** Recomputed features whose value moved, "bm25 1.2 → 3.4". */
  changed: { feature: string; text: string }[];
  /** Query-dependent features kept at their logged values. */
  fromLog: string[];
}

/** What a ranking row says about its features after a query edit (nothing when the spec is unknown: said once above). */
export function featureChangeLine(info: CounterfactualFeatures | null | undefined, itemId: string): FeatureChangeLine {
  const out: FeatureChangeLine = { changed: [], fromLog: [] };
  if (!info?.queryEdited || !info.specKnown) return out;
  for (const [feature, v] of Object.entries(candidateFeatures(info, itemId))) {
    if (v.provenance === 'recomputed' && v.value !== v.logged)
      out.changed.push({ feature, text: `${feature} ${fmtMaybe(v.logged)} → ${fmtMaybe(v.value)}` });
    else if (v.provenance === 'from-log') out.fromLog.push(feature);
  }
  return out;
}

function fmtMaybe(v: number | null): string {
  return v === null ? 'missing' : fmtFeature(v);
}

/** The counterfactual editor's one line about features after a query edit; null when there is nothing to say. */
export function queryEditSummary(
  info: CounterfactualFeatures | null | undefined,
): { kind: 'no-spec'; text: string } | { kind: 'spec'; recomputed: string[]; fromLog: string[] } | null {
  if (!info?.queryEdited) return null;
  if (!info.specKnown)
    return {
      kind: 'no-spec',
      text: `This workspace's feature spec does not say which features depend on the query (there is none, or it lists groups only), so every feature keeps its logged value — ${FROM_LOG_LABEL}. Set a version 2 spec: npm run cli -- features spec FILE (docs/features.md).`,
    };
  return { kind: 'spec', recomputed: info.recomputed, fromLog: info.fromLog };
}
