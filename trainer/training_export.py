"""Reads a workbench training export (docs/training-export.md) into training examples.

An export is a folder: `manifest.json` (schema version, feature groups, grades source, scale,
counts, sha256 of the examples file) and `training.jsonl` (one query-conditioned example per
judged turn: history steps ≤ t as (query, item, action) with boundary kinds, the target query,
the candidates with features and labels). The history steps are already assembled by the app
(docs/model-contract.md, "History assembly"); this module only tokenizes them, so the app and the
trainer cannot disagree on which steps a turn's history has.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np

from .data import TurnExample, user_hash_split
from .model import ACTION_CLICK, ACTION_LONG_CLICK, ACTION_NO_CLICK
from .tokenizer import TokenizerParams

SCHEMA_VERSION = 1
KIND = "qgs-training-export"
ACTIONS = {"no_click": ACTION_NO_CLICK, "click": ACTION_CLICK, "long_click": ACTION_LONG_CLICK}


class ExportError(ValueError):
    """A training export the trainer cannot use; the message names the file, line and field."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / "manifest.json"
    if not path.exists():
        raise ExportError(f"{path}: missing; a training export folder holds manifest.json and training.jsonl (export it from the workbench)")
    try:
        m = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as e:
        raise ExportError(f"{path}: not valid JSON ({e.msg})") from None
    if not isinstance(m, dict) or m.get("kind") != KIND:
        raise ExportError(f"{path}:kind: expected {KIND!r}, got {m.get('kind') if isinstance(m, dict) else type(m).__name__!r}")
    v = m.get("v")
    if not isinstance(v, int):
        raise ExportError(f"{path}:v: expected an integer schema version, got {v!r}")
    if v > SCHEMA_VERSION:
        raise ExportError(f"{path}:v: schema version {v} was written by a newer workbench; this trainer reads up to version {SCHEMA_VERSION}. Update the trainer.")
    groups = m.get("feature_groups")
    if not isinstance(groups, list) or not groups or not all(isinstance(g, dict) and isinstance(g.get("name"), str) and isinstance(g.get("features"), list) for g in groups):
        raise ExportError(f"{path}:feature_groups: expected a non-empty list of {{name, features}}")
    return m


def feature_groups(manifest: dict) -> List[Tuple[str, List[str]]]:
    return [(g["name"], [str(f) for f in g["features"]]) for g in manifest["feature_groups"]]


def load_export(folder: Path, tok: TokenizerParams, max_history: int = 64, max_candidates: int = 50):
    """→ (manifest, feature groups, examples, sha256 of training.jsonl). Refuses a set with no positive label."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    groups = feature_groups(manifest)
    names = [f for _, fs in groups for f in fs]
    path = folder / "training.jsonl"
    if not path.exists():
        raise ExportError(f"{path}: missing")
    sha = _sha256(path)
    if manifest.get("examples_sha256") not in (None, sha):
        raise ExportError(f"{path}: sha256 {sha[:12]}… does not match manifest.json ({str(manifest['examples_sha256'])[:12]}…): the folder mixes two exports")
    empty_title = [0] * tok.title_tokens
    examples: List[TurnExample] = []
    positives = 0
    with open(path, "r", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                ex = json.loads(line)
            except json.JSONDecodeError as e:
                raise ExportError(f"{where}: not valid JSON ({e.msg})") from None
            try:
                if ex.get("v", SCHEMA_VERSION) > SCHEMA_VERSION:
                    raise ExportError(f"{where}:v: example schema version {ex['v']} is newer than this trainer's {SCHEMA_VERSION}")
                steps = ex["history"][-max_history:] if max_history > 0 else []
                q_rows = [tok.query(s["query"]) for s in steps]
                t_rows = [tok.title(s.get("title") or "") if s.get("item_id") else empty_title for s in steps]
                ids = [tok.item(s["item_id"]) if s.get("item_id") else 0 for s in steps]
                acts = []
                for i, s in enumerate(steps):
                    if s["action"] not in ACTIONS:
                        raise ExportError(f"{where}:history[{i}].action: expected one of {sorted(ACTIONS)}, got {s['action']!r}")
                    acts.append(ACTIONS[s["action"]])
                cands = sorted(ex["candidates"], key=lambda c: c["position"])[:max_candidates]
                if not cands:
                    continue
                gains = [c.get("gain") for c in cands]
                grades = np.array([-1.0 if g is None else float(g) for g in gains], dtype=np.float32)
                positives += int((grades > 0).sum())
                examples.append(TurnExample(
                    qid=ex["turn_id"],
                    split=ex.get("split") or user_hash_split(ex["user_id"]),
                    boundary=ex.get("boundary", "start"),
                    history={
                        "query_tokens": np.array(q_rows, dtype=np.int64).reshape(-1, tok.query_tokens),
                        "item_tokens": np.array(t_rows, dtype=np.int64).reshape(-1, tok.title_tokens),
                        "item_ids": np.array(ids, dtype=np.int64),
                        "actions": np.array(acts, dtype=np.int64),
                    },
                    query_tokens=np.array(tok.query(ex["query"]), dtype=np.int64),
                    cand_ids=np.array([tok.item(c["item_id"]) for c in cands], dtype=np.int64),
                    cand_tokens=np.array([tok.title(c.get("title") or "") for c in cands], dtype=np.int64).reshape(-1, tok.title_tokens),
                    features=np.array([[float((c.get("features") or {}).get(n, 0.0)) for n in names] for c in cands], dtype=np.float32).reshape(len(cands), len(names)),
                    grades=grades,
                    item_ids=[c["item_id"] for c in cands],
                ))
            except ExportError:
                raise
            except (KeyError, TypeError, AttributeError) as e:
                raise ExportError(f"{where}: malformed example ({type(e).__name__}: {e}); see docs/schema/training-example-v1.schema.json") from None
    if not examples:
        raise ExportError(f"{path}: no examples with candidates; label some turns and export again")
    if positives == 0:
        raise ExportError(f"{path}: no candidate has a positive label (gain > 0): a model cannot learn what is relevant from it")
    return manifest, groups, examples, sha


def split_examples(examples: Sequence[TurnExample], valid_share: float = 0.15) -> Dict[str, List[TurnExample]]:
    """By the exported split; when the export has no train turns (labels on test-split users, e.g. the
    shipped demo), every turn is training data; when it has no valid turns (a small labelled sample),
    a deterministic share of the train turns (by turn id hash) becomes the validation set."""
    by = {k: [e for e in examples if e.split == k] for k in ("train", "valid", "test")}
    if not by["train"]:
        # Labels on held-out users only (the shipped demo is all test-split): the analyst's labels
        # are the training data; what to compare on afterwards is the app's choice, not the log's split.
        by = {"train": list(examples), "valid": [], "test": []}
    if not by["valid"] and len(by["train"]) >= 4:
        keep, valid = [], []
        for e in by["train"]:
            r = int(hashlib.sha256(e.qid.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
            (valid if r < valid_share else keep).append(e)
        if valid and keep:
            by["train"], by["valid"] = keep, valid
    if not by["valid"]:
        by["valid"] = list(by["train"])  # too few turns to hold any out: early stopping sees the train set
    return by
