"""Python mirror of src-common/text-similarity.ts (docs/segmentation.md, "Text similarity").

Word stems and character n-gram similarity of short texts; both are checked against
test/fixtures/text-similarity-vectors.json. Built on the one tokenizer (trainer/tokenizer.py).
"""
from __future__ import annotations

import math
import re
from typing import Dict, List, Optional, Sequence, Set, Tuple

from ._unicode_tables import CJK_RANGES
from .tokenizer import _matcher, tokenize

_ASCII_WORD = re.compile(r"^[a-z]+$")
_VOWELS = "aeiouy"
_KEEP_DOUBLE = "lsz"
_is_cjk = _matcher(CJK_RANGES)

TYPO_MIN_SIMILARITY = 0.5


def _has_vowel(s: str) -> bool:
    return any(c in _VOWELS for c in s)


def _undouble(s: str) -> str:
    n = len(s)
    if n >= 3 and s[n - 1] == s[n - 2] and s[n - 1] not in _VOWELS and s[n - 1] not in _KEEP_DOUBLE:
        return s[:-1]
    return s


def singular(token: str) -> str:
    """Plurals and 3rd person -s only (stem's rule 1)."""
    if len(token) < 4 or not _ASCII_WORD.match(token):
        return token
    if token.endswith("ies") and len(token) >= 5:
        return token[:-3] + "y"
    if token.endswith("sses"):
        return token[:-2]
    if re.search(r"(?:x|z|ch|sh)es$", token) and len(token) >= 5:
        return token[:-2]
    if token.endswith("s") and not re.search(r"[siu]s$", token):
        return token[:-1]
    return token


def stem(token: str) -> str:
    """The light English stemmer of text-similarity.ts (see its doc comment for the rules)."""
    if len(token) < 4 or not _ASCII_WORD.match(token):
        return token
    s = singular(token)
    if s.endswith("ied") and len(s) >= 5:
        s = s[:-3] + "y"
    elif s.endswith("ing") and _has_vowel(s[:-3]) and len(s) >= 6:
        s = _undouble(s[:-3])
    elif s.endswith("ed") and not s.endswith("eed") and _has_vowel(s[:-2]) and len(s) >= 5:
        s = _undouble(s[:-2])
    elif s.endswith("er") and _has_vowel(s[:-2]) and len(s) >= 6:
        s = _undouble(s[:-2])
    if len(s) >= 4 and s.endswith("e"):
        s = s[:-1]
    elif len(s) >= 4 and s.endswith("y"):
        s = s[:-1] + "i"
    return s


def is_cjk_token(token: str) -> bool:
    return len(token) == 1 and _is_cjk(ord(token))


def stem_tokens(text: str) -> List[str]:
    return [stem(t) for t in tokenize(text)]


def ngram_profile(tokens: Sequence[str]) -> Dict[str, int]:
    """Padded character trigrams per non-CJK token; CJK characters and adjacent CJK bigrams."""
    p: Dict[str, int] = {}
    for i, t in enumerate(tokens):
        if is_cjk_token(t):
            p[t] = p.get(t, 0) + 1
            if i + 1 < len(tokens) and is_cjk_token(tokens[i + 1]):
                g = t + tokens[i + 1]
                p[g] = p.get(g, 0) + 1
            continue
        chars = f" {t} "
        if len(chars) < 4:
            p[t] = p.get(t, 0) + 1
            continue
        for k in range(len(chars) - 2):
            g = chars[k:k + 3]
            p[g] = p.get(g, 0) + 1
    return p


def cosine(a: Dict[str, int], b: Dict[str, int]) -> float:
    dot = 0
    na = 0
    nb = 0
    for g, x in a.items():
        na += x * x
        y = b.get(g)
        if y is not None:
            dot += x * y
    for y in b.values():
        nb += y * y
    if na == 0 or nb == 0:
        return 0.0
    return dot / math.sqrt(na * nb)


def token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    return cosine(ngram_profile([a]), ngram_profile([b]))


def text_similarity(a: str, b: str) -> float:
    return cosine(ngram_profile(tokenize(a)), ngram_profile(tokenize(b)))


def overlap_coefficient(a: Set, b: Set) -> float:
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return sum(1 for x in small if x in large) / len(small)


def _one_transposition(a: str, b: str) -> bool:
    if len(a) != len(b):
        return False
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]


def same_word(a: str, b: str) -> bool:
    return same_word_stems(a, stem(a), b, stem(b))


def same_word_stems(a: str, sa: str, b: str, sb: str) -> bool:
    """same_word for callers that already hold the stems."""
    if sa == sb:
        return True
    if len(a) >= 5 and _ASCII_WORD.match(a) and _one_transposition(a, b):
        return True
    if len(sa) < 5 or len(sb) < 5 or not _ASCII_WORD.match(sa) or not _ASCII_WORD.match(sb):
        return False
    if sa[0] != sb[0]:
        return False
    return token_similarity(sa, sb) >= TYPO_MIN_SIMILARITY
