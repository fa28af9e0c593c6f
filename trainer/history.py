"""History steps: the one numbering of a session's interactions (twin of src-common/history.ts).

Turns in time order; each contributes one step per clicked result in result-position order, or one
no-click step when nothing was clicked. Steps are numbered 0.. over the whole session, so the history
of turn t is exactly the steps of the turns before it. Both implementations are checked against
test/fixtures/history-steps.json (trainer/tests/test_history.py, test/unit/model/history.test.ts).
"""
from typing import List, Optional, Sequence, TypedDict

LONG_CLICK_MS = 30_000  # a click with dwell ≥ 30 s is a long click


class HistoryStep(TypedDict):
    step: int
    turn: int  # index of the event in the session
    item_id: Optional[str]  # None for a no-click step
    title: str
    position: Optional[int]
    dwell_ms: Optional[int]
    action: str  # no_click | click | long_click


def click_action(dwell_ms: Optional[int]) -> str:
    """A missing (or null) dwell counts as 0."""
    return "long_click" if (dwell_ms or 0) >= LONG_CLICK_MS else "click"


def history_steps(events: Sequence[dict], first_step: int = 0) -> List[HistoryStep]:
    steps: List[HistoryStep] = []
    for turn, event in enumerate(events):
        clicked = sorted((r for r in event.get("results", []) if r.get("click", False)), key=lambda r: r["position"])
        if not clicked:
            steps.append(HistoryStep(step=first_step + len(steps), turn=turn, item_id=None, title="", position=None, dwell_ms=None, action="no_click"))
            continue
        for r in clicked:
            dwell = r.get("dwell_ms")
            steps.append(
                HistoryStep(
                    step=first_step + len(steps),
                    turn=turn,
                    item_id=r["item_id"],
                    title=r.get("title", ""),
                    position=r["position"],
                    dwell_ms=dwell,
                    action=click_action(dwell),
                )
            )
    return steps
