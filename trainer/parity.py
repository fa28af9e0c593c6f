"""Writes an exported model plus PyTorch reference outputs for the TypeScript parity test.

python3 -m trainer.parity --encoder linear --out DIR [--checkpoint model.pt | --onnx FILE] --cases '[[B,L,C],...]'
(a case [B,L,C,"no-tokens"] zeroes every token input and the history mask)
DIR gets model.onnx and cases.json: [{B,L,C, inputs: {name: {dims, data}}, outputs: {...}}].
Without --checkpoint the model is a freshly initialised one (seeded), which is enough to check that
the exported graph computes what PyTorch computes. With --onnx the PyTorch model gets the weights
recovered from FILE (trainer/weights_from_onnx.py) and FILE itself is the model compared: a shipped
model checked against PyTorch on its own weights, no checkpoint needed.
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import torch

from .export import contract_metadata, export_model, load_checkpoint
from .weights_from_onnx import recover
from .model import DEMO_GROUPS, INPUT_NAMES, OUTPUT_NAMES, ModelConfig, QGSModel, example_inputs


def tensor_json(t: torch.Tensor) -> dict:
    return {"dims": list(t.shape), "data": t.reshape(-1).tolist()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--encoder", default="linear")
    ap.add_argument("--checkpoint", type=Path)
    ap.add_argument("--onnx", type=Path, help="compare this exported file with PyTorch on its own weights")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--cases", default="[[1,1,1],[2,7,5],[3,100,50]]")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.onnx:
        ckpt = recover(args.onnx)
        model = QGSModel(ModelConfig.from_json(ckpt["config"]))
        model.load_state_dict(ckpt["state"])
        model.eval()
        shutil.copyfile(args.onnx, args.out / "model.onnx")
    else:
        if args.checkpoint:
            model = load_checkpoint(args.checkpoint)
        else:
            model = QGSModel(ModelConfig(encoder=args.encoder, groups=DEMO_GROUPS, dropout=0.0)).eval()
        export_model(model, args.out / "model.onnx", contract_metadata(model.cfg, "parity", "0", "none"))
    cases = []
    for i, case in enumerate(json.loads(args.cases)):
        B, L, C = case[:3]
        inputs = example_inputs(model.cfg, B, L, C, seed=args.seed + 1 + i)
        if "no-tokens" in case[3:]:  # every token 0: first turns (no history), empty queries and titles
            for name in ("history_query_tokens", "history_item_tokens", "target_query_tokens", "candidate_item_tokens"):
                inputs[name] = torch.zeros_like(inputs[name])
            inputs["history_item_ids"] = torch.zeros_like(inputs["history_item_ids"])
            inputs["history_mask"] = torch.zeros_like(inputs["history_mask"])
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
