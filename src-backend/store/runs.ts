// Owner of `runs` and `run_entries`: imported TREC runs (docs/store.md, "TREC run and qrels").
import type { DatabaseSync } from 'node:sqlite';
import { ApiError } from '../../src-common/errors.ts';
import { formatTurnId } from './turn-ids.ts';

/** Prepared statements for one TREC-run import transaction (its loop runs them per line). */
export function prepareRunInserts(db: DatabaseSync) {
  const existing = db.prepare(
    'SELECT r.run_pk, i.file_name FROM runs r JOIN imports i ON i.import_id = r.import_id WHERE r.tag = ?',
  );
  const insRun = db.prepare('INSERT INTO runs (tag, import_id) VALUES (?, ?)');
  const insEntry = db.prepare('INSERT INTO run_entries (run_pk, turn_pk, item_pk, rank, score) VALUES (?, ?, ?, ?, ?)');
  return {
    /** The run already stored under this tag, with the file it came from. */
    existing: (tag: string) => existing.get(tag) as { run_pk: number; file_name: string } | undefined,
    insertRun: (tag: string, importId: number): number => Number(insRun.run(tag, importId).lastInsertRowid),
    insertEntry: (runPk: number, turnPk: number, itemPk: number, rank: number, score: number): void => {
      insEntry.run(runPk, turnPk, itemPk, rank, score);
    },
  };
}

/** One run's entries as TREC qid/docno/rank/score, ordered by turn, then rank, then docno. */
export function runEntries(
  db: DatabaseSync,
  tag: string,
): Iterable<{ qid: string; docno: string; rank: number; score: number }> {
  const run = db.prepare('SELECT run_pk FROM runs WHERE tag = ?').get(tag) as { run_pk: number } | undefined;
  if (!run)
    throw new ApiError('not_found', `no run tagged "${tag}" in this workspace`, [
      { where: 'tag', message: `unknown run tag ${JSON.stringify(tag)}` },
    ]);
  const rows = db
    .prepare(
      `SELECT s.session_id, t.idx, i.item_id, e.rank, e.score FROM run_entries e
       JOIN turns t ON t.turn_pk = e.turn_pk JOIN sessions s ON s.session_pk = t.session_pk JOIN items i ON i.item_pk = e.item_pk
       WHERE e.run_pk = ? ORDER BY t.session_pk, t.idx, e.rank, i.item_id`,
    )
    .iterate(run.run_pk) as Iterable<{ session_id: string; idx: number; item_id: string; rank: number; score: number }>;
  return (function* () {
    for (const r of rows)
      yield { qid: formatTurnId(r.session_id, r.idx), docno: r.item_id, rank: r.rank, score: r.score };
  })();
}

export function runTags(db: DatabaseSync): string[] {
  return (db.prepare('SELECT tag FROM runs ORDER BY tag').all() as { tag: string }[]).map((r) => r.tag);
}
