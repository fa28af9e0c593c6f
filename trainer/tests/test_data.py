"""History assembly, metrics, the boundary rule and the assembly fixture the TypeScript engine will replay."""
import json
import math
from pathlib import Path

import numpy as np

from trainer.data import assemble_history, collate, load_examples
from trainer.make_assembly_vectors import SESSIONS, build_vectors
from trainer.metrics import ndcg_at, reciprocal_rank
from trainer.segmentation import classify_boundary, session_boundaries
from trainer.tokenizer import TokenizerParams

from .synthetic import write_workspace

TOK = TokenizerParams()
ROOT = Path(__file__).resolve().parents[2]


def test_history_steps_follow_the_documented_rules():
    events = SESSIONS[0]["events"]
    h = assemble_history(events, 3, TOK, max_steps=64)
    # turn 0: two clicks (positions 1 and 3; the second is long) ; turn 1: no click ; turn 2: one click
    assert h["actions"].tolist() == [2, 3, 1, 2]
    assert h["item_ids"].tolist()[2] == 0 and (h["item_tokens"][2] == 0).all()
    assert (h["query_tokens"][0] == TOK.query(events[0]["query"])).all()
    assert (h["item_tokens"][1] == TOK.title(events[0]["results"][2]["title"])).all()
    assert h["item_ids"][0] == TOK.item(events[0]["results"][0]["item_id"])


def test_history_keeps_most_recent_steps():
    events = SESSIONS[0]["events"]
    full = assemble_history(events, 3, TOK, max_steps=64)
    last2 = assemble_history(events, 3, TOK, max_steps=2)
    assert last2["actions"].tolist() == full["actions"].tolist()[-2:]
    assert assemble_history(events, 0, TOK, max_steps=8)["item_ids"].shape == (0,)


def test_assembly_fixture_is_current():
    committed = json.loads((ROOT / "test/fixtures/assembly-vectors.json").read_text("utf-8"))
    assert committed == build_vectors(), "re-run: python3 -m trainer.make_assembly_vectors"


def test_boundary_rule_matches_typescript_doc():
    kind = lambda prev, cur: classify_boundary(prev and (prev, None), (cur, None)).kind  # noqa: E731
    assert kind(None, "a b") == "start"
    assert kind("Trail Shoes", "trail  shoes!") == "repeat"
    assert kind("trail running shoes", "trail shoes women") == "refinement"
    assert kind("trail running shoes", "espresso machine") == "switch"
    # Examples use the session's topic across an intent-only follow-up (docs/segmentation.md).
    events = [{"query": q, "ts": "2026-03-01T09:00:00.000Z"} for q in ("espresso machine", "review", "descaling an espresso machine")]
    assert session_boundaries(events) == ["start", "refinement", "refinement"]


def test_metrics_match_hand_computed_values():
    assert ndcg_at([3, 2, 1], [0, 0, 0]) != ndcg_at([3, 2, 1], [0, 0, 0])  # NaN: no relevant item
    assert ndcg_at([3, 2, 1], [2, 1, 0]) == 1.0
    want = (1 / math.log2(3)) / (1 + 0)  # relevant item ranked 2nd of 2
    assert abs(ndcg_at([2, 1], [0, 1]) - want) < 1e-12
    assert reciprocal_rank([5, 4, 3], [0, 0, 2]) == 1 / 3


def test_examples_and_collate(tmp_path):
    ws = write_workspace(tmp_path / "ws", sessions=10)
    ex = load_examples(ws / "sessions.jsonl", ws / "qrels.txt", TOK, ["bm25", "item_ctr"])
    assert ex and {e.split for e in ex} <= {"train", "valid", "test"}
    inputs, grades = collate(ex[:5], TOK)
    assert inputs["history_mask"].dtype.is_floating_point is False
    assert inputs["candidate_features"].shape[-1] == 2
    assert grades.shape == inputs["candidate_mask"].shape
    assert ((grades >= 0) == inputs["candidate_mask"]).all()


def test_split_quota_keeps_whole_sessions_in_file_order_up_to_each_splits_turns(tmp_path):
    from trainer.data import read_sessions, split_quota

    ws = write_workspace(tmp_path / "ws", sessions=40)
    everything = list(read_sessions(ws / "sessions.jsonl"))
    keep = split_quota({"train": 10, "valid": 1})
    kept = [s for s in everything if keep(s)]
    train = [s for s in kept if s["split"] == "train"]
    # Whole sessions, the first ones of the split, until the quota is reached (the last one may pass it).
    all_train = [s for s in everything if s["split"] == "train"]
    assert train == all_train[: len(train)]
    turns = [len(s["events"]) for s in train]
    assert sum(turns) >= 10 and sum(turns) - turns[-1] < 10
    assert len([s for s in kept if s["split"] == "valid"]) == 1
    # A split without a quota is kept whole (the test split: the shipped demo).
    assert [s for s in kept if s["split"] == "test"] == [s for s in everything if s["split"] == "test"]
    ex = load_examples(ws / "sessions.jsonl", ws / "qrels.txt", TOK, ["bm25"], keep=split_quota({"train": 10, "valid": 1}))
    assert {e.qid.split("#")[0] for e in ex} <= {s["session_id"] for s in kept}
