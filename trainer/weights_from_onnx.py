"""Recovers a trainer checkpoint (config + state_dict) from an exported contract model's ONNX
initializers, so a shipped model can be re-exported with a new graph (docs/inference.md) when its
.pt checkpoint is not at hand (trainer/.runs is not committed).

/usr/bin/python3 -m trainer.weights_from_onnx resources/models/qgs-linear.onnx --out ckpt.pt
/usr/bin/python3 -m trainer.weights_from_onnx resources/models/*.onnx --reexport   # in place

How: the config comes from the contract metadata (encoder, feature groups, tokenizer) and from the
initializer shapes (dim, layers, heads). torch.onnx keeps most parameters under their state_dict
names; a Linear applied to a 3-D input is exported as MatMul(x, Wᵀ) + bias with Wᵀ stored under a
generated name (onnx::MatMul_N), so such a weight is found by following its MatMul to the Add that
uses the Linear's (named) bias. Every state_dict entry must be found exactly once (or agree where it
is found twice), else it fails naming the entry. Constants folded from parameters (weight slices
the graph multiplies by) are not parameters and are skipped. torch.onnx merges bit-identical
initializers, so an untrained model (LayerNorms all ones) cannot be recovered; trained ones can. The result is checked by trainer/parity.py
(--onnx-reference: PyTorch on the recovered weights vs the original file in onnxruntime-node).
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Dict

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from .model import ModelConfig, QGSModel
from .tokenizer import TokenizerParams


class RecoverError(Exception):
    pass


def config_from_onnx(proto: onnx.ModelProto, inits: Dict[str, np.ndarray]) -> ModelConfig:
    meta = {p.key: p.value for p in proto.metadata_props}
    for key in ("qgs.encoder_kind", "qgs.feature_groups", "qgs.tokenizer"):
        if key not in meta:
            raise RecoverError(f"metadata {key!r} missing: not a contract model")
    tok = json.loads(meta["qgs.tokenizer"])
    groups = [(g["name"], list(g["features"])) for g in json.loads(meta["qgs.feature_groups"])]
    layers = 1 + max(int(m.group(1)) for n in inits if (m := re.match(r"blocks\.(\d+)\.", n)))
    return ModelConfig(
        encoder=meta["qgs.encoder_kind"],
        groups=groups,
        tokenizer=TokenizerParams(
            token_buckets=tok["tokenBuckets"], item_buckets=tok["itemBuckets"],
            query_tokens=tok["queryTokens"], title_tokens=tok["titleTokens"],
        ),
        dim=int(inits["token_emb.weight"].shape[1]),
        heads=int(inits["blocks.0.decay_logit"].shape[0]),
        layers=layers,
        dropout=0.0,
    )


def recover(path: Path) -> dict:
    """Checkpoint dict {config, state, data_sha256, info} in trainer/train.py's save_checkpoint format."""
    proto = onnx.load(str(path))
    inits = {i.name: numpy_helper.to_array(i) for i in proto.graph.initializer}
    cfg = config_from_onnx(proto, inits)
    model = QGSModel(cfg)
    wanted = model.state_dict()
    found: Dict[str, np.ndarray] = {}

    def put(name: str, value: np.ndarray, where: str):
        want = tuple(wanted[name].shape)
        if tuple(value.shape) != want:
            raise RecoverError(f"{path.name}: {where} has shape {value.shape}, {name} needs {want}")
        if name in found and not np.array_equal(found[name], value):
            raise RecoverError(f"{path.name}: {name} found twice with different values ({where})")
        found[name] = value

    for name, value in inits.items():
        if name in wanted:
            put(name, value.reshape(tuple(wanted[name].shape)), f"initializer {name}")
    # Linear weights stored transposed under generated names: MatMul(x, Wᵀ) → Add(·, <module>.bias).
    consumers: Dict[str, list] = {}
    for node in proto.graph.node:
        for i in node.input:
            consumers.setdefault(i, []).append(node)
    for node in proto.graph.node:
        if node.op_type != "MatMul" or node.input[1] not in inits or node.input[1] in wanted:
            continue
        adds = [n for n in consumers.get(node.output[0], []) if n.op_type == "Add"]
        biases = [i for a in adds for i in a.input if i.endswith(".bias") and i in wanted]
        if len(biases) != 1:
            continue  # a constant the exporter folded from parameters (a weight slice): not a parameter itself
        put(biases[0][: -len(".bias")] + ".weight", inits[node.input[1]].T.copy(), f"initializer {node.input[1]}")
    missing = [n for n in wanted if n not in found]
    if missing:
        raise RecoverError(f"{path.name}: no initializer for {', '.join(missing)}")
    state = {n: torch.from_numpy(np.array(found[n])).to(wanted[n].dtype) for n in wanted}
    model.load_state_dict(state, strict=True)
    meta = {p.key: p.value for p in proto.metadata_props}
    return {
        "config": cfg.to_json(),
        "state": model.state_dict(),
        "data_sha256": meta.get("qgs.training_data_sha256", "unknown"),
        "info": {"recovered_from": path.name, "metadata": meta},
    }


def reexport(path: Path) -> None:
    """Rewrites `path` with the current graph code from its own weights, keeping every metadata entry."""
    from .export import export_model

    ckpt = recover(path)
    model = QGSModel(ModelConfig.from_json(ckpt["config"]))
    model.load_state_dict(ckpt["state"])
    export_model(model.eval(), path, ckpt["info"]["metadata"])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, help="checkpoint to write (one model)")
    ap.add_argument("--reexport", action="store_true", help="re-export each model in place with the current graph")
    args = ap.parse_args(argv)
    if args.out:
        if len(args.models) != 1:
            ap.error("--out takes one model")
        torch.save(recover(args.models[0]), str(args.out))
        print(f"wrote {args.out}")
    if args.reexport:
        for p in args.models:
            reexport(p)
            print(f"re-exported {p} ({p.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
