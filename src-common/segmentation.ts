// Query-boundary classification (docs/segmentation.md). Used at import time (sessions get a
// has-switch flag) and by the timeline view, so both always agree.
import { tokenize } from './tokenizer.ts';

/** Every boundary kind, in the order docs/segmentation.md introduces them (the one list). */
export const BOUNDARY_KINDS = ['start', 'repeat', 'refinement', 'switch'] as const;
export type BoundaryKind = (typeof BOUNDARY_KINDS)[number];

/** Share of the shorter query's distinct tokens that the longer one also has. */
export function queryOverlap(a: string, b: string): number {
  const ta = new Set(tokenize(a));
  const tb = new Set(tokenize(b));
  if (ta.size === 0 || tb.size === 0) return 0;
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  return shared / Math.min(ta.size, tb.size);
}

/** Threshold on queryOverlap at or above which a new query refines the previous one. */
export const REFINEMENT_MIN_OVERLAP = 0.5;

/**
 * How the query of a turn relates to the previous turn's query: the first turn starts the session;
 * the same tokens again is a repeat (paging, re-issue); enough shared tokens is a refinement of the
 * same intent; otherwise the user switched topic.
 */
export function classifyBoundary(previousQuery: string | null, query: string): BoundaryKind {
  if (previousQuery === null) return 'start';
  const a = tokenize(previousQuery).join(' ');
  const b = tokenize(query).join(' ');
  if (a === b) return 'repeat';
  return queryOverlap(previousQuery, query) >= REFINEMENT_MIN_OVERLAP ? 'refinement' : 'switch';
}
