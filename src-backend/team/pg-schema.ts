// The team database's schema (PostgreSQL), set up by the app's own numbered migrations
// (docs/team.md). Version in `qgs_schema_version`; a database whose schema is newer than this build
// knows is refused before anything is written. Tables are prefixed `qgs_` so a team can use a
// database it already has.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ApiError } from '../../src-common/errors.ts';

/** Migration N upgrades version N-1 to N. Append only; never edit one that has shipped. */
export const PG_MIGRATIONS: readonly string[] = [
  /* sql */ `
  -- The server's identity: a workspace that finds another id here (a new or restored database)
  -- starts its watermarks over.
  CREATE TABLE qgs_team (
    one         integer PRIMARY KEY CHECK (one = 1),
    server_id   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE qgs_annotators (
    annotator_id  text PRIMARY KEY,
    display_name  text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
  );
  -- Custom scales (built-in ones are in every app). A scale never changes once made.
  CREATE TABLE qgs_scales (
    name         text PRIMARY KEY,
    description  text NOT NULL,
    levels       jsonb NOT NULL
  );
  -- Task definitions by their global id; id: the server's order, what a pull's watermark counts.
  CREATE TABLE qgs_tasks (
    id            bigserial PRIMARY KEY,
    task_uid      text NOT NULL UNIQUE,
    name          text NOT NULL,
    scale         text NOT NULL,
    spec          jsonb NOT NULL,
    instructions  text NOT NULL,
    hide_scores   boolean NOT NULL,
    created_at    text NOT NULL
  );
  CREATE TABLE qgs_task_turns (
    task_uid  text NOT NULL REFERENCES qgs_tasks (task_uid),
    ordinal   integer NOT NULL,
    turn_id   text NOT NULL,
    kind      text NOT NULL,
    pool      jsonb NOT NULL,
    rankings  jsonb NOT NULL,
    PRIMARY KEY (task_uid, ordinal)
  );
  -- Append-only label events, merged by event_id. id: the server's own monotonic order; pushes are
  -- serialized (an advisory lock), so committed ids only ever grow and a pull by id > watermark
  -- misses nothing. created_at stays the text the annotator's app wrote.
  CREATE TABLE qgs_label_events (
    id            bigserial PRIMARY KEY,
    event_id      text NOT NULL UNIQUE,
    annotator_id  text NOT NULL,
    created_at    text NOT NULL,
    task_uid      text,
    turn_id       text NOT NULL,
    item_id       text,
    kind          text NOT NULL,
    scale         text,
    value         integer,
    gain          double precision,
    outcome       text,
    model_a       text,
    model_b       text,
    tags          jsonb,
    note          text,
    undoes        text,
    origin        text,          -- the pushing labels file (team_sync.client_id): its own pulls skip these
    received_at   timestamptz NOT NULL DEFAULT now()
  );
  `,
];
export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

/** Advisory lock keys: one for migrations, one that serializes writers (monotonic ids, see above). */
export const LOCK_MIGRATE = 7_150_001;
export const LOCK_WRITE = 7_150_002;

/** The team database was set up by a newer app: this one must not write to it. */
export class NewerSchemaError extends ApiError {
  readonly found: number;
  constructor(found: number, message: string, problems: ApiError['problems']) {
    super('unsupported', message, problems);
    this.found = found;
  }
}

export function newerSchemaError(found: number): NewerSchemaError {
  return new NewerSchemaError(
    found,
    `the team database has schema version ${found}, set up by a newer QGS Workbench; this version understands up to ${PG_SCHEMA_VERSION}. Update the workbench on this machine; sync is paused and local labels are untouched.`,
    [{ where: 'url', message: `server schema ${found} > supported ${PG_SCHEMA_VERSION}` }],
  );
}

/** Brings the team database to this build's schema (or refuses a newer one); returns the server id and version. */
export async function migratePg(client: pg.Client): Promise<{ serverId: string; version: number }> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_MIGRATE]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS qgs_schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const cur = Number(
      (await client.query<{ v: number }>('SELECT coalesce(max(version), 0) AS v FROM qgs_schema_version')).rows[0]!.v,
    );
    if (cur > PG_SCHEMA_VERSION) throw newerSchemaError(cur);
    for (let v = cur; v < PG_SCHEMA_VERSION; v++) {
      await client.query(PG_MIGRATIONS[v]!);
      if (v === 0) await client.query('INSERT INTO qgs_team (one, server_id) VALUES (1, $1)', [randomUUID()]);
      await client.query('INSERT INTO qgs_schema_version (version) VALUES ($1)', [v + 1]);
    }
    const id = (await client.query<{ server_id: string }>('SELECT server_id FROM qgs_team WHERE one = 1')).rows[0]!;
    await client.query('COMMIT');
    return { serverId: id.server_id, version: Math.max(cur, PG_SCHEMA_VERSION) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
