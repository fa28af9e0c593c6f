// Owner of `imports`: one row per successful import, keyed by (file sha256, kind, target). The
// idempotency check of every importer (docs/store.md, "Importers").
import type { DatabaseSync } from 'node:sqlite';
import type { ImportReport } from '../../src-common/api/types.ts';

export type ImportKind = ImportReport['kind'];

/** The import of this exact file (by sha256) of this kind (and qrels set), if any. */
export function findImport(
  db: DatabaseSync,
  sha: string,
  kind: ImportKind,
  target = '',
): { import_id: number; file_name: string; imported_at: string } | undefined {
  return db
    .prepare('SELECT import_id, file_name, imported_at FROM imports WHERE sha256 = ? AND kind = ? AND target = ?')
    .get(sha, kind, target) as { import_id: number; file_name: string; imported_at: string } | undefined;
}

/** Records an import (inside the importer's transaction); the counts are filled in by finishImport. */
export function insertImport(db: DatabaseSync, sha: string, kind: ImportKind, fileName: string, target = ''): number {
  return Number(
    db
      .prepare('INSERT INTO imports (sha256, kind, target, file_name, imported_at) VALUES (?, ?, ?, ?, ?)')
      .run(sha, kind, target, fileName, new Date().toISOString()).lastInsertRowid,
  );
}

export function finishImport(
  db: DatabaseSync,
  importId: number,
  counts: { sessions?: number; turns: number; resultRows: number },
): void {
  db.prepare('UPDATE imports SET sessions = ?, turns = ?, result_rows = ? WHERE import_id = ?').run(
    counts.sessions ?? 0,
    counts.turns,
    counts.resultRows,
    importId,
  );
}

export function importCount(db: DatabaseSync): number {
  return (db.prepare('SELECT count(*) AS n FROM imports').get() as { n: number }).n;
}
