"""Train a model on a workbench training export and write it as a contract ONNX model, in one step
(docs/training-export.md). This is what the app's "Train a model on these labels" runs.

python3 -m trainer.from_export --export DIR --out model.onnx [--encoder linear] [--seed 1] [--json]

With --json every line on stdout is one JSON event (loaded, epoch, exported, error), so the app can
show progress; the exit status is 0 on success, 2 when the export cannot be used, 1 otherwise.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import torch

from .export import contract_metadata, export_model
from .model import ModelConfig
from .tokenizer import TokenizerParams
from .train import TrainSettings, mean_ndcg, train_model
from .training_export import ExportError, load_export, split_examples


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--export", required=True, type=Path, help="folder with manifest.json and training.jsonl")
    ap.add_argument("--out", required=True, type=Path, help="the .onnx file to write")
    ap.add_argument("--encoder", default="linear", choices=["linear", "softmax", "flattened"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--max-minutes", type=float, default=6.0)
    ap.add_argument("--max-history", type=int, default=64)
    ap.add_argument("--name", default=None)
    ap.add_argument("--version", default="0.1.0")
    ap.add_argument("--base-model", default=None, help="sha256 of the model this one is meant to replace (provenance only)")
    ap.add_argument("--json", action="store_true", help="JSON events on stdout")
    args = ap.parse_args(argv)

    def emit(event: str, **data):
        if args.json:
            print(json.dumps({"event": event, **data}), flush=True)
        elif event == "error":
            print(f"error: {data['message']}", file=sys.stderr)
        else:
            print(event, json.dumps(data))

    torch.set_num_threads(2)
    torch.set_flush_denormal(True)
    tok = TokenizerParams()
    try:
        manifest, groups, examples, sha = load_export(args.export, tok, max_history=args.max_history)
    except ExportError as e:
        emit("error", message=str(e))
        return 2
    split = split_examples(examples)
    emit("loaded", examples={k: len(v) for k, v in split.items()}, groups=[g for g, _ in groups], export_sha256=sha)
    cfg = ModelConfig(encoder=args.encoder, groups=groups, tokenizer=tok)
    settings = TrainSettings(epochs=args.epochs, seed=args.seed, max_minutes=args.max_minutes)
    model, info = train_model(cfg, split["train"], split["valid"], settings, log=lambda *_: None,
                              on_epoch=lambda h: emit("epoch", of=args.epochs, **h))
    test_ndcg = mean_ndcg(model, split["test"]) if split["test"] else math.nan
    provenance = {
        "export_sha256": sha,
        "export_created_at": manifest.get("created_at"),
        "workspace": manifest.get("workspace"),
        "grades_source": manifest.get("grades_source"),
        "scale": (manifest.get("scale") or {}).get("name"),
        "annotators": manifest.get("annotators", []),
        "examples": {k: len(v) for k, v in split.items()},
        "seed": args.seed,
        "encoder": args.encoder,
        "epochs_run": len(info["epochs"]),
        "best_valid_ndcg10": info["best_valid_ndcg10"],
        "base_model": args.base_model,
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    name = args.name or args.out.stem
    meta = contract_metadata(cfg, name, args.version, sha, {"qgs.provenance": json.dumps(provenance)})
    export_model(model, args.out, meta)
    emit("exported", path=str(args.out), name=name, valid_ndcg10=info["best_valid_ndcg10"],
         test_ndcg10=None if math.isnan(test_ndcg) else test_ndcg, provenance=provenance)
    return 0


if __name__ == "__main__":
    sys.exit(main())
