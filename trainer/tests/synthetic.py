"""A tiny synthetic workspace in the demo's format (sessions.jsonl + qrels.txt) for fast tests."""
import json
import random
from pathlib import Path

from trainer.model import DEMO_GROUPS

TOPICS = {
    "shoes": ["trail running shoes", "road running shoes", "running shoes sale"],
    "coffee": ["espresso machine", "coffee grinder burr", "espresso beans"],
    "phones": ["phone case", "phone charger fast", "phone screen protector"],
}
FEATURES = [f for _, fs in DEMO_GROUPS for f in fs]


def write_workspace(out: Path, sessions: int = 40, seed: int = 0) -> Path:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    lines, qrels = [], []
    for s in range(sessions):
        user = f"u{s % 12:03d}"
        split = ["train", "train", "train", "valid", "test"][s % 5]
        events = []
        topic = rng.choice(list(TOPICS))
        for t in range(rng.randint(2, 5)):
            if rng.random() < 0.3:
                topic = rng.choice(list(TOPICS))
            query = rng.choice(TOPICS[topic])
            results = []
            for p in range(1, 7):
                item_topic = rng.choice(list(TOPICS))
                grade = (3 if item_topic == topic else 0) if rng.random() < 0.8 else rng.randint(0, 3)
                item = f"{item_topic}-{rng.randint(0, 20)}"
                if any(r["item_id"] == item for r in results):
                    continue
                click = grade >= 2 and rng.random() < 0.6
                r = {"item_id": item, "title": f"{rng.choice(TOPICS[item_topic])} {item}", "position": p,
                     "features": {f: round(rng.gauss(grade, 1.0), 3) if f == "bm25" else round(rng.random(), 3) for f in FEATURES},
                     "click": click}
                if click:
                    r["dwell_ms"] = rng.choice([5000, 45000])
                results.append(r)
                qrels.append(f"s{s:04d}#{t} 0 {item} {grade}")
            events.append({"ts": f"2026-03-01T09:{t:02d}:00.000Z", "query": query, "results": results})
        lines.append(json.dumps({"v": 1, "session_id": f"s{s:04d}", "user_id": user, "split": split, "events": events}))
    (out / "sessions.jsonl").write_text("\n".join(lines) + "\n")
    (out / "qrels.txt").write_text("\n".join(qrels) + "\n")
    (out / "features.json").write_text(json.dumps({"groups": [{"name": g, "features": fs} for g, fs in DEMO_GROUPS]}))
    return out
