// Labels database, migration 2 (docs/agreement.md): the `adjudicate` event kind — a lead's final
// grade (value + note) for one task, turn and item — and the derived `adjudications` table.
// SQLite cannot alter a CHECK constraint, so label_events is rebuilt: a new table with the wider
// CHECK, every row copied with its seq (the INTEGER PRIMARY KEY, so order and the derived tables'
// references stay valid), the old table dropped, the new one renamed, the indexes recreated. Runs
// inside the migration's one transaction (src-backend/store/store.ts `migrate`): all or nothing.
// Nothing references label_events by foreign key, so the drop needs no foreign-key juggling.
export default /* sql */ `
CREATE TABLE label_events_v2 (
  seq           INTEGER PRIMARY KEY,
  event_id      TEXT NOT NULL UNIQUE,
  annotator_id  TEXT NOT NULL REFERENCES annotators,
  created_at    TEXT NOT NULL,
  task_id       INTEGER NOT NULL,
  turn_id       TEXT NOT NULL,
  item_id       TEXT,
  kind          TEXT NOT NULL CHECK (kind IN ('grade', 'undo', 'skip', 'flag', 'pairwise', 'adjudicate')),
  scale         TEXT,
  value         INTEGER,           -- grade, adjudicate: the level's value
  gain          REAL,
  outcome       TEXT,
  model_a       TEXT,
  model_b       TEXT,
  tags          TEXT,
  note          TEXT,              -- flag, pairwise, adjudicate: the note
  undoes        TEXT
) STRICT;
INSERT INTO label_events_v2 (seq, event_id, annotator_id, created_at, task_id, turn_id, item_id, kind, scale, value, gain, outcome, model_a, model_b, tags, note, undoes)
  SELECT seq, event_id, annotator_id, created_at, task_id, turn_id, item_id, kind, scale, value, gain, outcome, model_a, model_b, tags, note, undoes
  FROM label_events ORDER BY seq;
DROP TABLE label_events;
ALTER TABLE label_events_v2 RENAME TO label_events;
CREATE INDEX label_events_by_key ON label_events (task_id, annotator_id, turn_id, seq);
CREATE INDEX label_events_by_turn ON label_events (turn_id, seq);
CREATE INDEX label_events_undoes ON label_events (undoes) WHERE undoes IS NOT NULL;
-- Derived in the same transaction as each adjudicate event (or its undo): the final grade per task,
-- turn and item — the latest adjudicate event not undone, whoever the lead. Rebuildable from the events.
CREATE TABLE adjudications (
  task_id       INTEGER NOT NULL,
  turn_id       TEXT NOT NULL,
  item_id       TEXT NOT NULL,
  value         INTEGER NOT NULL,
  gain          REAL NOT NULL,
  note          TEXT NOT NULL,
  annotator_id  TEXT NOT NULL,
  seq           INTEGER NOT NULL,
  PRIMARY KEY (task_id, turn_id, item_id)
) STRICT, WITHOUT ROWID;
`;
