// History steps: the one numbering of a session's interactions that the model's history tensors
// (src-backend/inference/assemble.ts), the scoring API's step ids (counterfactual "remove step N"),
// and the renderer's session timeline all use. trainer/history.py is its Python twin; both are
// checked against test/fixtures/history-steps.json. Rules (docs/model-contract.md, "History
// assembly"): turns in time order; each contributes one step per clicked result in result-position
// order, or one no-click step when nothing was clicked. Steps are numbered 0.. over the whole
// session, so the history of turn t is exactly the steps of the turns before t. Runs anywhere.

/** A click with dwell ≥ 30 s is a long click (trainer/data.py LONG_CLICK_MS). */
export const LONG_CLICK_MS = 30_000;

export type StepAction = 'no_click' | 'click' | 'long_click';

/** What a step needs to know about one clicked result. */
export interface StepClick {
  itemId: string;
  title: string;
  position: number;
  dwellMs: number | null;
}

export interface HistoryStep {
  /** Step number (0.., time order; offset by `firstStep`). */
  step: number;
  /** Turn.index of the turn the step belongs to. */
  turnIndex: number;
  /** Position of that turn in the array given (0-based). */
  turnPos: number;
  /** null for a no-click step. */
  itemId: string | null;
  title: string;
  position: number | null;
  dwellMs: number | null;
  action: StepAction;
}

/** Action of a click: long when its dwell is at least LONG_CLICK_MS (a missing dwell counts as 0). */
export function clickAction(dwellMs: number | null): 'click' | 'long_click' {
  return (dwellMs ?? 0) >= LONG_CLICK_MS ? 'long_click' : 'click';
}

/**
 * Every history step of `turns` (time order). `clicksOf` gives a turn's clicked results in any
 * order; `firstStep` numbers the first step (callers that leave out older turns pass their count).
 */
export function historySteps<T extends { index: number }>(
  turns: readonly T[],
  clicksOf: (t: T) => readonly StepClick[],
  firstStep = 0,
): HistoryStep[] {
  const steps: HistoryStep[] = [];
  for (let pos = 0; pos < turns.length; pos++) {
    const t = turns[pos]!;
    const clicks = clicksOf(t);
    if (clicks.length === 0) {
      steps.push({
        step: firstStep + steps.length,
        turnIndex: t.index,
        turnPos: pos,
        itemId: null,
        title: '',
        position: null,
        dwellMs: null,
        action: 'no_click',
      });
      continue;
    }
    const ordered = clicks.length > 1 ? [...clicks].sort((a, b) => a.position - b.position) : clicks;
    for (const c of ordered) {
      steps.push({
        step: firstStep + steps.length,
        turnIndex: t.index,
        turnPos: pos,
        itemId: c.itemId,
        title: c.title,
        position: c.position,
        dwellMs: c.dwellMs,
        action: clickAction(c.dwellMs),
      });
    }
  }
  return steps;
}
