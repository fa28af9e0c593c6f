// Labels database, migration 1 (docs/labeling.md). Append-only: never edit once shipped; add 002_….ts.
// This file is NOT the workspace: it lives next to it (`<workspace>.labels.db`) so a label write never
// waits behind an import or a batch-scoring transaction on the workspace's write lock. Turns and items
// are referenced by their stable ids (turn id `<session_id>#<index>`, item id), not workspace keys.
export default /* sql */ `
CREATE TABLE annotators (
  annotator_id  TEXT PRIMARY KEY,
  display_name  TEXT NOT NULL,
  created_at    TEXT NOT NULL
) STRICT;
-- Who "me" is on this machine (one row).
CREATE TABLE identity (
  one           INTEGER PRIMARY KEY CHECK (one = 1),
  annotator_id  TEXT NOT NULL REFERENCES annotators
) STRICT;
CREATE TABLE scales (
  name         TEXT PRIMARY KEY,
  builtin      INTEGER NOT NULL,
  description  TEXT NOT NULL,
  levels       TEXT NOT NULL,  -- JSON [{key, value, gain, label, description}]
  created_at   TEXT NOT NULL
) STRICT;
CREATE TABLE tasks (
  task_id       INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  scale         TEXT NOT NULL REFERENCES scales,
  spec          TEXT NOT NULL,  -- JSON TaskSpec: source, pool (resolved), order, seed, showLogged
  instructions  TEXT NOT NULL,
  hide_scores   INTEGER NOT NULL,
  created_at    TEXT NOT NULL
) STRICT;
-- The task's turns, with the pooled candidates frozen at creation (JSON item ids) and, for model
-- pools, each model's top k (JSON {sha256: [item ids]}) so the arena and "model order" need no rescoring.
CREATE TABLE task_turns (
  task_id   INTEGER NOT NULL REFERENCES tasks,
  ordinal   INTEGER NOT NULL,
  turn_id   TEXT NOT NULL,
  kind      TEXT NOT NULL CHECK (kind IN ('start', 'switch', 'continuation')),
  pool      TEXT NOT NULL,
  rankings  TEXT NOT NULL,
  PRIMARY KEY (task_id, ordinal),
  UNIQUE (task_id, turn_id)
) STRICT, WITHOUT ROWID;
-- Append-only. event_id: client-generated, makes a retried write idempotent.
CREATE TABLE label_events (
  seq           INTEGER PRIMARY KEY,
  event_id      TEXT NOT NULL UNIQUE,
  annotator_id  TEXT NOT NULL REFERENCES annotators,
  created_at    TEXT NOT NULL,
  task_id       INTEGER NOT NULL,  -- 0: a label given outside any task (inline in the ranking view)
  turn_id       TEXT NOT NULL,
  item_id       TEXT,              -- grade; NULL for turn-level events
  kind          TEXT NOT NULL CHECK (kind IN ('grade', 'undo', 'skip', 'flag', 'pairwise')),
  scale         TEXT,              -- grade: the scale it was given on
  value         INTEGER,           -- grade: the level's value
  gain          REAL,              -- grade: the level's gain at the time (a grade for metrics)
  outcome       TEXT,              -- pairwise: a_better | b_better | tie | both_bad (model_a/model_b as stored)
  model_a       TEXT,
  model_b       TEXT,
  tags          TEXT,              -- flag: JSON string array
  note          TEXT,
  undoes        TEXT               -- undo: the event_id undone
) STRICT;
CREATE INDEX label_events_by_key ON label_events (task_id, annotator_id, turn_id, seq);
CREATE INDEX label_events_by_turn ON label_events (turn_id, seq);
CREATE INDEX label_events_undoes ON label_events (undoes) WHERE undoes IS NOT NULL;
-- Derived, kept in the same transaction as each event: the current grade per annotator, task, turn
-- and item (latest grade event not undone). Rebuildable from label_events.
CREATE TABLE current_labels (
  annotator_id  TEXT NOT NULL,
  task_id       INTEGER NOT NULL,
  turn_id       TEXT NOT NULL,
  item_id       TEXT NOT NULL,
  scale         TEXT NOT NULL,
  value         INTEGER NOT NULL,
  gain          REAL NOT NULL,
  seq           INTEGER NOT NULL,
  PRIMARY KEY (task_id, annotator_id, turn_id, item_id)
) STRICT, WITHOUT ROWID;
-- Derived, same transaction: per annotator, task and turn, what is in effect (graded candidates,
-- skipped, flagged, pairwise pick) and whether the turn is done — so progress is one indexed
-- aggregate, not a scan of every event (judge mode reads it on every turn).
CREATE TABLE turn_status (
  task_id       INTEGER NOT NULL,
  annotator_id  TEXT NOT NULL,
  turn_id       TEXT NOT NULL,
  graded        INTEGER NOT NULL,
  skipped       INTEGER NOT NULL,
  flagged       INTEGER NOT NULL,
  pairwise      INTEGER NOT NULL,
  done          INTEGER NOT NULL,  -- every pooled candidate graded, or skipped
  PRIMARY KEY (task_id, annotator_id, turn_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX current_labels_by_annotator ON current_labels (annotator_id, turn_id, item_id);
CREATE INDEX current_labels_by_turn ON current_labels (turn_id);
`;
