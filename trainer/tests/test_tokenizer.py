"""The Python tokenizer reproduces the shared vectors written from the TypeScript tokenizer."""
import json
from pathlib import Path

import pytest

from trainer.tokenizer import encode_item_id, encode_text, fnv1a32, tokenize

VECTORS = json.loads((Path(__file__).resolve().parents[2] / "test/fixtures/tokenizer-vectors.json").read_text("utf-8"))


def test_fnv_reference_values():
    assert fnv1a32("") == 0x811C9DC5
    assert fnv1a32("a") == 0xE40C292C
    assert fnv1a32("foobar") == 0xBF9CF968
    for h in VECTORS["hashes"]:
        assert fnv1a32(h["input"]) == h["fnv1a32"], h["input"]


@pytest.mark.parametrize("v", VECTORS["vectors"], ids=[v["name"] for v in VECTORS["vectors"]])
def test_vectors(v):
    assert tokenize(v["text"]) == v["tokens"]
    for buckets, ids in v["ids"].items():
        assert encode_text(v["text"], 16, int(buckets)) == ids["q16"]
        assert encode_text(v["text"], 24, int(buckets)) == ids["t24"]


def test_item_ids():
    for it in VECTORS["items"]:
        for buckets, want in it["ids"].items():
            assert encode_item_id(it["itemId"], int(buckets)) == want
