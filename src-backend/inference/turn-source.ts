// Reads stored turns in the shape feature assembly needs (assemble.ts): the earlier turns' queries
// and clicks, and the turn's own candidates with their logged features. Two access paths:
//  - one turn by id (interactive scoring): three indexed queries, no decoding of unrelated rows;
//  - a whole workspace in session order (batch scoring): one pass per session, history built
//    incrementally, so every turn's history costs nothing extra.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { ApiError } from '../../src-common/errors.ts';
import { FeatureSetReader } from '../store/features.ts';
import { parseTurnId, splitTurnId } from '../store/turn-ids.ts';
import type { Candidate, HistoryTurn } from './assemble.ts';

export interface StoredTurn {
  turnPk: number;
  turnId: string;
  sessionId: string;
  index: number;
  query: string;
  earlier: HistoryTurn[];
  /** History steps of turns older than `earlier` (left out because maxHistory could never reach them). */
  omittedSteps: number;
  candidates: (Candidate & { itemPk: number })[];
}

interface ResultRow {
  turn_pk: number;
  position: number;
  item_pk: number;
  item_id: string;
  title: string;
  click: number;
  dwell_ms: number | null;
  feature_set: number;
  features: Uint8Array;
}

type ResultArray = [number, number, number, string, string, number, number | null, number, Uint8Array];
function fromArray(a: ResultArray): ResultRow {
  return { turn_pk: a[0], position: a[1], item_pk: a[2], item_id: a[3], title: a[4], click: a[5], dwell_ms: a[6], feature_set: a[7], features: a[8] };
}

export class TurnReader {
  private readonly db: DatabaseSync;
  private readonly fs: FeatureSetReader;
  private readonly sessionStmt: StatementSync;
  private readonly turnStmt: StatementSync;
  private readonly earlierStmt: StatementSync;
  private readonly clicksStmt: StatementSync;
  private readonly resultsStmt: StatementSync;
  private readonly sessionTurnsStmt: StatementSync;
  private readonly sessionResultsStmt: StatementSync;

  constructor(db: DatabaseSync) {
    this.db = db;
    this.fs = new FeatureSetReader(db);
    this.sessionStmt = db.prepare('SELECT session_pk FROM sessions WHERE session_id = ?');
    this.turnStmt = db.prepare('SELECT turn_pk, query FROM turns WHERE session_pk = ? AND idx = ?');
    this.earlierStmt = db.prepare('SELECT turn_pk, idx, query FROM turns WHERE session_pk = ? AND idx < ? ORDER BY idx');
    this.clicksStmt = db.prepare(
      `SELECT t.idx, r.position, i.item_id, coalesce(r.title, i.title, '') AS title, r.dwell_ms
       FROM turns t JOIN results r ON r.turn_pk = t.turn_pk JOIN items i ON i.item_pk = r.item_pk
       WHERE t.session_pk = ? AND t.idx < ? AND r.click = 1`,
    );
    this.resultsStmt = db.prepare(
      `SELECT r.turn_pk, r.position, r.item_pk, i.item_id, coalesce(r.title, i.title, '') AS title, r.click, r.dwell_ms, r.feature_set, r.features
       FROM results r JOIN items i ON i.item_pk = r.item_pk WHERE r.turn_pk = ? ORDER BY r.position`,
    );
    this.sessionTurnsStmt = db.prepare('SELECT turn_pk, idx, query FROM turns WHERE session_pk = ? ORDER BY idx');
    this.sessionResultsStmt = db.prepare(
      `SELECT r.turn_pk, r.position, r.item_pk, i.item_id, coalesce(r.title, i.title, '') AS title, r.click, r.dwell_ms, r.feature_set, r.features
       FROM turns t JOIN results r ON r.turn_pk = t.turn_pk JOIN items i ON i.item_pk = r.item_pk
       WHERE t.session_pk = ? ORDER BY t.idx, r.position`,
    );
    // Rows as arrays: no per-row object with nine keys (a third faster on a batch job's reads).
    this.sessionResultsStmt.setReturnArrays(true);
  }

  private candidate(r: ResultRow): Candidate & { itemPk: number } {
    return { itemPk: r.item_pk, itemId: r.item_id, title: r.title, position: r.position, features: this.fs.decode(r.feature_set, r.features) };
  }

  /** One turn by id, or ApiError not_found naming what is missing. */
  readTurn(turnId: string): StoredTurn {
    const { sessionId, index } = parseTurnId(turnId);
    const s = this.sessionStmt.get(sessionId) as { session_pk: number } | undefined;
    if (!s) throw new ApiError('not_found', `no session "${sessionId}" in this workspace (turn ${turnId})`, [{ where: 'turnId', message: `unknown session ${JSON.stringify(sessionId)}` }]);
    const t = this.turnStmt.get(s.session_pk, index) as { turn_pk: number; query: string } | undefined;
    if (!t) throw new ApiError('not_found', `session "${sessionId}" has no turn ${index}`, [{ where: 'turnId', message: `no turn ${index} in session ${JSON.stringify(sessionId)}` }]);
    const earlierRows = this.earlierStmt.all(s.session_pk, index) as unknown as { turn_pk: number; idx: number; query: string }[];
    const byIdx = new Map<number, HistoryTurn>();
    const earlier = earlierRows.map((r) => {
      const h: HistoryTurn = { index: r.idx, query: r.query, clicks: [] };
      byIdx.set(r.idx, h);
      return h;
    });
    for (const c of this.clicksStmt.all(s.session_pk, index) as unknown as { idx: number; position: number; item_id: string; title: string; dwell_ms: number | null }[]) {
      byIdx.get(c.idx)?.clicks.push({ itemId: c.item_id, title: c.title, position: c.position, dwellMs: c.dwell_ms });
    }
    const candidates = (this.resultsStmt.all(t.turn_pk) as unknown as ResultRow[]).map((r) => this.candidate(r));
    return { turnPk: t.turn_pk, turnId: `${sessionId}#${index}`, sessionId, index, query: t.query, earlier, omittedSteps: 0, candidates };
  }

  /** turn_pk of a turn id, or undefined (two indexed lookups; validates a cached StoredTurn). */
  turnPk(turnId: string): number | undefined {
    const parts = splitTurnId(turnId);
    const s = parts && (this.sessionStmt.get(parts.sessionId) as { session_pk: number } | undefined);
    if (!parts || !s) return undefined;
    return (this.turnStmt.get(s.session_pk, parts.index) as { turn_pk: number } | undefined)?.turn_pk;
  }

  /** Sessions to visit for a batch job, in import order; optionally one split. */
  sessions(split?: string): { sessionPk: number; sessionId: string; turns: number }[] {
    const sql = `SELECT session_pk, session_id, turns FROM sessions ${split ? 'WHERE split = ?' : ''} ORDER BY session_pk`;
    const rows = (split ? this.db.prepare(sql).all(split) : this.db.prepare(sql).all()) as unknown as { session_pk: number; session_id: string; turns: number }[];
    return rows.map((r) => ({ sessionPk: r.session_pk, sessionId: r.session_id, turns: r.turns }));
  }

  sessionTurnPks(sessionPk: number): number[] {
    return (this.sessionTurnsStmt.all(sessionPk) as unknown as { turn_pk: number }[]).map((r) => r.turn_pk);
  }

  /**
   * Every turn of a session with its history, in order. Each turn gives at least one history step,
   * so only the last `maxHistory` earlier turns can reach the model: older ones are counted in
   * omittedSteps instead of copied (keeps a 100k-turn session linear).
   */
  readSessionTurns(sessionPk: number, sessionId: string, maxHistory: number): StoredTurn[] {
    const turns = this.sessionTurnsStmt.all(sessionPk) as unknown as { turn_pk: number; idx: number; query: string }[];
    const results = (this.sessionResultsStmt.all(sessionPk) as unknown as ResultArray[]).map(fromArray);
    const byTurn = new Map<number, ResultRow[]>();
    for (const r of results) {
      let list = byTurn.get(r.turn_pk);
      if (!list) byTurn.set(r.turn_pk, (list = []));
      list.push(r);
    }
    const out: StoredTurn[] = [];
    const history: HistoryTurn[] = [];
    const stepsAt: number[] = [0]; // stepsAt[k] = history steps of turns 0..k-1
    for (const t of turns) {
      const rows = byTurn.get(t.turn_pk) ?? [];
      const from = Math.max(0, history.length - maxHistory);
      out.push({
        turnPk: t.turn_pk,
        turnId: `${sessionId}#${t.idx}`,
        sessionId,
        index: t.idx,
        query: t.query,
        earlier: history.slice(from),
        omittedSteps: stepsAt[from]!,
        candidates: rows.map((r) => this.candidate(r)),
      });
      const clicks = rows.filter((r) => r.click === 1).map((r) => ({ itemId: r.item_id, title: r.title, position: r.position, dwellMs: r.dwell_ms }));
      history.push({ index: t.idx, query: t.query, clicks });
      stepsAt.push(stepsAt[stepsAt.length - 1]! + Math.max(1, clicks.length));
    }
    return out;
  }
}
