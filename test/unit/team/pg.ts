// The real PostgreSQL the team tests run against (127.0.0.1:5432, trust auth here; see docs/team.md
// and docs/testing.md). Each test file gets its own scratch database, dropped afterwards. An
// unreachable server FAILS the tests with how to start it — they are never skipped.
import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';

export const PG_HOST = process.env.QGS_TEST_PGHOST ?? '127.0.0.1';
export const PG_PORT = Number(process.env.QGS_TEST_PGPORT ?? 5432);
export const PG_USER = process.env.QGS_TEST_PGUSER ?? 'postgres';

const adminUrl = `postgres://${PG_USER}@${PG_HOST}:${PG_PORT}/postgres`;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_HOST}:${PG_PORT} as user "${PG_USER}" (${(err as Error).message}). ` +
        'The team tests need a real server: start it (Debian: `sudo pg_ctlcluster 15 main start` or `sudo service postgresql start`; ' +
        'any OS: `docker run -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:15`), or point QGS_TEST_PGHOST / QGS_TEST_PGPORT / QGS_TEST_PGUSER at one.',
    );
  }
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export interface ScratchDb {
  name: string;
  url: string;
  drop(): Promise<void>;
  /** A query on the scratch database (its own short connection). */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

/** A uniquely named empty database; drop() terminates its connections and drops it. */
export async function scratchDb(label: string): Promise<ScratchDb> {
  const name = `qgs_t_${label}_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = `postgres://${PG_USER}@${PG_HOST}:${PG_PORT}/${name}`;
  return {
    name,
    url,
    async query(sql, params) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        return (await c.query(sql, params)).rows;
      } finally {
        await c.end();
      }
    },
    async drop() {
      await admin(async (c) => {
        await c.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        await c.query(`DROP DATABASE IF EXISTS ${name}`);
      });
    },
  };
}

/** Disconnects every session on a database (a server-side drop, as a restart or network cut does). */
export async function terminateConnections(dbName: string): Promise<number> {
  return admin(async (c) => {
    const r = await c.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [dbName],
    );
    return r.rowCount ?? 0;
  });
}

/** A hash of what a labels database says (every label table's rows; not the sync bookkeeping), to prove "nothing changed". */
export function labelsContentHash(path: string): string {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const h = createHash('sha256');
    for (const t of [
      'annotators',
      'identity',
      'scales',
      'tasks',
      'task_turns',
      'label_events',
      'current_labels',
      'turn_status',
    ]) {
      h.update(`${t}\n`);
      for (const r of db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()) h.update(JSON.stringify(r) + '\n');
    }
    return h.digest('hex');
  } finally {
    db.close();
  }
}
