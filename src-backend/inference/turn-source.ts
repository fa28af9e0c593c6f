// Reads stored turns in the shape feature assembly needs (assemble.ts): the earlier turns' queries
// and clicks, and the turn's own candidates with their logged features. Two access paths:
//  - one turn by id (interactive scoring): three indexed queries, no decoding of unrelated rows;
//  - a whole workspace in session order (batch scoring): one pass per session, history built
//    incrementally, so every turn's history costs nothing extra.
import type { DatabaseSync } from 'node:sqlite';
import { ApiError } from '../../src-common/errors.ts';
import type { Split } from '../../src-common/api/types.ts';
import { FeatureSetReader } from '../store/features.ts';
import { prepareScoringReads, type ScoringReads, type StoredResultRow } from '../store/sessions.ts';
import { formatTurnId, parseTurnId, splitTurnId } from '../store/turn-ids.ts';
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

export class TurnReader {
  private readonly fs: FeatureSetReader;
  private readonly q: ScoringReads;

  constructor(db: DatabaseSync) {
    this.fs = new FeatureSetReader(db);
    this.q = prepareScoringReads(db);
  }

  private candidate(r: StoredResultRow): Candidate & { itemPk: number } {
    return {
      itemPk: r.item_pk,
      itemId: r.item_id,
      title: r.title,
      position: r.position,
      features: this.fs.decode(r.feature_set, r.features),
    };
  }

  /** One turn by id, or ApiError not_found naming what is missing. */
  readTurn(turnId: string): StoredTurn {
    const { sessionId, index } = parseTurnId(turnId);
    const sessionPk = this.q.sessionPk(sessionId);
    if (sessionPk === undefined)
      throw new ApiError('not_found', `no session "${sessionId}" in this workspace (turn ${turnId})`, [
        { where: 'turnId', message: `unknown session ${JSON.stringify(sessionId)}` },
      ]);
    const t = this.q.turn(sessionPk, index);
    if (!t)
      throw new ApiError('not_found', `session "${sessionId}" has no turn ${index}`, [
        { where: 'turnId', message: `no turn ${index} in session ${JSON.stringify(sessionId)}` },
      ]);
    const earlierRows = this.q.earlier(sessionPk, index);
    const byIdx = new Map<number, HistoryTurn>();
    const earlier = earlierRows.map((r) => {
      const h: HistoryTurn = { index: r.idx, query: r.query, clicks: [] };
      byIdx.set(r.idx, h);
      return h;
    });
    for (const c of this.q.clicksBefore(sessionPk, index)) {
      byIdx.get(c.idx)?.clicks.push({ itemId: c.item_id, title: c.title, position: c.position, dwellMs: c.dwell_ms });
    }
    const candidates = this.q.results(t.turn_pk).map((r) => this.candidate(r));
    return {
      turnPk: t.turn_pk,
      turnId: formatTurnId(sessionId, index),
      sessionId,
      index,
      query: t.query,
      earlier,
      omittedSteps: 0,
      candidates,
    };
  }

  /** turn_pk of a turn id, or undefined (two indexed lookups; validates a cached StoredTurn). */
  turnPk(turnId: string): number | undefined {
    const parts = splitTurnId(turnId);
    const sessionPk = parts ? this.q.sessionPk(parts.sessionId) : undefined;
    if (!parts || sessionPk === undefined) return undefined;
    return this.q.turn(sessionPk, parts.index)?.turn_pk;
  }

  /** Sessions to visit for a batch job, in import order; optionally one split. */
  sessions(split?: Split): { sessionPk: number; sessionId: string; turns: number }[] {
    return this.q.sessions(split);
  }

  sessionTurnPks(sessionPk: number): number[] {
    return this.q.sessionTurns(sessionPk).map((r) => r.turn_pk);
  }

  /**
   * Every turn of a session with its history, in order. Each turn gives at least one history step,
   * so only the last `maxHistory` earlier turns can reach the model: older ones are counted in
   * omittedSteps instead of copied (keeps a 100k-turn session linear).
   */
  readSessionTurns(sessionPk: number, sessionId: string, maxHistory: number): StoredTurn[] {
    const turns = this.q.sessionTurns(sessionPk);
    const results = this.q.sessionResults(sessionPk);
    const byTurn = new Map<number, StoredResultRow[]>();
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
        turnId: formatTurnId(sessionId, t.idx),
        sessionId,
        index: t.idx,
        query: t.query,
        earlier: history.slice(from),
        omittedSteps: stepsAt[from]!,
        candidates: rows.map((r) => this.candidate(r)),
      });
      const clicks = rows
        .filter((r) => r.click === 1)
        .map((r) => ({ itemId: r.item_id, title: r.title, position: r.position, dwellMs: r.dwell_ms }));
      history.push({ index: t.idx, query: t.query, clicks });
      stepsAt.push(stepsAt[stepsAt.length - 1]! + Math.max(1, clicks.length));
    }
    return out;
  }
}
