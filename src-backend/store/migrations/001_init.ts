// Migration 1: the initial workspace schema (docs/store.md explains every table).
// Append-only: never edit a migration that has shipped; add 002_….ts instead.
export default /* sql */ `
CREATE TABLE imports (
  import_id    INTEGER PRIMARY KEY,
  sha256       TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('sessions', 'trec-run', 'qrels')),
  -- qrels set name for kind = 'qrels'; '' otherwise. The same qrels file may feed two sets.
  target       TEXT NOT NULL DEFAULT '',
  file_name    TEXT NOT NULL,
  imported_at  TEXT NOT NULL,
  sessions     INTEGER NOT NULL DEFAULT 0,
  turns        INTEGER NOT NULL DEFAULT 0,
  result_rows  INTEGER NOT NULL DEFAULT 0,
  UNIQUE (sha256, kind, target)
) STRICT;

CREATE TABLE feature_names (
  feature_id  INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE
) STRICT;

-- One row per distinct ordered list of feature names seen on a result. results.features is a
-- float64 little-endian array aligned to this list, so per-row storage is 8 bytes per value.
CREATE TABLE feature_sets (
  set_id       INTEGER PRIMARY KEY,
  feature_ids  BLOB NOT NULL UNIQUE  -- uint32 little-endian feature_names.feature_id, in order
) STRICT;

CREATE TABLE sessions (
  session_pk   INTEGER PRIMARY KEY,
  session_id   TEXT NOT NULL UNIQUE,
  user_id      TEXT NOT NULL,
  split        TEXT CHECK (split IN ('train', 'valid', 'test')),
  import_id    INTEGER NOT NULL REFERENCES imports,
  turns        INTEGER NOT NULL,
  switches     INTEGER NOT NULL,
  clicks       INTEGER NOT NULL,
  first_query  TEXT NOT NULL,
  started_at   TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Lower-cased query texts of a session joined by newlines, kept apart from sessions so the
-- substring scan of the session list reads only this narrow table.
CREATE TABLE session_text (
  session_pk  INTEGER PRIMARY KEY REFERENCES sessions ON DELETE CASCADE,
  text        TEXT NOT NULL
) STRICT;

-- Trigram index over session_text for substring search of 3+ characters (any script). Shorter
-- needles scan session_text. detail=none: substring LIKE needs no positions, and it halves the size.
CREATE VIRTUAL TABLE session_fts USING fts5(
  text, content = 'session_text', content_rowid = 'session_pk', tokenize = 'trigram', detail = 'none'
);
CREATE TRIGGER session_text_ai AFTER INSERT ON session_text BEGIN
  INSERT INTO session_fts (rowid, text) VALUES (new.session_pk, new.text);
END;
CREATE TRIGGER session_text_ad AFTER DELETE ON session_text BEGIN
  INSERT INTO session_fts (session_fts, rowid, text) VALUES ('delete', old.session_pk, old.text);
END;

CREATE TABLE turns (
  turn_pk     INTEGER PRIMARY KEY,
  session_pk  INTEGER NOT NULL REFERENCES sessions ON DELETE CASCADE,
  idx         INTEGER NOT NULL,
  ts          TEXT NOT NULL,
  query       TEXT NOT NULL,
  boundary    TEXT NOT NULL CHECK (boundary IN ('start', 'repeat', 'refinement', 'switch')),
  UNIQUE (session_pk, idx)
) STRICT;

CREATE TABLE items (
  item_pk  INTEGER PRIMARY KEY,
  item_id  TEXT NOT NULL UNIQUE,
  title    TEXT  -- first title seen in a session log; NULL for items known only from runs/qrels
) STRICT;

-- One row per impression. WITHOUT ROWID: the primary key is the only B-tree, and rows arrive in
-- key order during an import, so inserts append.
CREATE TABLE results (
  turn_pk      INTEGER NOT NULL REFERENCES turns ON DELETE CASCADE,
  position     INTEGER NOT NULL,
  item_pk      INTEGER NOT NULL REFERENCES items,
  click        INTEGER NOT NULL CHECK (click IN (0, 1)),
  dwell_ms     INTEGER,
  title        TEXT,  -- NULL when equal to items.title (the common case)
  feature_set  INTEGER NOT NULL REFERENCES feature_sets,
  features     BLOB NOT NULL,
  PRIMARY KEY (turn_pk, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE runs (
  run_pk     INTEGER PRIMARY KEY,
  tag        TEXT NOT NULL UNIQUE,
  import_id  INTEGER NOT NULL REFERENCES imports
) STRICT;

CREATE TABLE run_entries (
  run_pk   INTEGER NOT NULL REFERENCES runs ON DELETE CASCADE,
  turn_pk  INTEGER NOT NULL REFERENCES turns,
  item_pk  INTEGER NOT NULL REFERENCES items,
  rank     INTEGER NOT NULL,
  score    REAL NOT NULL,
  PRIMARY KEY (run_pk, turn_pk, item_pk)
) STRICT, WITHOUT ROWID;

CREATE TABLE qrels_sets (
  set_pk     INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  import_id  INTEGER REFERENCES imports  -- NULL for sets derived from labels
) STRICT;

CREATE TABLE qrels (
  set_pk   INTEGER NOT NULL REFERENCES qrels_sets ON DELETE CASCADE,
  turn_pk  INTEGER NOT NULL REFERENCES turns,
  item_pk  INTEGER NOT NULL REFERENCES items,
  grade    INTEGER NOT NULL,
  PRIMARY KEY (set_pk, turn_pk, item_pk)
) STRICT, WITHOUT ROWID;

-- Room for milestone 1/2 features; designed now, filled by the inference and labeling work.
CREATE TABLE models (
  sha256     TEXT PRIMARY KEY,  -- of the ONNX file: the model's identity
  name       TEXT NOT NULL,
  version    TEXT NOT NULL,
  encoder    TEXT NOT NULL,     -- linear / softmax / flattened baseline
  metadata   TEXT NOT NULL,     -- ONNX metadata_props as JSON
  file_path  TEXT,
  added_at   TEXT NOT NULL
) STRICT;

CREATE TABLE scores (
  model_sha256    TEXT NOT NULL REFERENCES models ON DELETE CASCADE,
  turn_pk         INTEGER NOT NULL REFERENCES turns,
  item_pk         INTEGER NOT NULL REFERENCES items,
  score           REAL NOT NULL,
  group_weights   BLOB,  -- float32 [G], model's group order
  scored_at       TEXT NOT NULL,
  PRIMARY KEY (model_sha256, turn_pk, item_pk)
) STRICT, WITHOUT ROWID;

-- Append-only label events; the current label is derived (latest event per key). Undo is a new
-- event pointing at the one it reverts, never a delete.
CREATE TABLE label_events (
  event_id    INTEGER PRIMARY KEY,
  turn_pk     INTEGER NOT NULL REFERENCES turns,
  item_pk     INTEGER REFERENCES items,  -- NULL for turn-level events (flag, tag, note)
  annotator   TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('grade', 'flag', 'unflag', 'tag', 'untag', 'note', 'undo')),
  scale       TEXT,     -- e.g. 'graded-0-3' for kind = 'grade'
  value       INTEGER,  -- the grade for kind = 'grade'
  tag         TEXT,
  note        TEXT,
  undoes      INTEGER REFERENCES label_events
) STRICT;
CREATE INDEX label_events_by_turn ON label_events (turn_pk, item_pk, event_id);
`;
