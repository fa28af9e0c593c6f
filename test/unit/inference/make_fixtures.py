"""Small ONNX models for the inference tests (test/unit/inference/fixtures/), built with the trainer's
own model code so they follow the contract exactly:

  tiny-linear.onnx    a valid linear-encoder model (untrained, small vocab so the file is small)
  tiny-flat.onnx      a valid flattened-baseline model (a second model for two-model scoring)
  tiny-nan.onnx       the linear model with NaN weights in its scoring head: loads and runs, every
                      score is NaN (the "non-finite outputs" bad input)
  no-metadata.onnx    the linear model exported without metadata_props (fails the contract)

/usr/bin/python3 test/unit/inference/make_fixtures.py     (Debian's python3 with torch + onnx)
"""
import sys
from pathlib import Path

import onnx
import torch

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from trainer.export import contract_metadata, export_model  # noqa: E402
from trainer.model import DEMO_GROUPS, ModelConfig, QGSModel  # noqa: E402
from trainer.tokenizer import TokenizerParams  # noqa: E402

OUT = Path(__file__).resolve().parent / "fixtures"
TOK = TokenizerParams(token_buckets=512, item_buckets=256, query_tokens=8, title_tokens=8)
DATA_SHA = "0" * 64


def build(encoder: str, seed: int) -> QGSModel:
    torch.manual_seed(seed)
    cfg = ModelConfig(encoder=encoder, groups=DEMO_GROUPS, tokenizer=TOK, dim=16, heads=2, layers=1, chunk=16, scan_steps=10)
    return QGSModel(cfg).eval()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    lin = build("linear", 1)
    export_model(lin, OUT / "tiny-linear.onnx", contract_metadata(lin.cfg, "tiny-linear", "0.0.1", DATA_SHA))
    flat = build("flattened", 2)
    export_model(flat, OUT / "tiny-flat.onnx", contract_metadata(flat.cfg, "tiny-flat", "0.0.1", DATA_SHA))

    nan = build("linear", 1)
    with torch.no_grad():
        for p in nan.head.parameters():
            p.fill_(float("nan"))
    export_model(nan, OUT / "tiny-nan.onnx", contract_metadata(nan.cfg, "tiny-nan", "0.0.1", DATA_SHA))

    export_model(lin, OUT / "no-metadata.onnx", {})
    proto = onnx.load(str(OUT / "no-metadata.onnx"))
    del proto.metadata_props[:]
    onnx.save(proto, str(OUT / "no-metadata.onnx"))
    for f in sorted(OUT.glob("*.onnx")):
        print(f"{f.relative_to(ROOT)}: {f.stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
