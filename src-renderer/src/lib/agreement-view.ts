// Pure logic of the Agreement and Disagreements views (docs/agreement.md): how a statistic is
// printed and coloured, what a key press means on the disagreement list. Unit-tested in
// test/unit/labeling/agreement-renderer.test.ts.
import type { AgreementStat, PairAgreement, Scale } from '../../../src-common/api/labeling-types.ts';

/** A statistic as printed: two decimals, or "—" when undefined (the reason goes in the tooltip). */
export function formatStat(s: AgreementStat): string {
  return s.value === null ? '—' : s.value.toFixed(2);
}

/** Landis & Koch (1977) words for κ, as an aid for reading the number (not a verdict). */
export function agreementWord(v: number | null): string {
  if (v === null) return 'undefined';
  if (v < 0) return 'worse than chance';
  if (v <= 0.2) return 'slight';
  if (v <= 0.4) return 'fair';
  if (v <= 0.6) return 'moderate';
  if (v <= 0.8) return 'substantial';
  return 'almost perfect';
}

/**
 * Background of a matrix cell: red (≤ 0) through amber to green (1), light enough for dark text;
 * grey when undefined. The number is always printed too, so colour is never the only cue.
 */
export function statColour(v: number | null): string {
  if (v === null) return 'hsl(0 0% 90%)';
  const t = Math.max(0, Math.min(1, v));
  return `hsl(${Math.round(t * 120)} 65% 82%)`;
}

/** The pair entry for two annotators, in either order. */
export function pairOf(pairs: readonly PairAgreement[], a: string, b: string): PairAgreement | null {
  return pairs.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a)) ?? null;
}

export type DisagreementKey =
  | { kind: 'grade'; value: number }
  | { kind: 'move'; delta: 1 | -1 }
  | { kind: 'undo' }
  | { kind: 'note' }
  | { kind: 'page'; delta: 1 | -1 }
  | null;

/**
 * What a key does on the disagreement list: a scale key sets the focused item's final grade, j/k
 * (↓/↑) move, u undoes the lead's last event on the focused item's turn, e edits the note, n/p turn
 * the page. Modified keys never act (browser and app shortcuts keep working).
 */
export function disagreementKey(
  e: { key: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean },
  scale: Scale,
): DisagreementKey {
  if (e.altKey || e.ctrlKey || e.metaKey) return null;
  const level = scale.levels.find((l) => l.key === e.key);
  if (level) return { kind: 'grade', value: level.value };
  if (e.key === 'j' || e.key === 'ArrowDown') return { kind: 'move', delta: 1 };
  if (e.key === 'k' || e.key === 'ArrowUp') return { kind: 'move', delta: -1 };
  if (e.key === 'u') return { kind: 'undo' };
  if (e.key === 'e') return { kind: 'note' };
  if (e.key === 'n') return { kind: 'page', delta: 1 };
  if (e.key === 'p') return { kind: 'page', delta: -1 };
  return null;
}
