"""Writes an exported model plus PyTorch reference outputs for the TypeScript parity test.

python3 -m trainer.parity --encoder linear --out DIR [--checkpoint model.pt] --cases '[[B,L,C],...]'
DIR gets model.onnx and cases.json: [{B,L,C, inputs: {name: {dims, data}}, outputs: {...}}].
Without --checkpoint the model is a freshly initialised one (seeded), which is enough to check that
the exported graph computes what PyTorch computes.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from .export import contract_metadata, export_model, load_checkpoint
from .model import DEMO_GROUPS, INPUT_NAMES, OUTPUT_NAMES, ModelConfig, QGSModel, example_inputs


def tensor_json(t: torch.Tensor) -> dict:
    return {"dims": list(t.shape), "data": t.reshape(-1).tolist()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--encoder", default="linear")
    ap.add_argument("--checkpoint", type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--cases", default="[[1,1,1],[2,7,5],[3,100,50]]")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    if args.checkpoint:
        model = load_checkpoint(args.checkpoint)
    else:
        model = QGSModel(ModelConfig(encoder=args.encoder, groups=DEMO_GROUPS, dropout=0.0)).eval()
    args.out.mkdir(parents=True, exist_ok=True)
    export_model(model, args.out / "model.onnx", contract_metadata(model.cfg, "parity", "0", "none"))
    cases = []
    for i, (B, L, C) in enumerate(json.loads(args.cases)):
        inputs = example_inputs(model.cfg, B, L, C, seed=args.seed + 1 + i)
        with torch.no_grad():
            outputs = model(**inputs)
        cases.append({
            "B": B, "L": L, "C": C,
            "inputs": {n: tensor_json(inputs[n].to(torch.int64) if inputs[n].dtype == torch.long else inputs[n]) for n in INPUT_NAMES},
            "outputs": {n: tensor_json(o) for n, o in zip(OUTPUT_NAMES, outputs)},
        })
    (args.out / "cases.json").write_text(json.dumps(cases))


if __name__ == "__main__":
    main()
