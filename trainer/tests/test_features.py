"""The Python text features reproduce the shared vectors written from src-common/features.ts."""
import json
from pathlib import Path

import pytest

from trainer.features import PreparedQuery, PreparedTitle, TextStats, text_features

FIXTURE = json.loads((Path(__file__).resolve().parents[2] / "test/fixtures/feature-vectors.json").read_text("utf-8"))


def test_stats_match():
    assert TextStats.from_titles(FIXTURE["titles"]).to_json() == FIXTURE["stats"]


@pytest.mark.parametrize("pair", FIXTURE["pairs"], ids=lambda p: f"{p['query']}|{p['title']}"[:60])
def test_pairs(pair):
    stats = TextStats.from_json(FIXTURE["stats"])
    got = text_features(stats, PreparedQuery.of(pair["query"]), PreparedTitle.of(pair["title"]))
    for name, want in pair["features"].items():
        assert got[name] == pytest.approx(want, abs=1e-12), name


def test_newer_stats_refused():
    with pytest.raises(ValueError, match="textStats.version"):
        TextStats.from_json({**FIXTURE["stats"], "version": "qgs-text-v2"})
