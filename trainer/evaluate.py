"""Evaluate checkpoints on the test split: NDCG@10 and MRR, overall and split by query boundary.

python3 -m trainer.evaluate --data DIR RUN/model.pt [RUN2/model.pt ...]
Turn groups: "switch" = the turn right after a query switch (trainer/segmentation.py, ported from
src-common/segmentation.ts); "continuation" = repeat or refinement; "start" = first turn of a session.
Turns with no relevant candidate (grade ≥ 1) are left out (NDCG is undefined there).
"""
from __future__ import annotations

import argparse
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


def evaluate(model: QGSModel, examples: Sequence[TurnExample]) -> Dict[str, Dict[str, float]]:
    return evaluate_scores(score_examples(model, examples), examples)


def displayed_order_scores(examples: Sequence[TurnExample]):
    """The log's own ranking (position 1 first): the reference every model should beat."""
    return [-np.arange(len(e.cand_ids), dtype=np.float64) for e in examples]


def evaluate_scores(scores, examples: Sequence[TurnExample]) -> Dict[str, Dict[str, float]]:
    rows = []
    for s, e in zip(scores, examples):
        n = ndcg_at(s, e.grades, 10)
        if not math.isnan(n):
            rows.append((e.boundary, n, reciprocal_rank(s, e.grades)))
    out = {}
    for name, kinds in GROUPS.items():
        sel = [r for r in rows if kinds is None or r[0] in kinds]
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
    ap.add_argument("checkpoints", nargs="+", type=Path)
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    models = [load_checkpoint(p) for p in args.checkpoints]
    _, split, _ = load_workspace(args.data, models[0].cfg.tokenizer, 64)
    results = {str(p): evaluate(m, split[args.split]) for p, m in zip(args.checkpoints, models)}
    if args.displayed_order:
        results["displayed order"] = evaluate_scores(displayed_order_scores(split[args.split]), split[args.split])
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
