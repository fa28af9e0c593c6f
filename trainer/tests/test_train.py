"""End to end on a tiny synthetic workspace: train (1 epoch) → checkpoint → evaluate → export."""
import json
import math

import onnx
import torch

from trainer import evaluate as evaluate_mod
from trainer import export as export_mod
from trainer import train as train_mod
from trainer.train import listwise_loss

from .synthetic import write_workspace


def test_listwise_loss_prefers_the_relevant_candidate():
    grades = torch.tensor([[3.0, 0.0, -1.0]])
    mask = torch.tensor([[True, True, False]])
    good = listwise_loss(torch.tensor([[5.0, 0.0, 0.0]]), grades, mask)
    bad = listwise_loss(torch.tensor([[0.0, 5.0, 0.0]]), grades, mask)
    assert good < bad and torch.isfinite(good)


def test_train_evaluate_export_cli(tmp_path, capsys):
    ws = write_workspace(tmp_path / "ws", sessions=40)
    run = tmp_path / "run"
    train_mod.main(["--data", str(ws), "--encoder", "linear", "--out", str(run), "--epochs", "1"])
    info = json.loads((run / "train.json").read_text())
    assert len(info["epochs"]) == 1 and not math.isnan(info["best_valid_ndcg10"])

    model = export_mod.load_checkpoint(run / "model.pt")
    assert (model.token_emb.weight[0] == 0).all() and (model.item_emb.weight[0] == 0).all(), "padding rows stay zero"

    capsys.readouterr()
    evaluate_mod.main(["--data", str(ws), "--displayed-order", str(run / "model.pt")])
    both = json.loads(capsys.readouterr().out)
    assert 0 < both["displayed order"]["all"]["ndcg10"] <= 1
    res = both[str(run / "model.pt")]
    assert res["all"]["turns"] > 0 and 0 < res["all"]["ndcg10"] <= 1
    assert res["all"]["turns"] == res["switch"]["turns"] + res["continuation"]["turns"] + res["start"]["turns"]

    capsys.readouterr()
    evaluate_mod.main(["--data", str(ws), "--without-history", str(run / "model.pt")])
    ablated = json.loads(capsys.readouterr().out)
    bare = ablated[f"{run / 'model.pt'} without history"]
    assert bare["all"]["turns"] == res["all"]["turns"]
    # First turns have no history anyway: removing it changes nothing there.
    assert bare["start"]["ndcg10"] == res["start"]["ndcg10"]

    # Ground-truth slices from a demo's turns.tsv: every turn here is marked an ambiguous refinement.
    qids = [f"{s['session_id']}#{i}" for s in map(json.loads, (ws / "sessions.jsonl").read_text().splitlines())
            for i in range(len(s["events"]))]
    truth = ws / "turns.tsv"
    truth.write_text("turn_id\ttopic\tsubject\tkind\tquery_form\tambiguous\tintent\n"
                     + "".join(f"{q}\t0\tx\trefine\tfollow\t1\t-\n" for q in qids))
    capsys.readouterr()
    evaluate_mod.main(["--data", str(ws), "--truth", str(truth), str(run / "model.pt")])
    sliced = json.loads(capsys.readouterr().out)[str(run / "model.pt")]
    assert sliced["ambiguous"]["turns"] == sliced["true refine"]["turns"] == res["all"]["turns"]
    assert sliced["true switch/return"]["turns"] == 0

    out = tmp_path / "m.onnx"
    export_mod.main(["--checkpoint", str(run / "model.pt"), "--out", str(out), "--name", "tiny"])
    meta = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    assert meta["qgs.model_name"] == "tiny" and len(meta["qgs.training_data_sha256"]) == 64
