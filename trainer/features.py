"""Python mirror of src-common/features.ts (docs/features.md): the query-dependent text features.

Both are checked against test/fixtures/feature-vectors.json (written from the TypeScript module by
trainer/make_feature_vectors.ts), so a model trained on features computed here sees the values the
app computes when a counterfactual edits the query.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, Iterable, List

from .tokenizer import tokenize

TEXT_FEATURES = ("bm25", "title_coverage", "exact_match")
TEXT_FEATURES_VERSION = "qgs-text-v1"
BM25_K1 = 1.2
BM25_B = 0.75


@dataclass(frozen=True)
class TextStats:
    docs: int
    avg_len: float
    df: Dict[str, int] = field(default_factory=dict)

    @staticmethod
    def from_titles(titles: Iterable[str]) -> "TextStats":
        df: Dict[str, int] = {}
        docs = 0
        total = 0
        for title in titles:
            t = PreparedTitle.of(title)
            docs += 1
            total += t.length
            for token in t.tf:
                df[token] = df.get(token, 0) + 1
        return TextStats(docs, total / docs if docs else 0.0, df)

    @staticmethod
    def from_json(value: dict) -> "TextStats":
        if value.get("version") != TEXT_FEATURES_VERSION:
            raise ValueError(f"textStats.version: expected {TEXT_FEATURES_VERSION!r}, got {value.get('version')!r}")
        return TextStats(int(value["docs"]), float(value["avgLen"]), {k: int(v) for k, v in value["df"].items()})

    def to_json(self) -> dict:
        return {
            "version": TEXT_FEATURES_VERSION,
            "docs": self.docs,
            "avgLen": self.avg_len,
            "df": {k: self.df[k] for k in sorted(self.df)},
        }


@dataclass(frozen=True)
class PreparedQuery:
    distinct: List[str]
    phrase: str

    @staticmethod
    def of(query: str) -> "PreparedQuery":
        tokens = tokenize(query)
        return PreparedQuery(list(dict.fromkeys(tokens)), " " + " ".join(tokens) + " ")


@dataclass(frozen=True)
class PreparedTitle:
    tf: Dict[str, int]
    length: int
    phrase: str

    @staticmethod
    def of(title: str) -> "PreparedTitle":
        tokens = tokenize(title)
        tf: Dict[str, int] = {}
        for t in tokens:
            tf[t] = tf.get(t, 0) + 1
        return PreparedTitle(tf, len(tokens), " " + " ".join(tokens) + " ")


def idf(stats: TextStats, token: str) -> float:
    f = stats.df.get(token, 0)
    return math.log(1 + (stats.docs - f + 0.5) / (f + 0.5))


def bm25(stats: TextStats, q: PreparedQuery, t: PreparedTitle) -> float:
    norm = BM25_K1 * (1 - BM25_B + BM25_B * t.length / stats.avg_len)
    s = 0.0
    for token in q.distinct:
        tf = t.tf.get(token)
        if tf is None:
            continue
        s += idf(stats, token) * tf * (BM25_K1 + 1) / (tf + norm)
    return s


def title_coverage(q: PreparedQuery, t: PreparedTitle) -> float:
    if not q.distinct:
        return 0.0
    return sum(1 for token in q.distinct if token in t.tf) / len(q.distinct)


def exact_match(q: PreparedQuery, t: PreparedTitle) -> float:
    return 1.0 if len(q.phrase) > 2 and q.phrase in t.phrase else 0.0


def text_features(stats: TextStats, q: PreparedQuery, t: PreparedTitle) -> Dict[str, float]:
    return {"bm25": bm25(stats, q, t), "title_coverage": title_coverage(q, t), "exact_match": exact_match(q, t)}
