// Turn ids: "<session_id>#<event index>" (docs/session-log-v1.md), also the TREC qid. The one place
// that formats and splits them (session ids may themselves contain '#'). Pure: resolving an id to a
// stored turn is the session tables' owner's job (sessions.ts requireTurnPk / TurnResolver).
import { ApiError } from '../../src-common/errors.ts';

/** The id of event `index` of a session. */
export function formatTurnId(sessionId: string, index: number): string {
  return `${sessionId}#${index}`;
}

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
