"""The shipped demo's query-dependent text features are what the Python feature module computes
from its features.json (v2): the trainer could recompute them for an edited query just as the app does."""
import gzip
import json
import math
from pathlib import Path

from trainer.features import PreparedQuery, PreparedTitle, TextStats, text_features

DEMO = Path(__file__).resolve().parents[2] / "resources/demo"


def js_round(x: float, scale: float) -> float:
    return math.floor(x * scale + 0.5) / scale  # Math.round, as the generator logs


def test_shipped_demo_text_features_match_the_feature_module():
    spec = json.loads((DEMO / "features.json").read_text("utf-8"))
    assert spec["version"] == 2
    assert spec["queryDependence"] == {"bm25": "qgs-text-v1", "title_coverage": "qgs-text-v1",
                                       "exact_match": "qgs-text-v1", "semantic_sim": "logged"}
    stats = TextStats.from_json(spec["textStats"])
    rows = 0
    with gzip.open(DEMO / "sessions.jsonl.gz", "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n >= 60:
                break
            for ev in json.loads(line)["events"]:
                q = PreparedQuery.of(ev["query"])
                for r in ev["results"]:
                    want = text_features(stats, q, PreparedTitle.of(r["title"]))
                    got = r["features"]
                    assert abs(got["bm25"] - js_round(want["bm25"], 1e3)) < 1e-9, (ev["query"], r["title"])
                    assert abs(got["title_coverage"] - js_round(want["title_coverage"], 1e3)) < 1e-9
                    assert got["exact_match"] == want["exact_match"]
                    rows += 1
    assert rows > 2000
