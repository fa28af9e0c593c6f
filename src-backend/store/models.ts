// Owner of `models`: registered ONNX models keyed by their file's sha256 (docs/inference.md, "Model
// registry"). What a row means (file paths, metadata) is the registry's business (inference/registry.ts);
// this module only reads and writes rows.
import type { DatabaseSync } from 'node:sqlite';
import { transaction } from './store.ts';
import { deleteModelScores } from './scores.ts';

export interface ModelRow {
  sha256: string;
  name: string;
  version: string;
  encoder: string;
  /** JSON, written by the registry. */
  metadata: string;
  file_path: string | null;
  added_at: string;
}

export function listModelRows(db: DatabaseSync): ModelRow[] {
  return db.prepare('SELECT * FROM models ORDER BY added_at, name').all() as unknown as ModelRow[];
}

/** Rows whose sha256 starts with the (lower-case hex) prefix; at most `limit`. */
export function modelRowsByPrefix(db: DatabaseSync, prefix: string, limit = 2): ModelRow[] {
  return db
    .prepare('SELECT * FROM models WHERE substr(sha256, 1, ?) = ? LIMIT ?')
    .all(prefix.length, prefix, limit) as unknown as ModelRow[];
}

export function modelRow(db: DatabaseSync, sha256: string): ModelRow | undefined {
  return db.prepare('SELECT * FROM models WHERE sha256 = ?').get(sha256) as ModelRow | undefined;
}

export function insertModelRow(db: DatabaseSync, r: ModelRow): void {
  db.prepare(
    'INSERT INTO models (sha256, name, version, encoder, metadata, file_path, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(r.sha256, r.name, r.version, r.encoder, r.metadata, r.file_path, r.added_at);
}

export function renameModelRow(db: DatabaseSync, sha256: string, name: string): void {
  db.prepare('UPDATE models SET name = ? WHERE sha256 = ?').run(name, sha256);
}

/** Deletes a model and every score stored for it, in one transaction. Returns how many scores went. */
export function deleteModelRow(db: DatabaseSync, sha256: string): { scoresDeleted: number } {
  return transaction(db, () => {
    const scoresDeleted = deleteModelScores(db, sha256);
    db.prepare('DELETE FROM models WHERE sha256 = ?').run(sha256);
    return { scoresDeleted };
  });
}
