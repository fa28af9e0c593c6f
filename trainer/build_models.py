"""Regenerates the shipped models: demo workspace → train linear, softmax, flattened → evaluate on
test → export to resources/models/*.onnx, and write trainer/.runs/quality.json (docs/model-quality.md).

/usr/bin/python3 -m trainer.build_models [--sessions 8000] [--seed 1] [--data-seed 7]
Needs Node 24 at node_modules/.bin/node for the demo generator (src-backend/data/demo/cli-demo.ts).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path

import torch

from .evaluate import evaluate
from .export import contract_metadata, export_model
from .model import ModelConfig
from .tokenizer import TokenizerParams
from .train import TrainSettings, load_workspace, save_checkpoint, train_model

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = {"linear": "qgs-linear", "softmax": "qgs-softmax", "flattened": "baseline-flat"}


def ensure_workspace(sessions: int, seed: int) -> Path:
    out = ROOT / "trainer/.data" / f"demo-seed{seed}-{sessions}"
    if not (out / "qrels.txt").exists():
        node = ROOT / "node_modules/.bin/node"
        subprocess.run([str(node), str(ROOT / "src-backend/data/demo/cli-demo.ts"), "--seed", str(seed),
                        "--sessions", str(sessions), "--out", str(out)], check=True, cwd=ROOT)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sessions", type=int, default=8000)
    ap.add_argument("--data-seed", type=int, default=7)
    ap.add_argument("--seed", type=int, default=1, help="training seed (init + shuffling)")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--max-minutes", type=float, default=20.0, help="per model; a safety cap (epochs decide)")
    ap.add_argument("--encoders", default="linear,softmax,flattened")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--out", type=Path, default=ROOT / "resources/models")
    ap.add_argument("--no-export", action="store_true", help="train and evaluate only (e.g. extra seeds)")
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    torch.set_flush_denormal(True)  # decays underflow to denormals, which are very slow on CPU
    data = ensure_workspace(args.sessions, args.data_seed)
    tok = TokenizerParams()
    t0 = time.monotonic()
    groups, split, sha = load_workspace(data, tok, max_history=64)
    print(f"workspace {data.name}: train {len(split['train'])}, valid {len(split['valid'])}, test {len(split['test'])} turns "
          f"(loaded in {time.monotonic() - t0:.0f} s)")
    report = {"workspace": data.name, "data_sha256": sha, "seed": args.seed, "data_seed": args.data_seed, "models": {}}
    runs = ROOT / "trainer/.runs"
    for encoder in args.encoders.split(","):
        cfg = ModelConfig(encoder=encoder, groups=groups, tokenizer=tok)
        model, info = train_model(cfg, split["train"], split["valid"],
                                  TrainSettings(epochs=args.epochs, seed=args.seed, max_minutes=args.max_minutes))
        name = SHIPPED[encoder]
        save_checkpoint(runs / f"{name}-seed{args.seed}" / "model.pt", model, sha, info)
        test = evaluate(model, split["test"])
        report["models"][name] = {"encoder": encoder, "train": info, "test": test}
        print(f"{name}: test {json.dumps(test)}")
        if not args.no_export:
            path = args.out / f"{name}.onnx"
            export_model(model, path, contract_metadata(cfg, name, args.version, sha))
            print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    runs.mkdir(parents=True, exist_ok=True)
    (runs / f"quality-seed{args.seed}.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
