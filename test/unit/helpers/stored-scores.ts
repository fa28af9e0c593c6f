// Test fixture: stores a model's batch scores for one turn directly, as score.batch would, so metric
// tests can use hand-picked scores instead of a model's.
import type { DatabaseSync } from 'node:sqlite';

export function putStoredScores(db: DatabaseSync, model: string, turnId: string, scores: Record<string, number>): void {
  const [sid, idx] = turnId.split('#');
  const t = db
    .prepare('SELECT t.turn_pk FROM turns t JOIN sessions s USING (session_pk) WHERE s.session_id = ? AND t.idx = ?')
    .get(sid!, Number(idx)) as { turn_pk: number };
  for (const [item, score] of Object.entries(scores)) {
    const it = db.prepare('SELECT item_pk FROM items WHERE item_id = ?').get(item) as { item_pk: number };
    db.prepare(
      "INSERT INTO scores (model_sha256, turn_pk, item_pk, score, group_weights, scored_at) VALUES (?, ?, ?, ?, NULL, 'now')",
    ).run(model, t.turn_pk, it.item_pk, score);
  }
  db.prepare(
    "INSERT INTO scored_turns (model_sha256, turn_pk, candidates, history_steps, truncated_steps, max_history, filled_features, history_weights, provider, scored_at) VALUES (?, ?, ?, 0, 0, 256, 0, NULL, 'cpu', 'now')",
  ).run(model, t.turn_pk, Object.keys(scores).length);
}
