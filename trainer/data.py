"""Session logs (docs/session-log-v1.md) + graded qrels → model inputs.

`assemble_history` is THE definition of how a turn's history becomes pair tokens; the inference
engine reimplements it in TypeScript and test/fixtures/assembly-vectors.json pins it down.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import torch

from .history import LONG_CLICK_MS, history_steps  # noqa: F401  (LONG_CLICK_MS re-exported)
from .model import ACTION_CLICK, ACTION_LONG_CLICK, ACTION_NO_CLICK, DEMO_GROUPS
from .segmentation import session_boundaries
from .tokenizer import TokenizerParams


def open_text(path: Path):
    return gzip.open(path, "rt", encoding="utf-8") if str(path).endswith(".gz") else open(path, "r", encoding="utf-8")


def read_sessions(path: Path) -> Iterator[dict]:
    with open_text(path) as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{lineno}: not valid JSON ({e.msg})") from None


def read_qrels(path: Path) -> Dict[str, Dict[str, int]]:
    """TREC qrels: `qid 0 docid grade` per line → {qid: {item_id: grade}}."""
    out: Dict[str, Dict[str, int]] = {}
    with open_text(path) as f:
        for lineno, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 4:
                raise ValueError(f"{path}:{lineno}: expected 'qid iter docid grade', got {line.strip()!r}")
            out.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return out


def read_feature_groups(path: Optional[Path]) -> List[Tuple[str, List[str]]]:
    """features.json of a demo workspace; accepts {"groups":[{name,features}]}, [{name,features}] or
    {group: [features]}. Without a file: the demo's three groups."""
    if path is None or not Path(path).exists():
        return [(g, list(f)) for g, f in DEMO_GROUPS]
    data = json.loads(Path(path).read_text("utf-8"))
    if isinstance(data, dict) and "groups" in data:
        data = data["groups"]
    if isinstance(data, dict):
        return [(g, list(f)) for g, f in data.items()]
    return [(g["name"], list(g["features"])) for g in data]


def sha256_files(paths: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


ACTION_IDS = {"no_click": ACTION_NO_CLICK, "click": ACTION_CLICK, "long_click": ACTION_LONG_CLICK}


def assemble_history(events: Sequence[dict], t: int, tok: TokenizerParams, max_steps: int) -> Dict[str, np.ndarray]:
    """History pair tokens for turn t of a session (docs/model-contract.md, "History assembly").

    Every earlier turn (0..t-1) contributes, in time order:
      - one step per clicked result, in result-position order: (that turn's query tokens, the item's
        title tokens, the item id bucket, action 2 = click or 3 = long click when dwell ≥ 30 s);
      - one step when it has no click: (query tokens, empty title, item id 0, action 1 = no click).
    Only the most recent `max_steps` steps are kept. Returns arrays with n ≤ max_steps rows:
    query_tokens [n,Tq], item_tokens [n,Ti], item_ids [n], actions [n] (int64).
    """
    q_rows: List[List[int]] = []
    t_rows: List[List[int]] = []
    ids: List[int] = []
    actions: List[int] = []
    empty_title = [0] * tok.title_tokens
    queries = [tok.query(e["query"]) for e in events[:t]]
    # The steps and their order: trainer/history.py (the twin of src-common/history.ts).
    for s in history_steps(events[:t]):
        q_rows.append(queries[s["turn"]])
        if s["item_id"] is None:
            t_rows.append(empty_title)
            ids.append(0)
        else:
            t_rows.append(tok.title(s["title"]))
            ids.append(tok.item(s["item_id"]))
        actions.append(ACTION_IDS[s["action"]])
    keep = slice(max(0, len(ids) - max_steps), len(ids))
    return {
        "query_tokens": np.array(q_rows[keep], dtype=np.int64).reshape(-1, tok.query_tokens),
        "item_tokens": np.array(t_rows[keep], dtype=np.int64).reshape(-1, tok.title_tokens),
        "item_ids": np.array(ids[keep], dtype=np.int64),
        "actions": np.array(actions[keep], dtype=np.int64),
    }


@dataclass
class TurnExample:
    qid: str
    split: str
    boundary: str  # start | repeat | refinement | switch (trainer/segmentation.py)
    history: Dict[str, np.ndarray]
    query_tokens: np.ndarray  # [Tq]
    cand_ids: np.ndarray  # [C]
    cand_tokens: np.ndarray  # [C,Ti]
    features: np.ndarray  # [C,F] float32
    grades: np.ndarray  # [C] float32, -1 = not judged
    item_ids: List[str]


def user_hash_split(user_id: str) -> str:
    r = int(hashlib.sha256(user_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "train" if r < 0.8 else "valid" if r < 0.9 else "test"


def session_examples(session: dict, qrels: Dict[str, Dict[str, int]], tok: TokenizerParams,
                     feature_names: Sequence[str], max_history: int, max_candidates: int) -> Iterator[TurnExample]:
    """One example per turn that has candidates and at least one judged candidate."""
    events = session["events"]
    split = session.get("split") or user_hash_split(session["user_id"])
    boundaries = session_boundaries(events)
    for t, event in enumerate(events):
        results = sorted(event.get("results", []), key=lambda r: r["position"])[:max_candidates]
        qid = f"{session['session_id']}#{t}"
        judged = qrels.get(qid, {})
        if not results or not judged:
            continue
        boundary = boundaries[t]
        yield TurnExample(
            qid=qid,
            split=split,
            boundary=boundary,
            history=assemble_history(events, t, tok, max_history),
            query_tokens=np.array(tok.query(event["query"]), dtype=np.int64),
            cand_ids=np.array([tok.item(r["item_id"]) for r in results], dtype=np.int64),
            cand_tokens=np.array([tok.title(r.get("title", "")) for r in results], dtype=np.int64).reshape(-1, tok.title_tokens),
            features=np.array([[float(r.get("features", {}).get(f, 0.0)) for f in feature_names] for r in results], dtype=np.float32),
            grades=np.array([judged.get(r["item_id"], -1) for r in results], dtype=np.float32),
            item_ids=[r["item_id"] for r in results],
        )


def load_examples(sessions_path: Path, qrels_path: Path, tok: TokenizerParams, feature_names: Sequence[str],
                  max_history: int = 64, max_candidates: int = 50,
                  keep: Optional[Callable[[dict], bool]] = None) -> List[TurnExample]:
    """Examples of every session, or of those `keep(session)` accepts (called once per session, in file order)."""
    qrels = read_qrels(qrels_path)
    out: List[TurnExample] = []
    for s in read_sessions(sessions_path):
        if keep is None or keep(s):
            out.extend(session_examples(s, qrels, tok, feature_names, max_history, max_candidates))
    return out


def split_quota(max_turns: Dict[str, int]) -> Callable[[dict], bool]:
    """A `keep` filter: whole sessions of each split, in file order, until that split has `max_turns[split]`
    turns (splits not named are kept whole). Smaller training sets from the same world, deterministically."""
    seen: Dict[str, int] = {}

    def keep(session: dict) -> bool:
        split = session.get("split") or user_hash_split(session["user_id"])
        limit = max_turns.get(split)
        if limit is None:
            return True
        if seen.get(split, 0) >= limit:
            return False
        seen[split] = seen.get(split, 0) + len(session.get("events", []))
        return True

    return keep


def collate(examples: Sequence[TurnExample], tok: TokenizerParams) -> Tuple[Dict[str, torch.Tensor], torch.Tensor]:
    """Right-pads a batch to its longest history / candidate list. Returns (contract inputs, grades)."""
    B = len(examples)
    L = max(1, max(len(e.history["item_ids"]) for e in examples))
    C = max(len(e.cand_ids) for e in examples)
    F = examples[0].features.shape[1]
    hq = np.zeros((B, L, tok.query_tokens), np.int64)
    hi = np.zeros((B, L, tok.title_tokens), np.int64)
    hid = np.zeros((B, L), np.int64)
    ha = np.zeros((B, L), np.int64)
    hm = np.zeros((B, L), bool)
    cid = np.zeros((B, C), np.int64)
    ct = np.zeros((B, C, tok.title_tokens), np.int64)
    cf = np.zeros((B, C, F), np.float32)
    cm = np.zeros((B, C), bool)
    grades = np.full((B, C), -1.0, np.float32)
    for b, e in enumerate(examples):
        n, c = len(e.history["item_ids"]), len(e.cand_ids)
        hq[b, :n], hi[b, :n] = e.history["query_tokens"], e.history["item_tokens"]
        hid[b, :n], ha[b, :n], hm[b, :n] = e.history["item_ids"], e.history["actions"], True
        cid[b, :c], ct[b, :c], cf[b, :c], cm[b, :c] = e.cand_ids, e.cand_tokens, e.features, True
        grades[b, :c] = e.grades
    inputs = {
        "history_query_tokens": hq, "history_item_tokens": hi, "history_item_ids": hid, "history_actions": ha,
        "history_mask": hm, "target_query_tokens": np.stack([e.query_tokens for e in examples]),
        "candidate_item_ids": cid, "candidate_item_tokens": ct, "candidate_features": cf, "candidate_mask": cm,
    }
    return {k: torch.from_numpy(v) for k, v in inputs.items()}, torch.from_numpy(grades)
