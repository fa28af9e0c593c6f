"""Python mirror of src-common/segmentation.ts: query-boundary rule v2 (docs/segmentation.md).

A turn's query relative to the session so far: start | repeat | refinement | switch, with the reason
(the branch of the rule that decided it). Both are checked against
test/fixtures/segmentation-vectors.json (which also pins INTENT_PHRASES); keep the two in step.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Dict, List, Optional, Sequence, Tuple

from .text_similarity import cosine, is_cjk_token, ngram_profile, same_word_stems, singular, stem
from .tokenizer import tokenize

BOUNDARY_KINDS = ("start", "repeat", "refinement", "switch")
BOUNDARY_RULE_VERSION = 2
BOUNDARY_REASONS = (
    "first_turn", "same_query", "intent_only", "topic_set", "shared_words", "similar_spelling",
    "long_gap", "sibling", "new_topic",
)

INTENT_PHRASES: Tuple[str, ...] = (
    # function words
    "a", "an", "the", "for", "to", "in", "on", "of", "with", "and", "or", "at", "by", "from", "about",
    "my", "me", "i", "is", "are", "it", "do", "does", "can", "should", "what", "which", "how", "why",
    "when", "where", "who", "there", "any", "some", "this", "that", "vs", "versus", "near", "under", "over", "below",
    "one", "ones", "how long", "make", "how to make",
    # quality and opinion
    "best", "top", "top rated", "rated", "good", "better", "great", "popular", "recommended",
    "recommendation", "most", "review", "honest review", "rating", "opinions", "worth it", "worth",
    "worth watching", "worth buying", "pros and cons",
    # price
    "price", "cost", "how much", "cheap", "cheapest", "budget", "affordable", "deal", "discount",
    "sale", "coupon", "on a budget", "expensive",
    # comparing
    "compare", "comparison", "difference", "alternative", "which should i buy",
    "similar",
    # learning and doing
    "how to", "guide", "beginner", "beginner guide", "tutorial", "tips", "tricks", "example",
    "cheat sheet", "explained", "explained simply", "basics", "the basics", "getting started",
    "introduction", "step by step", "easy", "easy version", "quick", "simple", "ideas",
    "best practices", "mistakes", "mistakes to avoid", "advice", "expert tips", "practical advice",
    "faq", "meaning", "definition", "what is",
    # problems
    "not working", "fix", "broken", "problem", "common problems", "issue", "error", "troubleshooting",
    "help", "how to clean", "repair",
    # buying, versions, media
    "buy", "where to buy", "near me", "online", "used", "latest", "latest news", "news",
    "new study", "release date", "sequel", "specs", "size", "sizing", "size chart", "manual",
    "setup", "install", "download", "free", "pdf", "video", "youtube", "reddit", "forum",
    "discussion", "trailer", "cast", "ending explained", "behind the scenes",
    "where to watch", "streaming", "research", "evidence", "study", "facts", "history",
    # travel aspects
    "itinerary", "things to do", "where to stay", "best area to stay", "where to eat",
    "best time to visit", "weather", "hotel", "flight", "trip", "trip cost", "travel", "tour", "food",
    "restaurant", "visa",
    # cooking aspects
    "recipe", "original", "authentic", "traditional", "traditional way", "healthy", "vegan", "vegetarian",
    "homemade", "calories",
    # facets
    "women", "womens", "men", "mens", "kids",
    # Chinese
    "的", "吗", "呢", "了", "和", "与", "怎么", "什么", "如何", "哪个", "哪里", "为什么", "一下",
    "推荐", "哪个好", "排行", "排行榜", "最好", "评测", "测评", "使用体验", "怎么样", "好不好", "优缺点",
    "多少钱", "价格", "便宜", "性价比", "对比", "怎么选", "区别", "哪里买", "值得买吗",
    "怎么做", "做法", "教程", "视频", "视频教程", "正宗", "正宗做法", "传统", "家常", "热量", "少油",
    "减脂", "攻略", "旅游攻略", "自由行", "旅游", "美食", "民宿", "必吃", "住哪里", "酒店", "几月去", "天气",
    "门票", "景点", "是什么", "原因", "怎么办", "技巧", "经验", "经验分享", "资料", "资料推荐", "书单",
    "书籍推荐", "方法", "入门", "不工作", "坏了", "怎么修", "怎么用", "注意事项", "症状", "最新",
)

LONG_GAP_MINUTES = 30
SHARED_WORDS_MIN = 0.5
SIMILAR_SPELLING_MIN = 0.5

_YEAR = re.compile(r"^(?:19|20)[0-9][0-9]$")
_NUMBER = re.compile(r"^[0-9]+$")
_LATIN_LETTER = re.compile(r"^[a-z]$")
_BOUND = {"under", "over", "below"}

_PHRASES_BY_FIRST: Dict[str, List[List[str]]] = {}
for _p in INTENT_PHRASES:
    _toks = [singular(t) for t in tokenize(_p)]
    _PHRASES_BY_FIRST.setdefault(_toks[0], []).append(_toks)
for _k in _PHRASES_BY_FIRST:
    _PHRASES_BY_FIRST[_k].sort(key=len, reverse=True)


@dataclass
class QueryParts:
    tokens: List[str]
    topic: List[str]
    modifiers: List[str]


def query_parts(query: str) -> QueryParts:
    """Splits a query into topic words and modifiers (INTENT_PHRASES, longest match first)."""
    tokens = tokenize(query)
    stems = [singular(t) for t in tokens]
    topic: List[str] = []
    modifiers: List[str] = []
    i = 0
    while i < len(tokens):
        hit = None
        for p in _PHRASES_BY_FIRST.get(stems[i], []):
            if stems[i:i + len(p)] == p:
                hit = p
                break
        if hit is not None:
            end = i + len(hit)
            if len(hit) == 1 and hit[0] in _BOUND and end < len(tokens) and _NUMBER.match(tokens[end]):
                end += 1
            modifiers.append(("" if is_cjk_token(tokens[i]) else " ").join(tokens[i:end]))
            i = end
            continue
        t = tokens[i]
        if _YEAR.match(t) or _LATIN_LETTER.match(t):
            modifiers.append(t)
        else:
            topic.append(t)
        i += 1
    return QueryParts(tokens, topic, modifiers)


@dataclass
class BoundaryDecision:
    kind: str
    reason: str
    shared_words: float = 0.0
    similarity: float = 0.0
    gap_minutes: Optional[float] = None
    topic_query: Optional[str] = None


class _Parsed:
    """A query parsed once: its parts, token key, distinct topic words and their stems."""

    def __init__(self, query: str):
        p = query_parts(query)
        self.parts = p
        self.key = " ".join(p.tokens)
        self.words = list(dict.fromkeys(p.topic))
        self.stems = [stem(w) for w in self.words]


def _match_words(a: _Parsed, b: _Parsed) -> Tuple[float, List[str], List[str]]:
    """(shared share of the smaller side, a's unmatched words, b's unmatched words)."""
    in_a = [False] * len(a.words)
    in_b = [False] * len(b.words)
    for i, (wa, sa) in enumerate(zip(a.words, a.stems)):
        for j, (wb, sb) in enumerate(zip(b.words, b.stems)):
            if same_word_stems(wa, sa, wb, sb):
                in_a[i] = in_b[j] = True
    only_a = [w for w, m in zip(a.words, in_a) if not m]
    only_b = [w for w, m in zip(b.words, in_b) if not m]
    small = min(len(a.words), len(b.words))
    matched = small - (len(only_a) if len(a.words) <= len(b.words) else len(only_b))
    return (0.0 if small == 0 else matched / small), only_a, only_b


def shared_topic_words(a: str, b: str) -> float:
    return _match_words(_Parsed(a), _Parsed(b))[0]


_PREVIOUS = object()


def classify_boundary(previous: Optional[Tuple[str, Optional[float]]], current: Tuple[str, Optional[float]],
                      topic_query=_PREVIOUS) -> BoundaryDecision:
    """previous/current: (query, epoch ms or None). topic_query: the session's topic query
    (classify_session tracks it; by default the previous query)."""
    if previous is None:
        return BoundaryDecision("start", "first_turn")
    if topic_query is _PREVIOUS:
        topic_query = previous[0]
    topic = None if topic_query is None else _Parsed(topic_query)
    return _decide(_Parsed(previous[0]).key, previous[1], _Parsed(current[0]), current[1], topic, topic_query)


def _decide(previous_key: str, previous_time: Optional[float], cur: _Parsed, time: Optional[float],
            topic: Optional[_Parsed], topic_query: Optional[str]) -> BoundaryDecision:
    gap = None if previous_time is None or time is None else (time - previous_time) / 60_000
    ctx = dict(gap_minutes=gap, topic_query=topic_query)
    if cur.key == previous_key:
        return BoundaryDecision("repeat", "same_query", **ctx)
    if not cur.words:
        return BoundaryDecision("refinement", "intent_only", **ctx)
    if topic is None or not topic.words:
        return BoundaryDecision("refinement", "topic_set", **ctx)
    shared, only_a, only_b = _match_words(topic, cur)
    replaced = bool(only_a) and bool(only_b)
    similarity = cosine(ngram_profile(only_a), ngram_profile(only_b)) if replaced else 0.0
    ev = dict(shared_words=shared, similarity=similarity, **ctx)
    long_gap = gap is not None and gap > LONG_GAP_MINUTES
    if shared > SHARED_WORDS_MIN:
        if replaced and similarity < SIMILAR_SPELLING_MIN:
            return BoundaryDecision("switch", "sibling", **ev)
        if long_gap and shared < 1:
            return BoundaryDecision("switch", "long_gap", **ev)
        return BoundaryDecision("refinement", "similar_spelling" if replaced else "shared_words", **ev)
    if similarity >= SIMILAR_SPELLING_MIN:
        if long_gap:
            return BoundaryDecision("switch", "long_gap", **ev)
        return BoundaryDecision("refinement", "similar_spelling", **ev)
    return BoundaryDecision("switch", "new_topic", **ev)


def classify_session(turns: Sequence[Tuple[str, Optional[float]]]) -> List[BoundaryDecision]:
    """Decisions for a session's (query, epoch ms) turns, tracking the topic query across
    intent-only follow-ups."""
    out: List[BoundaryDecision] = []
    topic: Optional[_Parsed] = None
    topic_query: Optional[str] = None
    previous: Optional[_Parsed] = None
    for i, (query, time) in enumerate(turns):
        cur = _Parsed(query)
        if previous is None:
            out.append(BoundaryDecision("start", "first_turn"))
        else:
            out.append(_decide(previous.key, turns[i - 1][1], cur, time, topic, topic_query))
        if cur.words:
            topic, topic_query = cur, query
        previous = cur
    return out


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def iso_ms(ts: Optional[str]) -> Optional[float]:
    """Epoch milliseconds of a session-log timestamp (ISO 8601 with zone), as Date.parse gives."""
    if ts is None:
        return None
    # Integer milliseconds, like Date.parse: float seconds × 1000 can be off by a fraction.
    return (datetime.fromisoformat(ts.replace("Z", "+00:00")) - _EPOCH) // timedelta(milliseconds=1)


def session_boundaries(events: Sequence[dict]) -> List[str]:
    """Boundary kind of each event of a session-log session (the import's rule)."""
    return [d.kind for d in classify_session([(e["query"], iso_ms(e.get("ts"))) for e in events])]
