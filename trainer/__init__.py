"""QGS reference model family: tokenizer, history assembly, model, training, ONNX export (docs/trainer.md)."""
