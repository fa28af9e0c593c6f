// The labels database: its own SQLite file next to the workspace (`<workspace>.labels.db`), its own
// migrations and the same newer-version guard as the workspace store (docs/labeling.md). A separate
// file has its own write lock, so a label commit never waits behind an import or a batch-scoring
// transaction holding the workspace's lock for minutes.
import { DatabaseSync } from 'node:sqlite';
import { ApiError } from '../../../src-common/errors.ts';
import { LABELS_MIGRATIONS } from './migrations/index.ts';
import { migrate } from '../store.ts';

export interface LabelsDb {
  readonly path: string;
  readonly db: DatabaseSync;
  close(): void;
}

export function labelsPathFor(workspacePath: string): string {
  return `${workspacePath}.labels.db`;
}

export function openLabelsDb(path: string): LabelsDb {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (err) {
    throw new ApiError('invalid_input', `cannot open labels database ${path}: ${(err as Error).message}`, [
      { where: path, message: (err as Error).message },
    ]);
  }
  try {
    db.exec('PRAGMA journal_mode = WAL');
    // FULL: the commit fsyncs the WAL before the label is acknowledged, so a label shown as saved
    // survives a killed process and power loss.
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    // Label transactions are a few statements long; another process (CLI) holds the lock for
    // milliseconds at most, so a short synchronous wait is acceptable here.
    db.exec('PRAGMA busy_timeout = 2000');
    migrate(db, path, LABELS_MIGRATIONS, 'labels schema');
  } catch (err) {
    db.close();
    if (err instanceof ApiError) throw err;
    const msg = (err as Error).message;
    throw new ApiError(
      /not a database/i.test(msg) ? 'invalid_input' : 'internal',
      `cannot open labels database ${path}: ${msg}`,
      [{ where: path, message: msg }],
    );
  }
  let open = true;
  return {
    path,
    db,
    close() {
      if (!open) return;
      open = false;
      db.close();
    },
  };
}

/** Runs fn in one BEGIN IMMEDIATE transaction; rolls back on any throw. */
export function inTransaction<T>(l: LabelsDb, fn: () => T): T {
  l.db.exec('BEGIN IMMEDIATE');
  try {
    const r = fn();
    l.db.exec('COMMIT');
    return r;
  } catch (err) {
    if (l.db.isTransaction) l.db.exec('ROLLBACK');
    throw err;
  }
}
