// Feature names and per-turn scales for the compact feature summary. Names are data (whatever the
// log carried), never a hard-coded list.
import type { ResultRow } from '../../../src-common/api/types.ts';

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
