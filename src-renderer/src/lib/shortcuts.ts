// Every keyboard shortcut the app handles, as data: the `?` sheet (views/ShortcutSheet.svelte) lists
// exactly this. A view that adds a key handler adds its line here (or calls `addShortcuts` from its
// own module), so the sheet never drifts from what the keys do.

export interface Shortcut {
  /** Keys as shown, e.g. ['j'] or ['Shift', 'J'] pressed together; alternatives go in `or`. */
  keys: string[];
  /** Another key (combination) doing the same. */
  or?: string[];
  what: string;
}

export interface ShortcutGroup {
  /** Where the keys work, e.g. "Anywhere", "Session page". */
  title: string;
  items: Shortcut[];
}

export const SHORTCUTS: ShortcutGroup[] = [
  {
    title: 'Anywhere (not while typing in a field)',
    items: [
      { keys: ['?'], what: 'show or hide this sheet' },
      { keys: ['Esc'], what: 'close this sheet' },
      { keys: ['Tab'], or: ['Shift', 'Tab'], what: 'next / previous control (inside this sheet it cycles)' },
      { keys: ['W'], what: 'open the worst regression of the current model pair (Shift+w)' },
      {
        keys: ['J'],
        or: ['K'],
        what: 'open the next / previous session in the list’s order and filters (Shift+j / Shift+k)',
      },
    ],
  },
  {
    title: 'Session page',
    items: [{ keys: ['j'], or: ['k'], what: 'select the next / previous turn' }],
  },
  {
    title: 'Session list (when focused)',
    items: [
      { keys: ['↓'], or: ['↑'], what: 'move the cursor one session' },
      { keys: ['PageDown'], or: ['PageUp'], what: 'move the cursor one screenful' },
      { keys: ['Home'], or: ['End'], what: 'first / last session' },
      { keys: ['Enter'], what: 'open the session under the cursor' },
    ],
  },
  {
    title: 'Dataset view',
    items: [{ keys: ['Enter'], what: 'open the focused turn with both models (Tab moves between rows)' }],
  },
  {
    title: 'Model analysis',
    items: [
      { keys: ['Enter'], what: 'save the counterfactual variant being named' },
      { keys: ['Esc'], what: 'cancel naming a variant' },
    ],
  },
  {
    title: 'Ranking rows (grades source: My labels or a task)',
    items: [
      {
        keys: ['0'],
        or: ['1', '2', '3'],
        what: "grade the focused row with the scale's key; focus moves to the next row",
      },
      { keys: ['u'], what: 'undo your last label on this turn' },
      { keys: ['↑'], or: ['↓'], what: 'previous / next ranking row' },
    ],
  },
  {
    title: 'Judge mode (Labeling)',
    items: [
      {
        keys: ['0'],
        or: ['1', '2', '3'],
        what: "grade the current candidate with the scale's key and move to the next (each task's scale names its keys)",
      },
      { keys: ['j'], or: ['k'], what: 'next / previous candidate (also ↓ / ↑)' },
      { keys: ['n'], or: ['p'], what: 'next / previous turn' },
      { keys: ['u'], what: 'undo your last grade, skip or flag on this turn' },
      { keys: ['s'], what: 'skip the turn (cannot judge it) and go to the next' },
      { keys: ['f'], what: 'flag the turn as a bad ranking (tags + a note for the engineers)' },
      { keys: ['Esc'], what: 'close the flag dialog' },
    ],
  },
  {
    title: 'Arena (Labeling)',
    items: [
      { keys: ['1'], or: ['←'], what: 'the left list is better' },
      { keys: ['2'], or: ['→'], what: 'the right list is better' },
      { keys: ['3'], or: ['t'], what: 'tie: equally good' },
      { keys: ['4'], or: ['b'], what: 'both bad' },
      { keys: ['n'], or: ['p'], what: 'next / previous turn' },
      { keys: ['u'], what: 'undo your pick on this turn' },
    ],
  },
  {
    title: 'Disagreements (Labeling: the lead sets final grades)',
    items: [
      {
        keys: ['0'],
        or: ['1', '2', '3'],
        what: "set the focused item's final grade (the scale's key) with its note; focus moves to the next item",
      },
      { keys: ['j'], or: ['k'], what: 'next / previous item (also ↓ / ↑)' },
      { keys: ['e'], what: 'edit the focused item’s note (Enter saves it with the final grade)' },
      { keys: ['Enter'], what: 'in a note field: save the note with the final grade' },
      { keys: ['u'], what: 'undo your last adjudication (or label) on the focused item’s turn' },
      { keys: ['n'], or: ['p'], what: 'next / previous page' },
    ],
  },
];

/** Registers more keys (e.g. a labeling view's) under a group title; a new title adds a group. */
export function addShortcuts(title: string, items: Shortcut[]): void {
  const group = SHORTCUTS.find((g) => g.title === title);
  if (group) group.items.push(...items);
  else SHORTCUTS.push({ title, items });
}

/**
 * True when a key event belongs to a text field (or other editable element), where single-letter
 * shortcuts must not fire.
 */
export function isTypingTarget(target: EventTarget | null): boolean {
  const t = target as HTMLElement | null;
  return !!t && (t.isContentEditable === true || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName ?? ''));
}
