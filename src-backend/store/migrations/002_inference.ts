// Migration 2: inference (docs/inference.md). Append-only: never edit once shipped; add 003_….ts.
//  - inference_settings: the workspace's provider / threads / max-history choices.
//  - scored_turns: one row per (model, turn) a batch job has finished, including turns with zero
//    candidates (which have no rows in `scores`), so re-running a batch job skips them and a crashed
//    or cancelled job resumes where its last commit ended. Scores themselves go in `scores` (001).
export default /* sql */ `
CREATE TABLE inference_settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL  -- JSON
) STRICT;

CREATE TABLE scored_turns (
  model_sha256      TEXT NOT NULL REFERENCES models ON DELETE CASCADE,
  turn_pk           INTEGER NOT NULL REFERENCES turns ON DELETE CASCADE,
  candidates        INTEGER NOT NULL,
  history_steps     INTEGER NOT NULL,  -- steps fed to the model (after truncation)
  truncated_steps   INTEGER NOT NULL,  -- oldest steps dropped by max_history
  max_history       INTEGER NOT NULL,
  filled_features   INTEGER NOT NULL,  -- (candidate, feature) values missing from the log, filled with 0
  history_weights   BLOB,              -- float32 [history_steps]
  provider          TEXT NOT NULL,
  scored_at         TEXT NOT NULL,
  PRIMARY KEY (model_sha256, turn_pk)
) STRICT, WITHOUT ROWID;
`;
