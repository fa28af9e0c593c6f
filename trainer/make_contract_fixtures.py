"""Writes the small ONNX files test/unit/model/contract.test.ts feeds to the contract validator.

python3 -m trainer.make_contract_fixtures   (needs only the onnx package)
Each is a tiny hand-built graph (a few KB), one per way a model can break the contract.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .export import CONTRACT_VERSION
from .model import DEMO_GROUPS
from .tokenizer import TokenizerParams

OUT = Path(__file__).resolve().parents[1] / "test/unit/model/fixtures"
TOK = TokenizerParams()
F = sum(len(f) for _, f in DEMO_GROUPS)
G = len(DEMO_GROUPS)

INPUTS = [
    ("history_query_tokens", TensorProto.INT64, ["B", "L", TOK.query_tokens]),
    ("history_item_tokens", TensorProto.INT64, ["B", "L", TOK.title_tokens]),
    ("history_item_ids", TensorProto.INT64, ["B", "L"]),
    ("history_actions", TensorProto.INT64, ["B", "L"]),
    ("history_mask", TensorProto.BOOL, ["B", "L"]),
    ("target_query_tokens", TensorProto.INT64, ["B", TOK.query_tokens]),
    ("candidate_item_ids", TensorProto.INT64, ["B", "C"]),
    ("candidate_item_tokens", TensorProto.INT64, ["B", "C", TOK.title_tokens]),
    ("candidate_features", TensorProto.FLOAT, ["B", "C", F]),
    ("candidate_mask", TensorProto.BOOL, ["B", "C"]),
]
OUTPUTS = [
    ("score", TensorProto.FLOAT, ["B", "C"]),
    ("group_weight", TensorProto.FLOAT, ["B", "C", G]),
    ("history_weight", TensorProto.FLOAT, ["B", "L"]),
]


def metadata(**override):
    meta = {
        "qgs.contract_version": CONTRACT_VERSION,
        "qgs.model_name": "tiny-contract",
        "qgs.model_version": "0.0.1",
        "qgs.encoder_kind": "linear",
        "qgs.feature_groups": json.dumps([{"name": g, "features": f} for g, f in DEMO_GROUPS]),
        "qgs.tokenizer": json.dumps(TOK.to_json()),
        "qgs.training_data_sha256": "0" * 64,
    }
    meta.update(override)
    return {k: v for k, v in meta.items() if v is not None}


def tiny_model(inputs=INPUTS, outputs=OUTPUTS, meta=None, opset=17) -> onnx.ModelProto:
    """score = Σ features; group_weight = softmax(features·W); history_weight = mask / Σ mask."""
    w = numpy_helper.from_array(np.random.default_rng(0).normal(size=(F, G)).astype(np.float32), "W")
    axes = numpy_helper.from_array(np.array([-1], dtype=np.int64), "axes")
    eps = numpy_helper.from_array(np.array(1e-12, dtype=np.float32), "eps")
    nodes = [
        helper.make_node("ReduceSum", ["candidate_features", "axes"], ["score"], keepdims=0),
        helper.make_node("MatMul", ["candidate_features", "W"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["group_weight"], axis=-1),
        helper.make_node("Cast", ["history_mask"], ["maskf"], to=TensorProto.FLOAT),
        helper.make_node("ReduceSum", ["maskf", "axes"], ["count"], keepdims=1),
        helper.make_node("Max", ["count", "eps"], ["count1"]),
        helper.make_node("Div", ["maskf", "count1"], ["history_weight"]),
    ]
    names = {n for n, _, _ in outputs}
    nodes = [n for n in nodes if not (n.output[0] in ("score", "group_weight", "history_weight") and n.output[0] not in names)]
    graph = helper.make_graph(
        nodes, "tiny_contract",
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs],
        initializer=[w, axes, eps],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_contract_fixtures")
    model.ir_version = 8
    for k, v in (metadata() if meta is None else meta).items():
        e = model.metadata_props.add()
        e.key, e.value = k, v
    return model


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    good = tiny_model()
    onnx.checker.check_model(good)
    cases = {
        "good.onnx": good,
        "missing-output.onnx": tiny_model(outputs=OUTPUTS[:2]),
        "wrong-dtypes.onnx": tiny_model(inputs=[
            (n, TensorProto.INT64 if n == "history_mask" else TensorProto.DOUBLE if n == "candidate_features" else t, s)
            for n, t, s in INPUTS
        ]),
        "missing-metadata.onnx": tiny_model(meta=metadata(**{"qgs.tokenizer": None, "qgs.feature_groups": None})),
        "bad-metadata.onnx": tiny_model(meta=metadata(**{
            "qgs.encoder_kind": "transformer",
            "qgs.feature_groups": "[{\"name\": \"text_match\", \"features\": [\"bm25\"",
            "qgs.contract_version": "99",
        })),
        "feature-count-mismatch.onnx": tiny_model(meta=metadata(**{
            "qgs.feature_groups": json.dumps([{"name": "only", "features": ["bm25", "item_ctr"]}]),
        })),
        "old-opset.onnx": tiny_model(opset=13),
    }
    # A real but unrelated ONNX model: an MLP with its own input/output names and no metadata.
    rng = np.random.default_rng(1)
    mlp = helper.make_graph(
        [helper.make_node("Gemm", ["x", "W1", "b1"], ["h"]), helper.make_node("Relu", ["h"], ["y"])],
        "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])],
        initializer=[numpy_helper.from_array(rng.normal(size=(8, 4)).astype(np.float32), "W1"),
                     numpy_helper.from_array(np.zeros(4, np.float32), "b1")],
    )
    mlp_model = helper.make_model(mlp, opset_imports=[helper.make_opsetid("", 17)])
    mlp_model.ir_version = 8
    cases["not-qgs.onnx"] = mlp_model
    for name, model in cases.items():
        onnx.save(model, str(OUT / name))
    data = (OUT / "good.onnx").read_bytes()
    (OUT / "truncated.onnx").write_bytes(data[: len(data) // 2])
    (OUT / "not-onnx.onnx").write_bytes(b"this is a text file, not a protobuf\n")
    print(f"wrote {len(cases) + 2} fixtures to {OUT}")


if __name__ == "__main__":
    main()
