// Workspace reads the labeling code needs (turn lists for task sources, logged candidates and
// stored model scores for pooling, id → key resolution for grades from labels). They run on
// store.db, which sees only committed data, so they never wait for an import.
import type { SQLInputValue } from 'node:sqlite';
import type { Split } from '../../../src-common/api/types.ts';
import type { BoundaryKind } from '../../../src-common/segmentation.ts';
import type { Store } from '../store.ts';
import { TURN_PK_SQL, splitTurnId } from '../turn-ids.ts';

export interface WsTurn {
  turnId: string;
  turnPk: number;
  boundary: BoundaryKind;
}

/** All turns of the given sessions, in session then turn order, at most `max`. */
export function turnsOfSessions(store: Store, sessionIds: string[], max: number): WsTurn[] {
  const stmt = store.db.prepare('SELECT t.turn_pk, t.idx, t.boundary FROM turns t JOIN sessions s ON s.session_pk = t.session_pk WHERE s.session_id = ? ORDER BY t.idx');
  const out: WsTurn[] = [];
  for (const sid of sessionIds) {
    for (const r of stmt.all(sid) as { turn_pk: number; idx: number; boundary: BoundaryKind }[]) {
      if (out.length >= max) return out;
      out.push({ turnId: `${sid}#${r.idx}`, turnPk: r.turn_pk, boundary: r.boundary });
    }
  }
  return out;
}

/** Every turn (optionally of one split) with its boundary, in workspace order: the population a stratified sample draws from. */
export function allTurns(store: Store, split?: Split): WsTurn[] {
  const where = split ? 'WHERE s.split = ?' : '';
  const args: SQLInputValue[] = split ? [split] : [];
  return (store.db
    .prepare(`SELECT t.turn_pk, t.idx, t.boundary, s.session_id FROM turns t JOIN sessions s ON s.session_pk = t.session_pk ${where} ORDER BY t.session_pk, t.idx`)
    .all(...args) as { turn_pk: number; idx: number; boundary: BoundaryKind; session_id: string }[]).map((r) => ({
    turnId: `${r.session_id}#${r.idx}`,
    turnPk: r.turn_pk,
    boundary: r.boundary,
  }));
}

/** A stored turn by id, or null (malformed or unknown). */
export function findTurn(store: Store, turnId: string): WsTurn | null {
  const parts = splitTurnId(turnId);
  if (!parts) return null;
  const r = store.db
    .prepare('SELECT t.turn_pk, t.boundary FROM turns t JOIN sessions s ON s.session_pk = t.session_pk WHERE s.session_id = ? AND t.idx = ?')
    .get(parts.sessionId, parts.index) as { turn_pk: number; boundary: BoundaryKind } | undefined;
  return r ? { turnId, turnPk: r.turn_pk, boundary: r.boundary } : null;
}

/** The turn's logged candidates, in logged order. */
export function loggedItems(store: Store, turnPk: number): string[] {
  return (store.db.prepare('SELECT i.item_id FROM results r JOIN items i ON i.item_pk = r.item_pk WHERE r.turn_pk = ? ORDER BY r.position').all(turnPk) as { item_id: string }[]).map(
    (r) => r.item_id,
  );
}

/** A model's stored batch scores for a turn, best first (ties: logged position); null when the model has not scored it. */
export function storedRanking(store: Store, model: string, turnPk: number): { itemId: string; score: number }[] | null {
  const scored = store.db.prepare('SELECT 1 AS x FROM scored_turns WHERE model_sha256 = ? AND turn_pk = ?').get(model, turnPk);
  if (!scored) return null;
  return (store.db
    .prepare(
      `SELECT i.item_id, s.score FROM scores s JOIN items i ON i.item_pk = s.item_pk
       LEFT JOIN results r ON r.turn_pk = s.turn_pk AND r.item_pk = s.item_pk
       WHERE s.model_sha256 = ? AND s.turn_pk = ? ORDER BY s.score DESC, r.position`,
    )
    .all(model, turnPk) as { item_id: string; score: number }[]).map((r) => ({ itemId: r.item_id, score: r.score }));
}

/** turn_pk of a turn id (null when unknown). */
export function turnPkOf(store: Store, turnId: string): number | null {
  const parts = splitTurnId(turnId);
  if (!parts) return null;
  const r = store.db.prepare(TURN_PK_SQL).get(parts.sessionId, parts.index) as { turn_pk: number } | undefined;
  return r?.turn_pk ?? null;
}

/** Grades keyed by turn id / item id → keyed by turn_pk / item_pk (unknown turns and items are dropped). */
export function gradesByPk(store: Store, grades: Map<string, Map<string, number>>): Map<number, Map<number, number>> {
  const itemStmt = store.db.prepare('SELECT item_pk FROM items WHERE item_id = ?');
  const out = new Map<number, Map<number, number>>();
  for (const [turnId, items] of grades) {
    const turnPk = turnPkOf(store, turnId);
    if (turnPk === null) continue;
    const m = new Map<number, number>();
    for (const [itemId, g] of items) {
      const r = itemStmt.get(itemId) as { item_pk: number } | undefined;
      if (r) m.set(r.item_pk, g);
    }
    out.set(turnPk, m);
  }
  return out;
}
