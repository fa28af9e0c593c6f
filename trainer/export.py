"""ONNX export under the model contract (docs/model-contract.md).

python3 -m trainer.export --checkpoint RUN/model.pt --out resources/models/qgs-linear.onnx
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Dict, Optional

import onnx
import torch

from .model import INPUT_NAMES, OUTPUT_NAMES, ModelConfig, QGSModel, example_inputs

CONTRACT_VERSION = "1"
OPSET = 17

DYNAMIC_AXES = {
    "history_query_tokens": {0: "B", 1: "L"},
    "history_item_tokens": {0: "B", 1: "L"},
    "history_item_ids": {0: "B", 1: "L"},
    "history_actions": {0: "B", 1: "L"},
    "history_mask": {0: "B", 1: "L"},
    "target_query_tokens": {0: "B"},
    "candidate_item_ids": {0: "B", 1: "C"},
    "candidate_item_tokens": {0: "B", 1: "C"},
    "candidate_features": {0: "B", 1: "C"},
    "candidate_mask": {0: "B", 1: "C"},
    "score": {0: "B", 1: "C"},
    "group_weight": {0: "B", 1: "C"},
    "history_weight": {0: "B", 1: "L"},
}


def contract_metadata(cfg: ModelConfig, name: str, version: str, data_sha256: str, extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """metadata_props of a contract model; structured values are JSON."""
    meta = {
        "qgs.contract_version": CONTRACT_VERSION,
        "qgs.model_name": name,
        "qgs.model_version": version,
        "qgs.encoder_kind": cfg.encoder,
        "qgs.feature_groups": json.dumps([{"name": g, "features": list(f)} for g, f in cfg.groups]),
        "qgs.tokenizer": json.dumps(cfg.tokenizer.to_json()),
        "qgs.training_data_sha256": data_sha256,
    }
    meta.update(extra or {})
    return meta


def export_model(model: QGSModel, path: Path, metadata: Dict[str, str]) -> onnx.ModelProto:
    model = model.eval()
    for table in (model.token_emb, model.item_emb):
        # Pooling relies on the padding row being zero (trainer/model.py pool_tokens).
        if bool(table.weight[0].abs().sum() != 0):
            raise ValueError("embedding row 0 (padding) is not zero: padding would change scores")
    inputs = example_inputs(model.cfg, B=2, L=5, C=3, seed=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(
            model,
            tuple(inputs[n] for n in INPUT_NAMES),
            str(path),
            input_names=INPUT_NAMES,
            output_names=OUTPUT_NAMES,
            dynamic_axes=DYNAMIC_AXES,
            opset_version=OPSET,
            do_constant_folding=True,
        )
    proto = onnx.load(str(path))
    del proto.metadata_props[:]
    for k, v in metadata.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = k, v
    proto.producer_name = "qgs-trainer"
    proto.doc_string = "QGS Workbench model contract v" + CONTRACT_VERSION + " (docs/model-contract.md)"
    onnx.checker.check_model(proto)
    onnx.save(proto, str(path))
    return proto


def load_checkpoint(path: Path) -> QGSModel:
    ckpt = torch.load(str(path), map_location="cpu")
    model = QGSModel(ModelConfig.from_json(ckpt["config"]))
    model.load_state_dict(ckpt["state"])
    return model.eval()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--checkpoint", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--name", default=None)
    ap.add_argument("--version", default="0.1.0")
    args = ap.parse_args(argv)
    ckpt = torch.load(str(args.checkpoint), map_location="cpu")
    model = load_checkpoint(args.checkpoint)
    meta = contract_metadata(model.cfg, args.name or args.out.stem, args.version, ckpt.get("data_sha256", "unknown"))
    export_model(model, args.out, meta)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
