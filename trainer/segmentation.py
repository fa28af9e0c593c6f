"""Port of src-common/segmentation.ts (query-boundary rule); keep the two in step.

A turn's query relative to the previous turn's: start | repeat | refinement | switch.
"""
from __future__ import annotations

from typing import Optional

from .tokenizer import tokenize

REFINEMENT_MIN_OVERLAP = 0.5


def query_overlap(a: str, b: str) -> float:
    """Share of the shorter query's distinct tokens that the longer one also has."""
    ta, tb = set(tokenize(a)), set(tokenize(b))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


def classify_boundary(previous_query: Optional[str], query: str) -> str:
    if previous_query is None:
        return "start"
    if " ".join(tokenize(previous_query)) == " ".join(tokenize(query)):
        return "repeat"
    return "refinement" if query_overlap(previous_query, query) >= REFINEMENT_MIN_OVERLAP else "switch"
