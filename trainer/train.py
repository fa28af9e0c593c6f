"""Train one model of the family on a demo workspace (docs/trainer.md).

python3 -m trainer.train --data DIR --encoder linear --out trainer/.runs/linear [--seed 1]
DIR holds sessions.jsonl(.gz), qrels.txt and optionally features.json. Labels are the graded qrels
of the train split; listwise softmax loss; early stop on valid NDCG@10.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .data import TurnExample, collate, load_examples, read_feature_groups, sha256_files
from .metrics import ndcg_at
from .model import ModelConfig, QGSModel
from .tokenizer import TokenizerParams


@dataclass
class TrainSettings:
    epochs: int = 8
    batch_size: int = 64
    lr: float = 2e-3
    weight_decay: float = 1e-5
    patience: int = 2
    max_minutes: float = 6.0
    seed: int = 1


def workspace_files(data: Path):
    sessions = next((data / n for n in ("sessions.jsonl", "sessions.jsonl.gz") if (data / n).exists()), None)
    if sessions is None:
        raise FileNotFoundError(f"{data}: no sessions.jsonl or sessions.jsonl.gz")
    qrels = data / "qrels.txt"
    if not qrels.exists():
        raise FileNotFoundError(f"{data}: no qrels.txt (graded labels)")
    features = data / "features.json"
    return sessions, qrels, (features if features.exists() else None)


def listwise_loss(scores: torch.Tensor, grades: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Softmax cross-entropy against the gain distribution (2^grade − 1), per turn, averaged."""
    gains = torch.where(mask, torch.pow(2.0, grades.clamp(min=0)) - 1.0, torch.zeros_like(grades))
    target = gains / gains.sum(-1, keepdim=True).clamp(min=1e-9)
    logp = torch.log_softmax(scores.masked_fill(~mask, -1e9), dim=-1)
    per_turn = -(target * logp).sum(-1)
    has_gain = gains.sum(-1) > 0
    return per_turn[has_gain].mean() if has_gain.any() else scores.sum() * 0


def batches(examples: Sequence[TurnExample], size: int, tok: TokenizerParams, rng: Optional[random.Random] = None):
    order = list(range(len(examples)))
    if rng is not None:
        rng.shuffle(order)
    for i in range(0, len(order), size):
        yield collate([examples[j] for j in order[i : i + size]], tok)


@torch.no_grad()
def score_examples(model: QGSModel, examples: Sequence[TurnExample], batch_size: int = 128) -> List[np.ndarray]:
    model.eval()
    out: List[np.ndarray] = []
    for inputs, _ in batches(examples, batch_size, model.cfg.tokenizer):
        scores, _, _ = model(**inputs)
        for b in range(scores.shape[0]):
            out.append(scores[b, : int(inputs["candidate_mask"][b].sum())].numpy())
    return out


def mean_ndcg(model: QGSModel, examples: Sequence[TurnExample]) -> float:
    vals = [ndcg_at(s, e.grades, 10) for s, e in zip(score_examples(model, examples), examples)]
    vals = [v for v in vals if not math.isnan(v)]
    return float(np.mean(vals)) if vals else math.nan


def feature_stats(examples: Sequence[TurnExample]):
    feats = np.concatenate([e.features for e in examples], axis=0)
    return torch.from_numpy(feats.mean(0)), torch.from_numpy(np.maximum(feats.std(0), 1e-3))


def train_model(cfg: ModelConfig, train: Sequence[TurnExample], valid: Sequence[TurnExample], s: TrainSettings, log=print, on_epoch=None):
    torch.manual_seed(s.seed)
    rng = random.Random(s.seed)
    model = QGSModel(cfg)
    model.feat_mean.copy_(feature_stats(train)[0])
    model.feat_std.copy_(feature_stats(train)[1])
    opt = torch.optim.AdamW(model.parameters(), lr=s.lr, weight_decay=s.weight_decay)
    best, best_state, stale, history = -1.0, None, 0, []
    started = time.monotonic()
    for epoch in range(1, s.epochs + 1):
        model.train()
        losses = []
        for inputs, grades in batches(train, s.batch_size, cfg.tokenizer, rng):
            scores, _, _ = model(**inputs)
            loss = listwise_loss(scores, grades, inputs["candidate_mask"])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            losses.append(float(loss))
        val = mean_ndcg(model, valid)
        minutes = (time.monotonic() - started) / 60
        history.append({"epoch": epoch, "loss": float(np.mean(losses)), "valid_ndcg10": val, "minutes": minutes})
        log(f"[{cfg.encoder}] epoch {epoch}: loss {np.mean(losses):.4f}  valid NDCG@10 {val:.4f}  ({minutes:.1f} min)")
        if on_epoch is not None:
            on_epoch(history[-1])
        if val > best:
            best, stale = val, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
        if stale >= s.patience or minutes >= s.max_minutes:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    return model.eval(), {"best_valid_ndcg10": best, "epochs": history, "minutes": (time.monotonic() - started) / 60}


def save_checkpoint(path: Path, model: QGSModel, data_sha256: str, info: Dict):
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"config": model.cfg.to_json(), "state": model.state_dict(), "data_sha256": data_sha256, "info": info}, str(path))


def load_workspace(data: Path, tok: TokenizerParams, max_history: int, keep=None):
    """(feature groups, examples by split, sha256 of the data files); `keep` filters sessions (data.split_quota)."""
    sessions, qrels, features = workspace_files(data)
    groups = read_feature_groups(features)
    names = [f for _, fs in groups for f in fs]
    examples = load_examples(sessions, qrels, tok, names, max_history=max_history, keep=keep)
    by_split = {k: [e for e in examples if e.split == k] for k in ("train", "valid", "test")}
    return groups, by_split, sha256_files([sessions, qrels])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--encoder", default="linear", choices=["linear", "softmax", "flattened"])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--max-history", type=int, default=64)
    ap.add_argument("--max-minutes", type=float, default=6.0)
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    torch.set_flush_denormal(True)  # decays underflow to denormals, which are very slow on CPU
    tok = TokenizerParams()
    groups, split, sha = load_workspace(args.data, tok, args.max_history)
    print(f"examples: train {len(split['train'])}, valid {len(split['valid'])}, test {len(split['test'])}")
    cfg = ModelConfig(encoder=args.encoder, groups=groups, tokenizer=tok)
    model, info = train_model(cfg, split["train"], split["valid"], TrainSettings(epochs=args.epochs, seed=args.seed, max_minutes=args.max_minutes))
    save_checkpoint(args.out / "model.pt", model, sha, info)
    (args.out / "train.json").write_text(json.dumps(info, indent=1))
    print(f"wrote {args.out / 'model.pt'}")


if __name__ == "__main__":
    main()
