"""Evaluate checkpoints on the test split: NDCG@10 and MRR, overall and split by query boundary.

python3 -m trainer.evaluate --data DIR RUN/model.pt [RUN2/model.pt ...]
Turn groups: "switch" = the turn right after a query switch (trainer/segmentation.py, ported from
src-common/segmentation.ts); "continuation" = repeat or refinement; "start" = first turn of a session.
Turns with no relevant candidate (grade ≥ 1) are left out (NDCG is undefined there).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
from pathlib import Path
from typing import Dict, Sequence

import numpy as np
import torch

from .data import TurnExample
from .export import load_checkpoint
from .metrics import ndcg_at, reciprocal_rank
from .model import QGSModel
from .train import load_workspace, score_examples

GROUPS = {"all": None, "switch": {"switch"}, "continuation": {"repeat", "refinement"}, "start": {"start"}}


def evaluate(model: QGSModel, examples: Sequence[TurnExample], truth=None) -> Dict[str, Dict[str, float]]:
    return evaluate_scores(score_examples(model, examples), examples, truth)


def read_truth(path: Path) -> Dict[str, Dict[str, str]]:
    """turns.tsv of a demo workspace (the generator's ground truth): turn_id → its columns."""
    lines = path.read_text("utf-8").splitlines()
    head = lines[0].split("\t")
    return {row[0]: dict(zip(head, row)) for row in (line.split("\t") for line in lines[1:] if line)}


# Ground-truth slices (turns.tsv), next to the boundary rule's: what the generator knows each turn is.
TRUTH_GROUPS = {
    "true switch/return": lambda t: t["kind"] in ("switch", "return"),
    "true refine": lambda t: t["kind"] == "refine",
    "ambiguous": lambda t: t["ambiguous"] == "1",
}


def without_history(examples: Sequence[TurnExample]):
    """The same turns with their history removed: what a model scores when it cannot see the session."""
    empty = lambda h: {k: v[:0] for k, v in h.items()}  # noqa: E731
    return [dataclasses.replace(e, history=empty(e.history)) for e in examples]


def displayed_order_scores(examples: Sequence[TurnExample]):
    """The log's own ranking (position 1 first): the reference every model should beat."""
    return [-np.arange(len(e.cand_ids), dtype=np.float64) for e in examples]


def evaluate_scores(scores, examples: Sequence[TurnExample], truth=None) -> Dict[str, Dict[str, float]]:
    rows = []
    for s, e in zip(scores, examples):
        n = ndcg_at(s, e.grades, 10)
        if not math.isnan(n):
            rows.append((e.boundary, n, reciprocal_rank(s, e.grades), e.qid))
    selectors = {name: (lambda r, kinds=kinds: kinds is None or r[0] in kinds) for name, kinds in GROUPS.items()}
    if truth is not None:
        selectors.update({name: (lambda r, f=f: r[3] in truth and f(truth[r[3]])) for name, f in TRUTH_GROUPS.items()})
    out = {}
    for name, select in selectors.items():
        sel = [r for r in rows if select(r)]
        out[name] = {
            "turns": len(sel),
            "ndcg10": float(np.mean([r[1] for r in sel])) if sel else math.nan,
            "mrr": float(np.mean([r[2] for r in sel])) if sel else math.nan,
        }
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--split", default="test")
    ap.add_argument("--displayed-order", action="store_true", help="also score the log's own ranking")
    ap.add_argument("--truth", type=Path, default=None,
                    help="turns.tsv (demo ground truth): also report true switches/returns, true refinements, ambiguous turns")
    ap.add_argument("--without-history", action="store_true",
                    help="also score each model with every turn's history removed (does the model use the session?)")
    ap.add_argument("checkpoints", nargs="+", type=Path)
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    models = [load_checkpoint(p) for p in args.checkpoints]
    _, split, _ = load_workspace(args.data, models[0].cfg.tokenizer, 64)
    truth = read_truth(args.truth) if args.truth else None
    results = {str(p): evaluate(m, split[args.split], truth) for p, m in zip(args.checkpoints, models)}
    if args.without_history:
        bare = without_history(split[args.split])
        results.update({f"{p} without history": evaluate(m, bare, truth) for p, m in zip(args.checkpoints, models)})
    if args.displayed_order:
        results["displayed order"] = evaluate_scores(displayed_order_scores(split[args.split]), split[args.split], truth)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
