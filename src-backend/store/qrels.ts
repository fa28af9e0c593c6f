// Owner of `qrels_sets` and `qrels`: judgment sets, imported from TREC qrels files (docs/store.md).
import type { DatabaseSync } from 'node:sqlite';
import { ApiError } from '../../src-common/errors.ts';
import type { TurnGrades } from '../../src-common/api/contract.ts';
import { formatTurnId, parseTurnId } from './turn-ids.ts';
import { requireTurnPk } from './sessions.ts';
import type { Store } from './store.ts';

/** The qrels set's primary key, or ApiError not_found naming the sets that exist. */
export function qrelsSetPk(store: Store, setName: string): number {
  const row = store.db.prepare('SELECT set_pk FROM qrels_sets WHERE name = ?').get(setName) as
    { set_pk: number } | undefined;
  if (row) return row.set_pk;
  const sets = qrelsSetNames(store.db);
  throw new ApiError(
    'not_found',
    `no judgment set "${setName}" in this workspace (sets: ${sets.length ? sets.join(', ') : 'none — import qrels first'})`,
    [{ where: 'setName', message: `unknown set ${JSON.stringify(setName)}` }],
  );
}

export function qrelsSetNames(db: DatabaseSync): string[] {
  return (db.prepare('SELECT name FROM qrels_sets ORDER BY name').all() as { name: string }[]).map((r) => r.name);
}

export function qrelsSetExists(db: DatabaseSync, setName: string): boolean {
  return db.prepare('SELECT 1 AS x FROM qrels_sets WHERE name = ?').get(setName) !== undefined;
}

/** Creates a set and returns an insert for its judgments (the import loop runs it per line). */
export function createQrelsSet(
  db: DatabaseSync,
  setName: string,
  importId: number,
): { setPk: number; insert(turnPk: number, itemPk: number, grade: number): void } {
  const setPk = Number(
    db.prepare('INSERT INTO qrels_sets (name, import_id) VALUES (?, ?)').run(setName, importId).lastInsertRowid,
  );
  const ins = db.prepare('INSERT INTO qrels (set_pk, turn_pk, item_pk, grade) VALUES (?, ?, ?, ?)');
  return {
    setPk,
    insert(turnPk, itemPk, grade) {
      ins.run(setPk, turnPk, itemPk, grade);
    },
  };
}

/** A set's judgments as TREC qid/docno/grade, ordered by turn then docno. */
export function qrelsEntries(
  db: DatabaseSync,
  setName: string,
): Iterable<{ qid: string; docno: string; grade: number }> {
  const set = db.prepare('SELECT set_pk FROM qrels_sets WHERE name = ?').get(setName) as { set_pk: number } | undefined;
  if (!set)
    throw new ApiError('not_found', `no judgment set "${setName}" in this workspace`, [
      { where: 'setName', message: `unknown set ${JSON.stringify(setName)}` },
    ]);
  const rows = db
    .prepare(
      `SELECT s.session_id, t.idx, i.item_id, q.grade FROM qrels q
       JOIN turns t ON t.turn_pk = q.turn_pk JOIN sessions s ON s.session_pk = t.session_pk JOIN items i ON i.item_pk = q.item_pk
       WHERE q.set_pk = ? ORDER BY t.session_pk, t.idx, i.item_id`,
    )
    .iterate(set.set_pk) as Iterable<{ session_id: string; idx: number; item_id: string; grade: number }>;
  return (function* () {
    for (const r of rows) yield { qid: formatTurnId(r.session_id, r.idx), docno: r.item_id, grade: r.grade };
  })();
}

/** Judgments of a set: how many and their grade sum (turn-metrics' cache key). */
export function qrelsSetVersion(db: DatabaseSync, setPk: number): string {
  const r = db.prepare('SELECT count(*) AS n, coalesce(sum(grade), 0) AS g FROM qrels WHERE set_pk = ?').get(setPk) as {
    n: number;
    g: number;
  };
  return `${r.n}/${r.g}`;
}

/** Graded relevance of one turn's items in a judgment set, in the turn's logged order (then unlogged items by id). */
export function turnGrades(store: Store, turnId: string, setName: string): TurnGrades {
  parseTurnId(turnId); // a malformed id is reported before an unknown set, an unknown set before an unknown turn
  const setPk = qrelsSetPk(store, setName);
  const turnPk = requireTurnPk(store.db, turnId);
  const rows = store.db
    .prepare(
      `SELECT i.item_id, q.grade, (SELECT min(r.position) FROM results r WHERE r.turn_pk = q.turn_pk AND r.item_pk = q.item_pk) AS pos
       FROM qrels q JOIN items i ON i.item_pk = q.item_pk WHERE q.set_pk = ? AND q.turn_pk = ?`,
    )
    .all(setPk, turnPk) as { item_id: string; grade: number; pos: number | null }[];
  rows.sort(
    (a, b) => (a.pos ?? Infinity) - (b.pos ?? Infinity) || (a.item_id < b.item_id ? -1 : a.item_id > b.item_id ? 1 : 0),
  );
  return { setName, turnId, grades: rows.map((r) => ({ itemId: r.item_id, grade: r.grade })) };
}
