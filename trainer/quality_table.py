"""Prints the trainer's own quality table from the quality-seed*.json files trainer.build_models wrote.

python3 -m trainer.quality_table [--runs /work/ckpt]
A cross-check: docs/model-quality.md's table comes from the app (node scripts/quality-table.ts).
"""
import argparse
import json
import statistics
from pathlib import Path

RUNS = Path(__file__).resolve().parents[1] / "trainer/.runs"
MODELS = ["qgs-linear", "qgs-softmax", "baseline-flat"]
GROUPS = ["all", "switch", "continuation", "start"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=Path, default=RUNS, help="folder with quality-seed*.json (build_models --ckpt-dir)")
    runs = ap.parse_args(argv).runs
    reports = [json.loads(p.read_text()) for p in sorted(runs.glob("quality-seed*.json"))]
    if not reports:
        raise SystemExit(f"no quality-seed*.json in {runs}: run python3 -m trainer.build_models first")
    seeds = [r["seed"] for r in reports]
    print(f"Test split of {reports[0]['workspace']} (data sha256 {reports[0]['data_sha256'][:12]}…), training seeds {seeds}; "
          "mean over seeds, ± half the range between seeds.\n")
    head = "| model | " + " | ".join(f"NDCG@10 {g} | MRR {g}" for g in GROUPS) + " | epochs | train min |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for m in MODELS:
        rows = [r["models"][m] for r in reports if m in r["models"]]
        if not rows:
            continue
        cells = []
        for g in GROUPS:
            for metric in ("ndcg10", "mrr"):
                vals = [r["test"][g][metric] for r in rows]
                spread = f" ± {(max(vals) - min(vals)) / 2:.4f}" if len(vals) > 1 else ""
                cells.append(f"{statistics.mean(vals):.4f}{spread}")
        epochs = "/".join(str(len(r["train"]["epochs"])) for r in rows)
        minutes = "/".join(f"{r['train']['minutes']:.1f}" for r in rows)
        print(f"| {m} | " + " | ".join(cells) + f" | {epochs} | {minutes} |")
    turns = next(iter(reports[0]["models"].values()))["test"]
    print("\nTurns: " + ", ".join(f"{g} {turns[g]['turns']}" for g in GROUPS))
    print("\nPer seed:\n")
    for r in reports:
        for m in MODELS:
            if m in r["models"]:
                t = r["models"][m]["test"]
                print(f"- seed {r['seed']} {m}: NDCG@10 {t['all']['ndcg10']:.4f} (switch {t['switch']['ndcg10']:.4f}, "
                      f"continuation {t['continuation']['ndcg10']:.4f}), MRR {t['all']['mrr']:.4f}, "
                      f"best valid NDCG@10 {r['models'][m]['train']['best_valid_ndcg10']:.4f}")


if __name__ == "__main__":
    main()
