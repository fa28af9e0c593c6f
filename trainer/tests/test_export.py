"""Exported graphs: contract names/dtypes, metadata, opset, and no L×L tensor in the linear encoder."""
import json

import onnx
import pytest
import torch
from onnx import TensorProto, shape_inference

from trainer.export import CONTRACT_VERSION, OPSET, contract_metadata, export_model
from trainer.model import DEMO_GROUPS, INPUT_NAMES, OUTPUT_NAMES, ModelConfig, QGSModel, example_inputs


def build(encoder):
    torch.manual_seed(0)
    return QGSModel(ModelConfig(encoder=encoder, groups=DEMO_GROUPS, dropout=0.0)).eval()


@pytest.fixture(scope="module")
def linear_onnx(tmp_path_factory):
    path = tmp_path_factory.mktemp("onnx") / "linear.onnx"
    model = build("linear")
    export_model(model, path, contract_metadata(model.cfg, "qgs-linear", "1.2.3", "ab" * 32))
    return onnx.load(str(path))


def test_contract_inputs_outputs_and_opset(linear_onnx):
    g = linear_onnx.graph
    assert [i.name for i in g.input] == INPUT_NAMES
    assert [o.name for o in g.output] == OUTPUT_NAMES
    dtypes = {i.name: i.type.tensor_type.elem_type for i in g.input}
    assert dtypes["history_mask"] == TensorProto.BOOL and dtypes["candidate_mask"] == TensorProto.BOOL
    assert dtypes["candidate_features"] == TensorProto.FLOAT
    assert dtypes["history_query_tokens"] == TensorProto.INT64
    dims = {i.name: [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim] for i in g.input}
    assert dims["history_query_tokens"] == ["B", "L", 16]
    assert dims["candidate_features"] == ["B", "C", 12]
    assert max(o.version for o in linear_onnx.opset_import if o.domain in ("", "ai.onnx")) >= OPSET


def test_metadata(linear_onnx):
    meta = {p.key: p.value for p in linear_onnx.metadata_props}
    assert meta["qgs.contract_version"] == CONTRACT_VERSION
    assert meta["qgs.encoder_kind"] == "linear"
    assert meta["qgs.model_name"] == "qgs-linear" and meta["qgs.model_version"] == "1.2.3"
    assert meta["qgs.training_data_sha256"] == "ab" * 32
    groups = json.loads(meta["qgs.feature_groups"])
    assert [g["name"] for g in groups] == ["text_match", "statistical", "behavioural"]
    assert groups[0]["features"] == ["bm25", "title_coverage", "exact_match", "semantic_sim"]
    assert json.loads(meta["qgs.tokenizer"]) == {"tokenBuckets": 16384, "itemBuckets": 8192, "queryTokens": 16, "titleTokens": 24}


def square_tensors(encoder, L):
    """Export with static shapes at a distinctive L, infer every intermediate shape, and list the
    tensors that have two sequence-length-sized dims (an L×L attention matrix)."""
    model = build(encoder)
    x = example_inputs(model.cfg, B=1, L=L, C=3)
    import io
    buf = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(model, tuple(x[n] for n in INPUT_NAMES), buf, input_names=INPUT_NAMES,
                          output_names=OUTPUT_NAMES, opset_version=OPSET)
    inferred = shape_inference.infer_shapes(onnx.load_from_string(buf.getvalue()))
    seq_sizes = {L, L + 1, L + 1 + (-(L + 1)) % model.cfg.chunk}  # history, +target, padded to chunks
    bad = []
    for vi in list(inferred.graph.value_info) + list(inferred.graph.output):
        dims = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        if sum(1 for d in dims if d in seq_sizes) >= 2:
            bad.append((vi.name, dims))
    return bad


def test_linear_graph_has_no_LxL_tensor():
    assert square_tensors("linear", L=499) == []


def test_the_LxL_check_does_find_softmax_attention():
    # Guards the check above: the quadratic reference must be caught by it.
    assert square_tensors("softmax", L=499) != []


def op_shapes(encoder, L):
    """Shapes of every tensor any aten op produces in one forward pass (the ops the ONNX trace records)."""
    from torch.utils._python_dispatch import TorchDispatchMode

    shapes = []

    class Record(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            for t in (out if isinstance(out, (tuple, list)) else [out]):
                if isinstance(t, torch.Tensor):
                    shapes.append((str(func), tuple(t.shape)))
            return out

    model = build(encoder)
    x = example_inputs(model.cfg, B=1, L=L, C=3)
    with torch.no_grad(), Record():
        model(**x)
    return [(f, s) for f, s in shapes if sum(1 for d in s if d >= L) >= 2]


def test_no_op_of_the_linear_forward_makes_an_LxL_tensor():
    # Complements the ONNX check (whose shape inference leaves some dynamic shapes unknown).
    assert op_shapes("linear", L=700) == []
    assert op_shapes("softmax", L=700) != []


@pytest.mark.parametrize("encoder", ["linear", "softmax", "flattened"])
def test_weights_recovered_from_an_export_are_the_models_own(encoder, tmp_path):
    """trainer/weights_from_onnx.py finds every parameter in an exported file, bit for bit, and its
    in-place re-export keeps weights and metadata (how the shipped models get a new graph)."""
    from trainer.weights_from_onnx import recover, reexport

    model = build(encoder)
    with torch.no_grad():  # as after training: no two parameters bit-identical (the exporter merges those)
        for t in model.state_dict().values():
            t.add_(torch.rand_like(t) * 0.01)
        model.token_emb.weight[0].zero_()
        model.item_emb.weight[0].zero_()
    path = tmp_path / "m.onnx"
    meta = contract_metadata(model.cfg, "m", "1.0.0", "cd" * 32, {"qgs.provenance": "{}"})
    export_model(model, path, meta)
    for _ in range(2):  # again after re-exporting in place
        ckpt = recover(path)
        assert ckpt["state"].keys() == model.state_dict().keys()
        for name, value in model.state_dict().items():
            assert torch.equal(ckpt["state"][name], value), name
        assert ckpt["config"]["encoder"] == encoder and ckpt["info"]["metadata"] == meta
        reexport(path)
