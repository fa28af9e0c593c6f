// Keyboard shortcuts of judge mode and the arena (the `?` sheet lists exactly these). The shared
// shortcut list (lib/shortcuts.ts) is not on this branch; this is the labeling views' own list.
export interface Shortcut {
  keys: string;
  what: string;
}

export const JUDGE_KEYS: Shortcut[] = [
  { keys: 'digits', what: "grade the current candidate (the scale's keys; moves to the next candidate)" },
  { keys: 'j / k', what: 'next / previous candidate' },
  { keys: 'n / p', what: 'next / previous turn' },
  { keys: 'u', what: 'undo your last grade, skip or flag on this turn' },
  { keys: 's', what: 'skip the turn (cannot judge it) and go to the next' },
  { keys: 'f', what: 'flag the turn as a bad ranking (tags + note)' },
  { keys: '?', what: 'show / hide this sheet' },
  { keys: 'Esc', what: 'close a dialog or this sheet' },
];

export const ARENA_KEYS: Shortcut[] = [
  { keys: '1 or ←', what: 'left list is better' },
  { keys: '2 or →', what: 'right list is better' },
  { keys: '3 or t', what: 'tie: equally good' },
  { keys: '4 or b', what: 'both bad' },
  { keys: 'n / p', what: 'next / previous turn' },
  { keys: 'u', what: 'undo your pick on this turn' },
  { keys: '?', what: 'show / hide this sheet' },
];

/** True when a key event comes from a text field (shortcuts must not steal typing). */
export function inTextField(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
}
