// The workspace database: one SQLite file opened with node:sqlite. See docs/store.md.
import { DatabaseSync } from 'node:sqlite';
import { ApiError } from '../../src-common/errors.ts';
import { MIGRATIONS } from './migrations/index.ts';

export interface Store {
  readonly path: string;
  /**
   * The main connection: reads and short writes. Long jobs (imports) write through their own
   * connection (openWriter), so reads here only ever see committed data.
   */
  readonly db: DatabaseSync;
  /**
   * A second connection to the same file, for one long write transaction. Caller closes it.
   * `bulk`: foreign-key enforcement off — for importers that create every parent row themselves
   * in the same transaction (they are tested with PRAGMA foreign_key_check); it saves three
   * index probes per result row. `cacheKiB`: page cache (default 64 MiB, sized for imports).
   */
  openWriter(opts?: { bulk?: boolean; cacheKiB?: number }): DatabaseSync;
  close(): void;
}

/** How long a connection waits for another connection's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

function configure(db: DatabaseSync, cacheKiB: number): void {
  // WAL: readers never block the writer or each other, and a crash mid-transaction leaves only
  // an uncommitted WAL tail that is ignored on the next open.
  db.exec('PRAGMA journal_mode = WAL');
  // FULL: each commit fsyncs the WAL, so an acknowledged label survives power loss, not only a
  // killed process. Bulk imports commit once, so the extra fsync costs nothing measurable there.
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.exec(`PRAGMA cache_size = -${cacheKiB}`);
  db.exec('PRAGMA temp_store = MEMORY');
}

function userVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}

/**
 * One schema step: SQL, or a function for a step SQL cannot express (migration 004 recomputes stored
 * boundaries with src-common/segmentation.ts). A function runs inside the step's transaction.
 */
export type Migration = string | ((db: DatabaseSync) => void);

/**
 * Applies pending migrations (one per version, `PRAGMA user_version` = how many are applied), each in
 * its own transaction together with its version bump, and refuses a file from a newer version. Shared
 * by the workspace and the labels database; `what` names the schema in messages.
 */
export function migrate(db: DatabaseSync, path: string, migrations: readonly Migration[], what = 'schema'): void {
  const supported = migrations.length;
  const current = userVersion(db);
  if (current > supported) {
    throw new ApiError(
      'unsupported',
      `${path} has ${what} version ${current}, written by a newer QGS Workbench; this version understands up to ${what} version ${supported}. Update the workbench to open it.`,
      [{ where: path, message: `${what} version ${current} > supported ${supported}` }],
    );
  }
  for (let v = current; v < supported; v++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      // Re-check under the write lock: another process may have migrated meanwhile.
      if (userVersion(db) !== v) {
        db.exec('ROLLBACK');
        return migrate(db, path, migrations, what);
      }
      const step = migrations[v]!;
      if (typeof step === 'string') db.exec(step);
      else step(db);
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec('COMMIT');
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw err;
    }
  }
}

/** Opens (creating if needed) and migrates a workspace database file. */
export function openStore(path: string): Store {
  if (path === ':memory:' || path === '') {
    // Imports write through a second connection, which must see the same database.
    throw new ApiError(
      'invalid_input',
      'openStore needs a file path; an in-memory database cannot be shared between connections',
      [{ where: 'path', message: `got ${JSON.stringify(path)}` }],
    );
  }
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (err) {
    throw new ApiError('invalid_input', `cannot open database ${path}: ${(err as Error).message}`, [
      { where: path, message: (err as Error).message },
    ]);
  }
  try {
    // New files get 8 KiB pages (must be set before the first write): measured ~15% less CPU per
    // imported row than the 4 KiB default, with the ~120-byte result rows packing better.
    const pages = db.prepare('PRAGMA page_count').get() as { page_count: number };
    if (pages.page_count === 0) db.exec('PRAGMA page_size = 8192');
    configure(db, 16 * 1024);
    migrate(db, path, MIGRATIONS);
  } catch (err) {
    db.close();
    if (err instanceof ApiError) throw err;
    const msg = (err as Error).message;
    throw new ApiError(
      /not a database/i.test(msg) ? 'invalid_input' : 'internal',
      `cannot open database ${path}: ${msg}`,
      [{ where: path, message: msg }],
    );
  }
  let open = true;
  return {
    path,
    db,
    openWriter(opts) {
      const w = new DatabaseSync(path);
      configure(w, opts?.cacheKiB ?? 64 * 1024);
      if (opts?.bulk) w.exec('PRAGMA foreign_keys = OFF');
      return w;
    },
    close() {
      if (!open) return;
      open = false;
      db.close();
    },
  };
}

/** Runs fn inside BEGIN IMMEDIATE … COMMIT on db; any throw rolls it back. For short writes only. */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const out = fn();
    db.exec('COMMIT');
    return out;
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/** How long an import waits for another writer (e.g. a second import) before giving up. */
export const WRITE_LOCK_WAIT_MS = 10 * 60_000;

/**
 * Runs fn inside BEGIN IMMEDIATE … COMMIT on a fresh writer; any throw rolls everything back.
 * The writer has busy_timeout 0 and waits for the write lock here, asynchronously: SQLite's own
 * busy wait would block the event loop (and with it the import holding the lock, if it runs in
 * this same process).
 */
export async function inTransaction<T>(
  openWriter: () => DatabaseSync,
  what: string,
  signal: AbortSignal | undefined,
  fn: (db: DatabaseSync) => Promise<T>,
): Promise<T> {
  const db = openWriter();
  try {
    db.exec('PRAGMA busy_timeout = 0');
    const started = performance.now();
    for (;;) {
      if (signal?.aborted) throw new ApiError('cancelled', `import of ${what} was cancelled; nothing was written`);
      try {
        db.exec('BEGIN IMMEDIATE');
        break;
      } catch (err) {
        if (!/database is locked|SQLITE_BUSY/i.test((err as Error).message)) throw err;
        if (performance.now() - started > WRITE_LOCK_WAIT_MS)
          throw new ApiError(
            'conflict',
            `${what}: another import or write has held this workspace for over ${WRITE_LOCK_WAIT_MS / 60_000} minutes; try again later`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const out = await fn(db);
    db.exec('COMMIT');
    return out;
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  } finally {
    db.close();
  }
}
