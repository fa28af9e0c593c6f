"""Ranking metrics as trec_eval defines them (ndcg_cut.10 with linear gains, recip_rank with
relevance ≥ 1). Ties in score keep the displayed order."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np


def ranking(scores: Sequence[float]) -> np.ndarray:
    return np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")


def ndcg_at(scores: Sequence[float], grades: Sequence[float], k: int = 10) -> float:
    g = np.maximum(np.asarray(grades, dtype=np.float64), 0.0)
    order = ranking(scores)[:k]
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = float((g[order] * discounts[: len(order)]).sum())
    ideal = np.sort(g)[::-1][:k]
    idcg = float((ideal * discounts[: len(ideal)]).sum())
    return dcg / idcg if idcg > 0 else math.nan


def reciprocal_rank(scores: Sequence[float], grades: Sequence[float]) -> float:
    g = np.asarray(grades, dtype=np.float64)
    for rank, i in enumerate(ranking(scores), 1):
        if g[i] >= 1:
            return 1.0 / rank
    return 0.0
