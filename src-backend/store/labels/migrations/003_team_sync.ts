// Labels database, migration 3: what team sync and file exchange need (docs/team.md). Additive only
// (ADD COLUMN and new tables), so it composes with other migrations of the same file.
// - tasks.task_uid: a task's global id. task_id stays the local key every label refers to; task_uid
//   names the same task in another workspace, in an exchange file and on the team server. Existing
//   tasks get a random one here; new tasks get a UUID at creation.
// - label_events.remote_id: the team server's id of an event pulled from it (NULL for events made or
//   imported here), so a pull is never pushed back.
// - team_sync: the one team connection of this labels file: the URL WITHOUT its password, the
//   watermarks (advanced only after the commit they describe) and the last outcome.
export default /* sql */ `
ALTER TABLE tasks ADD COLUMN task_uid TEXT;
UPDATE tasks SET task_uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)));
CREATE UNIQUE INDEX tasks_by_uid ON tasks (task_uid);
ALTER TABLE label_events ADD COLUMN remote_id INTEGER;
CREATE TABLE team_sync (
  one              INTEGER PRIMARY KEY CHECK (one = 1),
  url              TEXT NOT NULL,      -- connection URL with the password removed
  server_id        TEXT NOT NULL,      -- the team database's identity (qgs_team.server_id); a new one resets the watermarks
  client_id        TEXT NOT NULL,      -- this labels file on that server: its pushes carry it, its pulls skip them
  pushed_seq       INTEGER NOT NULL DEFAULT 0,   -- local label_events.seq pushed and committed on the server
  pushed_task_id   INTEGER NOT NULL DEFAULT 0,   -- local tasks.task_id pushed
  pulled_event_id  INTEGER NOT NULL DEFAULT 0,   -- server label_events.id applied here
  pulled_task_id   INTEGER NOT NULL DEFAULT 0,   -- server tasks.id applied here
  last_synced_at   TEXT,
  last_error       TEXT,
  paused_reason    TEXT,              -- set when retrying cannot help (newer server schema, refused credentials)
  connected_at     TEXT NOT NULL
) STRICT;
`;
