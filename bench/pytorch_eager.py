"""PyTorch-eager reference for bench group `inference` (bench/groups/inference.ts).

  /usr/bin/python3 bench/pytorch_eager.py export DIR [--encoder linear] [--checkpoint model.pt | --onnx FILE]
      writes DIR/eager-<encoder>.pt (state dict) and DIR/eager-<encoder>.onnx (the same weights, through
      trainer/export.py and the current graph code) so onnxruntime and PyTorch run the very same model.
      Weights come from a trainer checkpoint, or from an exported model's initializers (--onnx, e.g. the
      shipped resources/models/qgs-linear.onnx: trainer/weights_from_onnx.py), else a seeded random
      init of the shipped configuration (the speed of a forward pass does not depend on the weights).
  /usr/bin/python3 bench/pytorch_eager.py time DIR BATCHES --threads N [--encoder linear]
      loads DIR/eager-<encoder>.pt, reads the packed batches the TypeScript side wrote to BATCHES
      (manifest.json + raw little-endian arrays: exactly what it fed onnxruntime), runs them through the
      model in eager mode under torch.no_grad(), prints {"turns", "seconds", "turns_per_s"} as JSON.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from trainer.export import contract_metadata, export_model, load_checkpoint  # noqa: E402
from trainer.model import DEMO_GROUPS, INPUT_NAMES, ModelConfig, QGSModel  # noqa: E402
from trainer.tokenizer import TokenizerParams  # noqa: E402
from trainer.weights_from_onnx import recover  # noqa: E402

DTYPES = {"int64": np.int64, "bool": np.bool_, "float32": np.float32}


def build(encoder: str, checkpoint, onnx_file=None):
    if checkpoint:
        return load_checkpoint(Path(checkpoint))
    if onnx_file:
        ckpt = recover(Path(onnx_file))
        model = QGSModel(ModelConfig.from_json(ckpt["config"]))
        model.load_state_dict(ckpt["state"])
        return model.eval()
    torch.manual_seed(0)
    return QGSModel(ModelConfig(encoder=encoder, groups=DEMO_GROUPS, tokenizer=TokenizerParams())).eval()


def cmd_export(args):
    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    model = build(args.encoder, args.checkpoint, args.onnx)
    torch.save({"config": model.cfg.to_json(), "state": model.state_dict()}, out / f"eager-{args.encoder}.pt")
    meta = contract_metadata(model.cfg, f"eager-{args.encoder}", "bench", "0" * 64)
    export_model(model, out / f"eager-{args.encoder}.onnx", meta)
    print(json.dumps({"onnx": str(out / f"eager-{args.encoder}.onnx")}))


def cmd_time(args):
    torch.set_num_threads(args.threads)
    ckpt = torch.load(str(Path(args.dir) / f"eager-{args.encoder}.pt"), map_location="cpu")
    model = QGSModel(ModelConfig.from_json(ckpt["config"]))
    model.load_state_dict(ckpt["state"])
    model.eval()
    bdir = Path(args.batches)
    manifest = json.loads((bdir / "manifest.json").read_text())
    batches = []
    for b in manifest["batches"]:
        feeds = {}
        for name in INPUT_NAMES:
            f = b["feeds"][name]
            arr = np.fromfile(bdir / f["file"], dtype=np.uint8 if f["type"] == "bool" else DTYPES[f["type"]])
            if f["type"] == "bool":
                arr = arr.astype(np.bool_)
            feeds[name] = torch.from_numpy(arr.reshape(f["dims"]))
        batches.append((feeds, b["turns"]))
    with torch.no_grad():
        for feeds, _ in batches[:2]:
            model(*[feeds[n] for n in INPUT_NAMES])
        turns = 0
        start = time.perf_counter()
        cpu0 = time.process_time()
        while True:
            for feeds, n in batches:
                model(*[feeds[n2] for n2 in INPUT_NAMES])
                turns += n
            elapsed = time.perf_counter() - start
            if elapsed >= args.min_seconds:
                break
        cpu = time.process_time() - cpu0
    # CPU seconds as well as wall: on a shared machine, waiting for a core inflates wall time only.
    print(json.dumps({"turns": turns, "seconds": elapsed, "turns_per_s": turns / elapsed, "cpu_seconds": cpu,
                      "turns_per_cpu_s": turns / cpu, "threads": args.threads, "torch": torch.__version__}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("export")
    e.add_argument("dir")
    e.add_argument("--encoder", default="linear")
    e.add_argument("--checkpoint", default=None)
    e.add_argument("--onnx", default=None, help="take the weights from this exported model")
    t = sub.add_parser("time")
    t.add_argument("dir")
    t.add_argument("batches")
    t.add_argument("--encoder", default="linear")
    t.add_argument("--threads", type=int, default=1)
    t.add_argument("--min-seconds", type=float, default=3.0)
    args = ap.parse_args()
    cmd_export(args) if args.cmd == "export" else cmd_time(args)


if __name__ == "__main__":
    main()
