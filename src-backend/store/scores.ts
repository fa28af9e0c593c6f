// Owner of `scores` (001) and `scored_turns` (002): what batch scoring stored per (model, turn, item)
// and per (model, turn). Written by score.batch (inference/service.ts) through openScoreWriter,
// read by score.stored and by the per-turn metrics (ranking/turn-metrics.ts), deleted with a model.
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { BoundaryKind } from '../../src-common/segmentation.ts';
import type { Split } from '../../src-common/api/types.ts';
import { transaction, type Store } from './store.ts';

/** Score rows per multi-row INSERT (6 parameters each, well under SQLite's 32,766). */
export const SCORE_ROWS = 100;
/** Parameters of one score row: model_sha256, turn_pk, item_pk, score, group_weights, scored_at. */
export const SCORE_COLUMNS = 6;

/** Deletes a model's scores and scored turns (caller holds the transaction). Returns the score rows deleted. */
export function deleteModelScores(db: DatabaseSync, sha256: string): number {
  const n = Number(db.prepare('DELETE FROM scores WHERE model_sha256 = ?').run(sha256).changes);
  db.prepare('DELETE FROM scored_turns WHERE model_sha256 = ?').run(sha256);
  return n;
}

/** Forgets a model's stored scores in one transaction (score.batch with rescore). */
export function forgetModelScores(db: DatabaseSync, sha256: string): void {
  transaction(db, () => deleteModelScores(db, sha256));
}

/** turn_pk of every turn the model's batch jobs finished. */
export function scoredTurnPks(db: DatabaseSync, sha256: string): Set<number> {
  return new Set(
    (db.prepare('SELECT turn_pk FROM scored_turns WHERE model_sha256 = ?').all(sha256) as { turn_pk: number }[]).map(
      (r) => r.turn_pk,
    ),
  );
}

export function scoredTurnCount(db: DatabaseSync, sha256: string): number {
  return (db.prepare('SELECT count(*) AS n FROM scored_turns WHERE model_sha256 = ?').get(sha256) as { n: number }).n;
}

/** Whether a batch job finished this turn, and the scores it stored (any order). */
export function storedTurnScores(
  db: DatabaseSync,
  sha256: string,
  turnPk: number,
): { scored: boolean; rows: { item_id: string; score: number; group_weights: Uint8Array | null }[] } {
  const scored =
    db.prepare('SELECT 1 FROM scored_turns WHERE model_sha256 = ? AND turn_pk = ?').get(sha256, turnPk) !== undefined;
  const rows = db
    .prepare(
      'SELECT i.item_id, s.score, s.group_weights FROM scores s JOIN items i ON i.item_pk = s.item_pk WHERE s.model_sha256 = ? AND s.turn_pk = ?',
    )
    .all(sha256, turnPk) as { item_id: string; score: number; group_weights: Uint8Array | null }[];
  return { scored, rows };
}

/** One scored turn as a batch job hands it over: the model's outputs for its candidates, in order. */
export interface ScoredTurnOutput {
  turnPk: number;
  /** item_pk of each candidate, in the order of `score`. */
  itemPks: readonly number[];
  score: Float32Array; // [c]
  groupWeight: Float32Array; // [c, G], the model's group order
  historyWeight: Float32Array; // [history steps fed to the model]
  truncatedSteps: number;
  /** (candidate, feature) values missing from the log, filled with 0. */
  filledFeatures: number;
}

/**
 * The batch job's writer: its own connection (so store.db readers see only committed scores), one
 * transaction per write() call — the unit a cancelled or crashed job resumes after. Scores go in with
 * multi-row INSERTs (SCORE_ROWS rows per statement): per-statement overhead, not SQLite, dominated a
 * batch job's writes. Rows already there are kept (INSERT OR IGNORE), so a resumed job cannot
 * duplicate them.
 */
export function openScoreWriter(
  store: Store,
  job: { modelSha256: string; groups: number; maxHistory: number; provider: string },
) {
  // Appends to two B-trees need little page cache; the writer default (64 MiB, sized for imports)
  // would only add to the backend's RSS.
  const db = store.openWriter({ cacheKiB: 8 * 1024 });
  const sql = (n: number) =>
    `INSERT OR IGNORE INTO scores (model_sha256, turn_pk, item_pk, score, group_weights, scored_at) VALUES ${Array(n).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`;
  const many = db.prepare(sql(SCORE_ROWS));
  const one = db.prepare(sql(1));
  const insTurn = db.prepare(
    `INSERT OR IGNORE INTO scored_turns (model_sha256, turn_pk, candidates, history_steps, truncated_steps, max_history, filled_features, history_weights, provider, scored_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const G = job.groups;
  const sha = job.modelSha256;
  return {
    write(turns: readonly ScoredTurnOutput[]): void {
      if (!turns.length) return;
      const now = new Date().toISOString();
      transaction(db, () => {
        let args: SQLInputValue[] = [];
        for (const t of turns) {
          for (let i = 0; i < t.itemPks.length; i++) {
            // a view, not a copy: float32 [G] little-endian
            const gw = new Uint8Array(t.groupWeight.buffer, t.groupWeight.byteOffset + i * G * 4, G * 4);
            args.push(sha, t.turnPk, t.itemPks[i]!, t.score[i]!, gw, now);
            if (args.length === SCORE_ROWS * SCORE_COLUMNS) {
              many.run(...args);
              args = [];
            }
          }
          const hw = new Uint8Array(t.historyWeight.buffer, t.historyWeight.byteOffset, t.historyWeight.byteLength);
          insTurn.run(
            sha,
            t.turnPk,
            t.itemPks.length,
            t.historyWeight.length,
            t.truncatedSteps,
            job.maxHistory,
            t.filledFeatures,
            hw,
            job.provider,
            now,
          );
        }
        for (let k = 0; k < args.length; k += SCORE_COLUMNS) one.run(...args.slice(k, k + SCORE_COLUMNS));
      });
    },
    close(): void {
      db.close();
    },
  };
}
export type ScoreWriter = ReturnType<typeof openScoreWriter>;

// ---- reads for per-turn metrics of two models (ranking/turn-metrics.ts) ----

export interface MetricsTurnRow {
  turn_pk: number;
  idx: number;
  query: string;
  boundary: BoundaryKind;
  session_id: string;
  user_id: string;
  split: Split | null;
  /** 1 when model A / B has scored the turn. */
  sa: number;
  sb: number;
}

/** Every turn in session order, with whether each of two models has scored it. */
export function metricsTurns(db: DatabaseSync, a: string, b: string): MetricsTurnRow[] {
  return db
    .prepare(
      `SELECT t.turn_pk, t.idx, t.query, t.boundary, s.session_id, s.user_id, s.split,
         EXISTS (SELECT 1 FROM scored_turns x WHERE x.model_sha256 = ? AND x.turn_pk = t.turn_pk) AS sa,
         EXISTS (SELECT 1 FROM scored_turns x WHERE x.model_sha256 = ? AND x.turn_pk = t.turn_pk) AS sb
       FROM turns t JOIN sessions s ON s.session_pk = t.session_pk
       ORDER BY t.session_pk, t.idx`,
    )
    .all(a, b) as unknown as MetricsTurnRow[];
}

/**
 * Reads candidates of the turns with turn_pk in (lo, hi], logged order, with their grade in a set
 * (null when unjudged: `judged@k` tells them apart from grade 0) and both models' stored scores
 * (null when missing). Short statements, so the caller can yield to the event loop between ranges.
 */
export function prepareMetricsCandidates(
  db: DatabaseSync,
  setPk: number,
  a: string,
  b: string,
): (
  lo: number,
  hi: number,
) => { turn_pk: number; item_pk: number; grade: number | null; a: number | null; b: number | null }[] {
  const stmt = db.prepare(
    `SELECT r.turn_pk, r.item_pk, q.grade AS grade, sa.score AS a, sb.score AS b
     FROM results r
     LEFT JOIN qrels q ON q.set_pk = ? AND q.turn_pk = r.turn_pk AND q.item_pk = r.item_pk
     LEFT JOIN scores sa ON sa.model_sha256 = ? AND sa.turn_pk = r.turn_pk AND sa.item_pk = r.item_pk
     LEFT JOIN scores sb ON sb.model_sha256 = ? AND sb.turn_pk = r.turn_pk AND sb.item_pk = r.item_pk
     WHERE r.turn_pk > ? AND r.turn_pk <= ?
     ORDER BY r.turn_pk, r.position`,
  );
  return (lo, hi) =>
    stmt.all(setPk, a, b, lo, hi) as {
      turn_pk: number;
      item_pk: number;
      grade: number | null;
      a: number | null;
      b: number | null;
    }[];
}

/** A model's stored batch scores for a turn, best first (ties: logged position); null when the model has not scored it. */
export function storedRanking(store: Store, model: string, turnPk: number): { itemId: string; score: number }[] | null {
  const scored = store.db
    .prepare('SELECT 1 AS x FROM scored_turns WHERE model_sha256 = ? AND turn_pk = ?')
    .get(model, turnPk);
  if (!scored) return null;
  return (
    store.db
      .prepare(
        `SELECT i.item_id, s.score FROM scores s JOIN items i ON i.item_pk = s.item_pk
       LEFT JOIN results r ON r.turn_pk = s.turn_pk AND r.item_pk = s.item_pk
       WHERE s.model_sha256 = ? AND s.turn_pk = ? ORDER BY s.score DESC, r.position`,
      )
      .all(model, turnPk) as { item_id: string; score: number }[]
  ).map((r) => ({ itemId: r.item_id, score: r.score }));
}

/** Every stored score of a model with its turn and item, by turn then score (best first; ties: logged position), streamed. */
export function eachStoredScore(
  db: DatabaseSync,
  sha256: string,
): Iterable<{ session_id: string; idx: number; item_id: string; score: number }> {
  return db
    .prepare(
      `SELECT se.session_id, t.idx, i.item_id, s.score FROM scores s
       JOIN turns t ON t.turn_pk = s.turn_pk JOIN sessions se ON se.session_pk = t.session_pk JOIN items i ON i.item_pk = s.item_pk
       LEFT JOIN results r ON r.turn_pk = s.turn_pk AND r.item_pk = s.item_pk
       WHERE s.model_sha256 = ? ORDER BY s.turn_pk, s.score DESC, r.position`,
    )
    .iterate(sha256) as Iterable<{ session_id: string; idx: number; item_id: string; score: number }>;
}
