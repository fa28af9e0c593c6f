// Turn ids: "<session_id>#<event index>" (docs/session-log-v1.md), also the TREC qid. The one place
// that splits them and resolves them to a stored turn; session ids may themselves contain '#'.
import type { DatabaseSync } from 'node:sqlite';
import { ApiError } from '../../src-common/errors.ts';

/** Parts of a well-formed turn id, or null. */
export function splitTurnId(turnId: string): { sessionId: string; index: number } | null {
  const cut = turnId.lastIndexOf('#');
  const digits = turnId.slice(cut + 1);
  const index = Number(digits);
  if (cut <= 0 || !/^\d+$/.test(digits) || !Number.isSafeInteger(index)) return null;
  return { sessionId: turnId.slice(0, cut), index };
}

/** Parts of a turn id, or ApiError invalid_input naming the field. */
export function parseTurnId(turnId: string): { sessionId: string; index: number } {
  const parts = splitTurnId(turnId);
  if (!parts) {
    throw new ApiError('invalid_input', `turn id ${JSON.stringify(turnId)} is not "<session id>#<turn index>"`, [
      { where: 'turnId', message: `expected "<session id>#<turn index>", got ${JSON.stringify(turnId)}` },
    ]);
  }
  return parts;
}

export const TURN_PK_SQL = 'SELECT t.turn_pk FROM turns t JOIN sessions s ON s.session_pk = t.session_pk WHERE s.session_id = ? AND t.idx = ?';

/** turn_pk of a stored turn; invalid_input for a malformed id, not_found for an unknown one. */
export function requireTurnPk(db: DatabaseSync, turnId: string): number {
  const { sessionId, index } = parseTurnId(turnId);
  const row = db.prepare(TURN_PK_SQL).get(sessionId, index) as { turn_pk: number } | undefined;
  if (!row) throw new ApiError('not_found', `no turn "${turnId}" in this workspace`, [{ where: 'turnId', message: `unknown turn ${JSON.stringify(turnId)}` }]);
  return row.turn_pk;
}
