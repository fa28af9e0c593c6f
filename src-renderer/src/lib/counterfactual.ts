// Pure rules of the counterfactual editor (views/analysis/CounterfactualEditor.svelte) and of the
// state the ranking shows while an edit is in progress; no DOM, no runes. Unit-tested in
// test/unit/renderer/counterfactual.test.ts, which also checks the limits against the contract.
import type { ModelRuntime, TurnEdit } from '../../../src-common/api/contract.ts';

/** Longest query `score.counterfactual` accepts (src-common/api/contract.ts `turnEdit.query`). */
export const QUERY_MAX = 2000;
/** Longest variant name `variants.save` accepts. */
export const VARIANT_NAME_MAX = 200;

/** Why an edited query cannot be scored, or null when it can. Shown inline under the query box. */
export function queryProblem(q: string): string | null {
  if (q.trim() === '') return 'Enter a query';
  if (q.length > QUERY_MAX)
    return `The query is ${q.length.toLocaleString('en')} characters; at most ${QUERY_MAX.toLocaleString('en')} are allowed`;
  return null;
}

export type RankingStatus =
  /** No edit: the logged turn's scoring. */
  | { kind: 'logged' }
  /** The ranking answers the current edit. */
  | { kind: 'live' }
  /** A re-score of the current edit is on its way; the previous ranking stays until it lands. */
  | { kind: 'pending' }
  /** The current edit is invalid or its re-score failed: the ranking is the last valid one. */
  | { kind: 'stale'; reason: string };

export interface RankingState {
  edited: boolean;
  /** queryProblem of the edited query (null when valid or not edited). */
  problem: string | null;
  loading: boolean;
  /** Message of the last failed re-score of the current edit, if any. */
  failed: string | null;
  /** The shown counterfactual answers exactly the current edit. */
  answered: boolean;
}

export const STALE_LABEL = 'stale: showing the last valid ranking';

/** What the ranking on screen stands for, so a kept old ranking is never shown as current. */
export function rankingStatus(s: RankingState): RankingStatus {
  if (!s.edited) return { kind: 'logged' };
  if (s.problem) return { kind: 'stale', reason: s.problem };
  if (s.loading) return { kind: 'pending' };
  if (s.failed) return { kind: 'stale', reason: `re-scoring failed: ${s.failed}` };
  if (!s.answered) return { kind: 'stale', reason: 'this edit has not been scored' };
  return { kind: 'live' };
}

/** One line per part of an edit, for a variant's hover. */
export function describeEdit(e: TurnEdit): string {
  const parts: string[] = [];
  if (e.query !== undefined) parts.push(`query "${e.query}"`);
  if (e.removeHistorySteps?.length) parts.push(`history steps ${e.removeHistorySteps.join(', ')} removed`);
  for (const f of e.features ?? []) parts.push(`${f.feature} of ${f.itemId} = ${f.value}`);
  return parts.join('; ');
}

/**
 * The runtime note next to a model's name. The hover stays short and analyst-facing; the provider
 * errors (install hints for CUDA, Vulkan, …) belong in the engineer's details panel.
 */
export function runtimeNote(r: Pick<ModelRuntime, 'provider' | 'fallback'>): { label: string; hover: string } | null {
  if (!r.fallback) return null;
  return {
    label: 'fallback',
    hover: `Ran on ${r.provider.toUpperCase()}: the preferred accelerator is not available on this machine. Scores are the same, only slower. Why: “Runtime details” below.`,
  };
}
