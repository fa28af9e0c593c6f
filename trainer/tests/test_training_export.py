"""Training from a workbench training export (docs/training-export.md): reading, refusals, and the
one-step train → ONNX with provenance, also for logs that carry no features at all."""
import dataclasses
import json
from pathlib import Path

import numpy as np
import onnx
import pytest

from trainer import from_export
from trainer.model import ACTION_CLICK, ACTION_LONG_CLICK, ACTION_NO_CLICK
from trainer.tokenizer import TokenizerParams
from trainer.training_export import ExportError, load_export, split_examples

from .synthetic import TOPICS


def write_export(folder: Path, n: int = 24, features=True, v: int = 1, gains=True) -> Path:
    """A small export in the documented shape (what the workbench writes)."""
    folder.mkdir(parents=True, exist_ok=True)
    groups = [{"name": "text_match", "features": ["bm25"]}, {"name": "statistical", "features": ["item_ctr"]}] if features else [{"name": "ids_only", "features": []}]
    lines = []
    topics = list(TOPICS)
    for i in range(n):
        topic = topics[i % 3]
        history = [
            {"turn": 0, "step": 0, "query": TOPICS[topic][0], "boundary": "start", "item_id": f"{topic}-1", "title": f"{topic} one", "action": "click"},
            {"turn": 0, "step": 1, "query": TOPICS[topic][0], "boundary": "start", "item_id": f"{topic}-2", "title": f"{topic} two", "action": "long_click"},
            {"turn": 1, "step": 2, "query": TOPICS[topic][1], "boundary": "refinement", "item_id": None, "title": None, "action": "no_click"},
        ]
        cands = []
        for p, t in enumerate(topics, 1):
            good = t == topic
            c = {"item_id": f"{t}-{i}", "title": f"{TOPICS[t][2]}", "position": p, "label": 3 if good else 0, "gain": (3 if good else 0) if gains else 0}
            if features:
                c["features"] = {"bm25": 5.0 if good else 1.0, "item_ctr": 0.1}
            cands.append(c)
        lines.append(json.dumps({"v": v, "turn_id": f"s{i}#2", "session_id": f"s{i}", "user_id": f"u{i % 5}", "split": "train" if i % 6 else "test",
                                 "turn": 2, "boundary": "refinement", "query": TOPICS[topic][2], "history": history, "candidates": cands}))
    (folder / "training.jsonl").write_text("\n".join(lines) + "\n")
    manifest = {"v": v, "kind": "qgs-training-export", "created_at": "2026-12-05T00:00:00Z", "workspace": "demo.db",
                "grades_source": "task:1", "scale": {"name": "graded-0-3"}, "annotators": ["ann-1"], "feature_groups": groups, "examples": n}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_history_steps_become_pair_tokens_as_exported(tmp_path):
    tok = TokenizerParams()
    _, groups, examples, sha = load_export(write_export(tmp_path / "e"), tok)
    assert groups == [("text_match", ["bm25"]), ("statistical", ["item_ctr"])] and len(sha) == 64
    e = examples[0]
    assert e.history["actions"].tolist() == [ACTION_CLICK, ACTION_LONG_CLICK, ACTION_NO_CLICK]
    assert e.history["item_ids"].tolist() == [tok.item("shoes-1"), tok.item("shoes-2"), 0]
    assert e.history["query_tokens"][2].tolist() == tok.query(TOPICS["shoes"][1])
    assert e.history["item_tokens"][2].tolist() == [0] * tok.title_tokens
    assert e.grades.tolist() == [3.0, 0.0, 0.0] and e.features[0].tolist() == [5.0, pytest.approx(0.1)]


def test_split_holds_out_valid_turns_when_the_export_has_none(tmp_path):
    _, _, examples, _ = load_export(write_export(tmp_path / "e", n=40), TokenizerParams())
    s = split_examples(examples)
    assert s["valid"] and s["train"] and not set(e.qid for e in s["valid"]) & set(e.qid for e in s["train"])


def test_split_uses_every_turn_when_the_labels_are_all_on_test_split_users(tmp_path):
    # The shipped demo is the held-out users of the training world: every session says "test".
    _, _, examples, _ = load_export(write_export(tmp_path / "e", n=40), TokenizerParams())
    held_out = [dataclasses.replace(e, split="test") for e in examples]
    s = split_examples(held_out)
    assert s["train"] and s["valid"] and not s["test"]
    assert len(s["train"]) + len(s["valid"]) == len(held_out)
    assert not set(e.qid for e in s["valid"]) & set(e.qid for e in s["train"])


@pytest.mark.parametrize("damage, message", [
    (lambda f: (f / "manifest.json").unlink(), "manifest.json: missing"),
    (lambda f: (f / "manifest.json").write_text(json.dumps({**json.loads((f / "manifest.json").read_text()), "v": 99})), "newer workbench"),
    (lambda f: (f / "training.jsonl").write_text("{not json\n"), "training.jsonl:1: not valid JSON"),
    (lambda f: (f / "training.jsonl").write_text(json.dumps({"turn_id": "x"}) + "\n"), "training.jsonl:1: malformed example"),
])
def test_refuses_bad_exports_naming_where(tmp_path, damage, message):
    folder = write_export(tmp_path / "e")
    damage(folder)
    with pytest.raises(ExportError, match=message.replace(".", r"\.")):
        load_export(folder, TokenizerParams())


def test_refuses_a_training_set_without_positive_labels(tmp_path):
    with pytest.raises(ExportError, match="no candidate has a positive label"):
        load_export(write_export(tmp_path / "e", gains=False), TokenizerParams())


@pytest.mark.parametrize("features", [True, False])
def test_from_export_writes_a_contract_model_with_provenance(tmp_path, capsys, features):
    folder = write_export(tmp_path / "e", features=features)
    out = tmp_path / "m.onnx"
    assert from_export.main(["--export", str(folder), "--out", str(out), "--epochs", "1", "--json", "--name", "from-labels"]) == 0
    events = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    assert [e["event"] for e in events] == ["loaded", "epoch", "exported"]
    proto = onnx.load(str(out))
    meta = {p.key: p.value for p in proto.metadata_props}
    prov = json.loads(meta["qgs.provenance"])
    assert prov["grades_source"] == "task:1" and prov["seed"] == 1 and prov["export_sha256"] == meta["qgs.training_data_sha256"]
    groups = json.loads(meta["qgs.feature_groups"])
    assert [g["name"] for g in groups] == (["text_match", "statistical"] if features else ["ids_only"])
    assert any(o.name == "group_weight" for o in proto.graph.output)


def test_from_export_reports_an_unusable_export_as_a_json_error(tmp_path, capsys):
    folder = write_export(tmp_path / "e", v=2)
    assert from_export.main(["--export", str(folder), "--out", str(tmp_path / "m.onnx"), "--json"]) == 2
    ev = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert ev["event"] == "error" and "newer workbench" in ev["message"]
