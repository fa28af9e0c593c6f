"""Python mirror of src-common/tokenizer.ts (docs/tokenizer.md).

Both are checked against test/fixtures/tokenizer-vectors.json. Character classes come from
_unicode_tables.py, generated from the TypeScript regexes, so both sides split text the same way.
"""
from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass
from typing import List, Sequence, Tuple

from ._unicode_tables import CJK_RANGES, WORD_RANGES

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193


def _matcher(ranges: Sequence[Tuple[int, int]]):
    starts = [a for a, _ in ranges]

    def match(cp: int) -> bool:
        i = bisect.bisect_right(starts, cp) - 1
        return i >= 0 and cp <= ranges[i][1]

    return match


_is_cjk = _matcher(CJK_RANGES)
_is_word = _matcher(WORD_RANGES)


def tokenize(text: str) -> List[str]:
    """NFKC, lower-case, split on anything that is not a letter/mark/digit, each CJK char a token."""
    normalised = unicodedata.normalize("NFKC", text).lower()
    tokens: List[str] = []
    word = ""
    for ch in normalised:
        cp = ord(ch)
        if _is_cjk(cp):
            if word:
                tokens.append(word)
            word = ""
            tokens.append(ch)
        elif _is_word(cp):
            word += ch
        else:
            if word:
                tokens.append(word)
            word = ""
    if word:
        tokens.append(word)
    return tokens


def fnv1a32(s: str) -> int:
    """FNV-1a 32-bit over the UTF-8 bytes of s."""
    h = FNV_OFFSET
    for byte in s.encode("utf-8", errors="surrogatepass"):
        h ^= byte
        h = (h * FNV_PRIME) & 0xFFFFFFFF
    return h


def bucket_id(s: str, buckets: int) -> int:
    if buckets < 2:
        raise ValueError(f"buckets must be >= 2, got {buckets}")
    return 1 + fnv1a32(s) % (buckets - 1)


def encode_text(text: str, max_tokens: int, buckets: int) -> List[int]:
    """Token ids truncated to max_tokens and right-padded with 0 to exactly max_tokens."""
    ids = [bucket_id(t, buckets) for t in tokenize(text)[:max_tokens]]
    return ids + [0] * (max_tokens - len(ids))


def encode_item_id(item_id: str, buckets: int) -> int:
    """Raw id string, no normalisation (ids are case-sensitive); "" means no item (0)."""
    return 0 if item_id == "" else bucket_id(item_id, buckets)


@dataclass(frozen=True)
class TokenizerParams:
    token_buckets: int = 16384
    item_buckets: int = 8192
    query_tokens: int = 16
    title_tokens: int = 24

    def query(self, text: str) -> List[int]:
        return encode_text(text, self.query_tokens, self.token_buckets)

    def title(self, text: str) -> List[int]:
        return encode_text(text, self.title_tokens, self.token_buckets)

    def item(self, item_id: str) -> int:
        return encode_item_id(item_id, self.item_buckets)

    def to_json(self) -> dict:
        # Key names match TokenizerParams in src-common/tokenizer.ts.
        return {
            "tokenBuckets": self.token_buckets,
            "itemBuckets": self.item_buckets,
            "queryTokens": self.query_tokens,
            "titleTokens": self.title_tokens,
        }
