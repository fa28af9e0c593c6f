"""trainer/history.py gives the shared history-step vectors (the TypeScript twin is checked on the same file)."""
import json
from pathlib import Path

import pytest

from trainer.history import LONG_CLICK_MS, history_steps

VECTORS = json.loads((Path(__file__).resolve().parents[2] / "test/fixtures/history-steps.json").read_text("utf-8"))


def test_long_click_threshold_matches():
    assert LONG_CLICK_MS == VECTORS["long_click_ms"]


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_vectors(case):
    assert history_steps(case["events"]) == case["steps"]


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_history_of_turn_t_is_the_steps_before_it(case):
    # Numbering is over the whole session: turn t's history is a prefix of the session's steps.
    steps = case["steps"]
    for t in range(len(case["events"]) + 1):
        assert history_steps(case["events"][:t]) == [s for s in steps if s["turn"] < t]


def test_first_step_offsets_numbering():
    case = VECTORS["cases"][0]
    assert [s["step"] for s in history_steps(case["events"], first_step=10)] == [s["step"] + 10 for s in case["steps"]]
