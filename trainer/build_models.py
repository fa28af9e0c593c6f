"""Regenerates the shipped models: the demo world → train linear, softmax, flattened (one or more
seeds) → evaluate on the test split → export seed-N ONNX files, and write the per-seed numbers
(docs/model-quality.md, docs/trainer.md).

/usr/bin/python3 -m trainer.build_models [--seeds 1,2,3] [--sessions 12000] [--data-seed 7]
    [--max-train-turns 40000] [--max-valid-turns 2000] [--epochs 12] [--ckpt-dir DIR] [--threads N]

One world, one split: the training workspace is `cli-demo.ts --seed 7 --sessions 12000` (every
user), the shipped demo (resources/demo) is the test-split users' sessions of that same run
(`--only-split test`), so the test split here IS the shipped demo and item ids transfer.
Needs Node 24 at node_modules/.bin/node for the demo generator (src-backend/data/demo/cli-demo.ts).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path

import torch

from .data import split_quota
from .evaluate import evaluate
from .export import contract_metadata, export_model
from .model import ModelConfig
from .tokenizer import TokenizerParams
from .train import TrainSettings, load_workspace, save_checkpoint, train_model

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = {"linear": "qgs-linear", "softmax": "qgs-softmax", "flattened": "baseline-flat"}
DEFAULT_SESSIONS = 12000
DEFAULT_DATA_SEED = 7


def ensure_workspace(sessions: int, seed: int) -> Path:
    out = ROOT / "trainer/.data" / f"demo-seed{seed}-{sessions}"
    if not (out / "qrels.txt").exists():
        node = ROOT / "node_modules/.bin/node"
        subprocess.run([str(node), str(ROOT / "src-backend/data/demo/cli-demo.ts"), "--seed", str(seed),
                        "--sessions", str(sessions), "--out", str(out)], check=True, cwd=ROOT)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=DEFAULT_SESSIONS, help="sessions of the whole world")
    ap.add_argument("--data-seed", type=int, default=DEFAULT_DATA_SEED)
    ap.add_argument("--seeds", default="1", help="training seeds (init + shuffling), comma-separated")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--max-minutes", type=float, default=40.0, help="per model; a safety net only (the shipped run: every model ran all its epochs)")
    ap.add_argument("--max-train-turns", type=int, default=40000, help="whole train-split sessions, in file order, up to this many turns")
    ap.add_argument("--max-valid-turns", type=int, default=2000)
    ap.add_argument("--encoders", default="linear,softmax,flattened")
    ap.add_argument("--version", default="2.0.0")
    ap.add_argument("--out", type=Path, default=ROOT / "resources/models", help="where the export seed's ONNX files go")
    ap.add_argument("--export-seed", type=int, default=None, help="seed whose models go to --out (default: the first)")
    ap.add_argument("--ckpt-dir", type=Path, default=ROOT / "trainer/.runs",
                    help="<model>-seed<N>.pt, <model>-seed<N>.onnx and quality-seed<N>.json go here")
    ap.add_argument("--no-export", action="store_true", help="write nothing to --out")
    ap.add_argument("--threads", type=int, default=2, help="torch intra-op threads (1 when two runs share a 2-core machine)")
    args = ap.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    export_seed = args.export_seed if args.export_seed is not None else seeds[0]
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)  # decays underflow to denormals, which are very slow on CPU
    data = ensure_workspace(args.sessions, args.data_seed)
    tok = TokenizerParams()
    t0 = time.monotonic()
    keep = split_quota({"train": args.max_train_turns, "valid": args.max_valid_turns})
    groups, split, sha = load_workspace(data, tok, max_history=64, keep=keep)
    print(f"workspace {data.name}: train {len(split['train'])}, valid {len(split['valid'])}, test {len(split['test'])} turns "
          f"(loaded in {time.monotonic() - t0:.0f} s)", flush=True)
    args.ckpt_dir.mkdir(parents=True, exist_ok=True)
    settings = dict(epochs=args.epochs, max_minutes=args.max_minutes)
    for seed in seeds:
        report = {"workspace": data.name, "data_sha256": sha, "seed": seed, "data_seed": args.data_seed,
                  "train_turns": len(split["train"]), "valid_turns": len(split["valid"]), "settings": settings, "models": {}}
        for encoder in args.encoders.split(","):
            cfg = ModelConfig(encoder=encoder, groups=groups, tokenizer=tok)
            model, info = train_model(cfg, split["train"], split["valid"], TrainSettings(seed=seed, **settings),
                                      log=lambda line: print(line, flush=True))
            name = SHIPPED[encoder]
            save_checkpoint(args.ckpt_dir / f"{name}-seed{seed}.pt", model, sha, info)
            test = evaluate(model, split["test"])
            report["models"][name] = {"encoder": encoder, "train": info, "test": test}
            print(f"seed {seed} {name}: test {json.dumps(test)}", flush=True)
            meta = contract_metadata(cfg, name, args.version, sha, {"qgs.training_seed": str(seed)})
            export_model(model, args.ckpt_dir / f"{name}-seed{seed}.onnx", meta)
            if seed == export_seed and not args.no_export:
                path = args.out / f"{name}.onnx"
                export_model(model, path, meta)
                print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)", flush=True)
        (args.ckpt_dir / f"quality-seed{seed}.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
