// Owner of the session tables: sessions, session_text (+ its trigram index session_fts), turns,
// results and items (docs/store.md, "Who owns which table"). Every SQL statement on them lives here:
// the API's reads, the turn reads scoring needs, and the prepared statements the importers run in
// their hot loops (handed out by prepareSessionInserts / ItemResolver, so the SQL text stays here).
// Reads run on store.db, which never holds a long transaction, so they see only committed data even
// while an import is writing through its own connection.
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { ApiError } from '../../src-common/errors.ts';
import { classifySession, type BoundaryKind } from '../../src-common/segmentation.ts';
import type {
  SessionDetail,
  SessionMatch,
  SessionPage,
  SessionQuery,
  SessionSummary,
  Split,
  Turn,
} from '../../src-common/api/types.ts';
import { FeatureSetReader } from './features.ts';
import { formatTurnId, parseTurnId, splitTurnId } from './turn-ids.ts';
import type { Store } from './store.ts';

interface SessionRow {
  session_id: string;
  user_id: string;
  split: Split | null;
  turns: number;
  switches: number;
  clicks: number;
  first_query: string;
  started_at: string;
}

const MAX_PAGE = 1000;

/** Lower-casing used both when storing session_text and when searching it. */
export function searchFold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** `userId` as a LIKE pattern: its literal text followed by anything. */
function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * One page of sessions in a stable order (import order, i.e. session_pk). Filters combine with
 * AND; `q` is a case-insensitive substring of any of the session's queries (each row then names the
 * first matching turn in `match`); `userId` a case-insensitive prefix of the user id (SQLite's LIKE:
 * ASCII letters fold, other characters must match exactly).
 */
export function listSessions(store: Store, q: SessionQuery): SessionPage {
  const problems = [];
  if (!Number.isInteger(q.offset) || q.offset < 0)
    problems.push({ where: 'offset', message: `expected an integer ≥ 0, got ${q.offset}` });
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_PAGE)
    problems.push({ where: 'limit', message: `expected an integer 1–${MAX_PAGE}, got ${q.limit}` });
  if (problems.length)
    throw new ApiError(
      'invalid_input',
      `bad session query: ${problems.map((p) => `${p.where} ${p.message}`).join('; ')}`,
      problems,
    );

  const where: string[] = [];
  const args: SQLInputValue[] = [];
  if (q.userId !== undefined && q.userId !== '') {
    where.push("s.user_id LIKE ? ESCAPE '\\'");
    args.push(prefixPattern(q.userId));
  }
  if (q.hasSwitch !== undefined) where.push(q.hasSwitch ? 's.switches > 0' : 's.switches = 0');
  if (q.split !== undefined) {
    where.push('s.split = ?');
    args.push(q.split);
  }
  const from = 'sessions s';
  const db = store.db;
  const columns = 's.session_id, s.user_id, s.split, s.turns, s.switches, s.clicks, s.first_query, s.started_at';
  const needle = q.q === undefined ? '' : searchFold(q.q.trim());
  if (needle) {
    // The trigram index answers needles of 3+ characters; shorter needles, or ones holding LIKE
    // wildcards, scan the narrow session_text table. Both yield session_pk in ascending order.
    const useIndex = [...needle].length >= 3 && !/[%_]/.test(needle);
    const textSql = useIndex
      ? 'SELECT rowid FROM session_fts WHERE text LIKE ? ORDER BY rowid'
      : 'SELECT session_pk FROM session_text WHERE instr(text, ?) > 0 ORDER BY session_pk';
    const textArg = useIndex ? `%${needle}%` : needle;
    const sql = where.length
      ? `SELECT s.session_pk FROM ${from} WHERE s.session_pk IN (${textSql}) AND ${where.join(' AND ')} ORDER BY s.session_pk`
      : textSql;
    // Evaluate the match once, keep the ordered ids, and serve the count and every page of a
    // scrolling list from them until the data changes.
    const ids = matchingIds(db, sql, [textArg, ...args]);
    const page = ids.subarray(Math.min(q.offset, ids.length), Math.min(q.offset + q.limit, ids.length));
    const get = db.prepare(`SELECT ${columns} FROM sessions s WHERE s.session_pk = ?`);
    const queries = db.prepare('SELECT idx, query FROM turns WHERE session_pk = ? ORDER BY idx');
    return {
      total: ids.length,
      offset: q.offset,
      rows: Array.from(page, (pk) => toSummary(get.get(pk) as unknown as SessionRow, firstMatch(queries, pk, needle))),
    };
  }
  const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (db.prepare(`SELECT count(*) AS n FROM ${from} ${cond}`).get(...args) as { n: number }).n;
  // Page through the primary key first, then fetch the wide columns for just this page, so a deep
  // offset skips over rowids instead of whole rows.
  const rows = db
    .prepare(
      `SELECT ${columns}
       FROM sessions s WHERE s.session_pk IN (SELECT s.session_pk FROM ${from} ${cond} ORDER BY s.session_pk LIMIT ? OFFSET ?)
       ORDER BY s.session_pk`,
    )
    .all(...args, q.limit, q.offset) as unknown as SessionRow[];
  return { total, offset: q.offset, rows: rows.map((r) => toSummary(r, null)) };
}

/**
 * The session's first turn whose query contains the folded needle (the rule session_text is searched
 * with). Stops at the first hit, so a long session costs only the turns before it. null only when the
 * needle spans two queries (it holds the newline session_text joins them with).
 */
function firstMatch(queries: StatementSync, sessionPk: number, needle: string): SessionMatch | null {
  for (const t of queries.iterate(sessionPk) as Iterable<{ idx: number; query: string }>) {
    if (searchFold(t.query).includes(needle)) return { turn: t.idx, query: t.query };
  }
  return null;
}

/** Per connection: the last few text searches, valid while the database is unchanged. */
const searchCache = new WeakMap<DatabaseSync, Map<string, Float64Array>>();
const SEARCH_CACHE_ENTRIES = 8;

/** Forgets cached text searches (for benchmarks that time uncached searches). */
export function clearSearchCache(store: Store): void {
  searchCache.delete(store.db);
}

function matchingIds(db: DatabaseSync, sql: string, args: SQLInputValue[]): Float64Array {
  // data_version moves when another connection commits (imports); total_changes() when this one writes.
  const version = db
    .prepare('SELECT (SELECT data_version FROM pragma_data_version) AS v, total_changes() AS c')
    .get() as { v: number; c: number };
  const key = `${version.v}:${version.c}\n${sql}\n${JSON.stringify(args)}`;
  let cache = searchCache.get(db);
  if (!cache) searchCache.set(db, (cache = new Map()));
  let ids = cache.get(key);
  if (ids) {
    cache.delete(key); // re-insert: most recently used last
  } else {
    const st = db.prepare(sql);
    st.setReturnArrays(true);
    ids = Float64Array.from(st.all(...args) as unknown as [number][], (r) => r[0]);
    if (cache.size >= SEARCH_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, ids);
  return ids;
}

function toSummary(r: SessionRow, match: SessionMatch | null): SessionSummary {
  return {
    sessionId: r.session_id,
    userId: r.user_id,
    split: r.split,
    turns: r.turns,
    switches: r.switches,
    clicks: r.clicks,
    firstQuery: r.first_query,
    startedAt: r.started_at,
    match,
  };
}

/** A whole session with every turn and result, features decoded by name. */
export function getSession(store: Store, sessionId: string): SessionDetail {
  return readSession(store.db, sessionId) ?? notFound(sessionId);
}

function notFound(sessionId: string): never {
  throw new ApiError('not_found', `no session "${sessionId}" in this workspace`, [
    { where: 'sessionId', message: `unknown session id ${JSON.stringify(sessionId)}` },
  ]);
}

/** Also used by the importer (on its own connection) to compare a re-imported session. */
export function readSession(db: DatabaseSync, sessionId: string): SessionDetail | null {
  const s = db
    .prepare('SELECT session_pk, session_id, user_id, split FROM sessions WHERE session_id = ?')
    .get(sessionId) as { session_pk: number; session_id: string; user_id: string; split: Split | null } | undefined;
  if (!s) return null;
  const turnRows = db
    .prepare('SELECT turn_pk, idx, ts, query, boundary FROM turns WHERE session_pk = ? ORDER BY idx')
    .all(s.session_pk) as unknown as {
    turn_pk: number;
    idx: number;
    ts: string;
    query: string;
    boundary: BoundaryKind;
  }[];
  const resultsStmt = db.prepare(RESULTS_OF_TURN_SQL);
  const fs = new FeatureSetReader(db);
  const turns: Turn[] = turnRows.map((t) => ({
    turnId: formatTurnId(s.session_id, t.idx),
    index: t.idx,
    ts: t.ts,
    query: t.query,
    boundary: t.boundary,
    results: (resultsStmt.all(t.turn_pk) as unknown as StoredResultRow[]).map((r) => ({
      itemId: r.item_id,
      title: r.title,
      position: r.position,
      click: r.click === 1,
      dwellMs: r.dwell_ms,
      features: fs.decode(r.feature_set, r.features),
    })),
  }));
  return { sessionId: s.session_id, userId: s.user_id, split: s.split, turns };
}

// ---- turns by id ----

const TURN_PK_SQL =
  'SELECT t.turn_pk FROM turns t JOIN sessions s ON s.session_pk = t.session_pk WHERE s.session_id = ? AND t.idx = ?';

/** Resolves many turn ids on one connection (the TREC importers): a prepared lookup plus a cache. */
export class TurnResolver {
  private readonly cache = new Map<string, number | null>();
  private readonly find: StatementSync;
  constructor(db: DatabaseSync) {
    this.find = db.prepare(TURN_PK_SQL);
  }
  /** turn_pk of a stored turn, or null for a malformed or unknown id. */
  resolve(turnId: string): number | null {
    let pk = this.cache.get(turnId);
    if (pk === undefined) {
      const parts = splitTurnId(turnId);
      pk = parts
        ? ((this.find.get(parts.sessionId, parts.index) as { turn_pk: number } | undefined)?.turn_pk ?? null)
        : null;
      this.cache.set(turnId, pk);
    }
    return pk;
  }
}

/** turn_pk of a stored turn; invalid_input for a malformed id, not_found for an unknown one. */
export function requireTurnPk(db: DatabaseSync, turnId: string): number {
  const { sessionId, index } = parseTurnId(turnId);
  const row = db.prepare(TURN_PK_SQL).get(sessionId, index) as { turn_pk: number } | undefined;
  if (!row)
    throw new ApiError('not_found', `no turn "${turnId}" in this workspace`, [
      { where: 'turnId', message: `unknown turn ${JSON.stringify(turnId)}` },
    ]);
  return row.turn_pk;
}

// ---- items ----

/** Items resolved during one import (the cache lives only as long as the transaction). */
export class ItemResolver {
  private readonly cache = new Map<string, { pk: number; title: string | null }>();
  private readonly find: StatementSync;
  private readonly insert: StatementSync;
  private readonly setTitle: StatementSync;
  constructor(db: DatabaseSync) {
    this.find = db.prepare('SELECT item_pk, title FROM items WHERE item_id = ?');
    this.insert = db.prepare('INSERT INTO items (item_id, title) VALUES (?, ?)');
    this.setTitle = db.prepare('UPDATE items SET title = ? WHERE item_pk = ?');
  }
  /** Returns the item's pk and its stored title (filling a missing title from this one). */
  resolve(itemId: string, title: string | null): { pk: number; title: string | null } {
    let it = this.cache.get(itemId);
    if (!it) {
      const row = this.find.get(itemId) as { item_pk: number; title: string | null } | undefined;
      if (row) it = { pk: row.item_pk, title: row.title };
      else it = { pk: Number(this.insert.run(itemId, title).lastInsertRowid), title };
      this.cache.set(itemId, it);
    }
    if (it.title === null && title !== null) {
      this.setTitle.run(title, it.pk);
      it.title = title;
    }
    return it;
  }
}

// ---- bulk insert (the session importer's hot loop) ----

/** Values of one sessions row, in the order insertSession takes them. */
export interface NewSession {
  sessionId: string;
  userId: string;
  split: Split | null;
  importId: number;
  turns: number;
  switches: number;
  clicks: number;
  firstQuery: string;
  startedAt: string;
}

/** Parameters per results row in insertResults (SQLite allows 32,766 per statement). */
export const RESULT_COLUMNS = 8;

/**
 * Prepared statements for one import transaction on the importer's own connection. Kept prepared
 * (not re-prepared per row) because the import loop runs them a million times.
 */
export function prepareSessionInserts(db: DatabaseSync) {
  const exists = db.prepare('SELECT 1 AS x FROM sessions WHERE session_id = ?');
  const insSession = db.prepare(
    'INSERT INTO sessions (session_id, user_id, split, import_id, turns, switches, clicks, first_query, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insText = db.prepare('INSERT INTO session_text (session_pk, text) VALUES (?, ?)');
  const insTurn = db.prepare('INSERT INTO turns (session_pk, idx, ts, query, boundary) VALUES (?, ?, ?, ?, ?)');
  const insResults = new Map<number, StatementSync>();
  return {
    exists: (sessionId: string): boolean => exists.get(sessionId) !== undefined,
    /** Inserts the session and its search text (the queries, each folded, joined by newlines). */
    insertSession(s: NewSession, queries: readonly string[]): number {
      const pk = Number(
        insSession.run(
          s.sessionId,
          s.userId,
          s.split,
          s.importId,
          s.turns,
          s.switches,
          s.clicks,
          s.firstQuery,
          s.startedAt,
        ).lastInsertRowid,
      );
      insText.run(pk, queries.map(searchFold).join('\n'));
      return pk;
    },
    insertTurn: (sessionPk: number, idx: number, ts: string, query: string, boundary: BoundaryKind): number =>
      Number(insTurn.run(sessionPk, idx, ts, query, boundary).lastInsertRowid),
    /**
     * Inserts n results rows in one multi-row INSERT (one call into SQLite per turn instead of one
     * per result). `args` holds RESULT_COLUMNS values per row: turn_pk, position, item_pk, click,
     * dwell_ms, title (NULL when equal to the item's), feature_set, features.
     */
    insertResults(n: number, args: SQLInputValue[]): void {
      let st = insResults.get(n);
      if (!st) {
        const values = Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
        st = db.prepare(
          `INSERT INTO results (turn_pk, position, item_pk, click, dwell_ms, title, feature_set, features) VALUES ${values}`,
        );
        insResults.set(n, st);
      }
      st.run(...args);
    },
  };
}
export type SessionInserts = ReturnType<typeof prepareSessionInserts>;

// ---- reads for scoring (inference/turn-source.ts) ----

/** A stored result row with its item (title already falls back to the item's). */
export interface StoredResultRow {
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
function fromArray(a: ResultArray): StoredResultRow {
  return {
    turn_pk: a[0],
    position: a[1],
    item_pk: a[2],
    item_id: a[3],
    title: a[4],
    click: a[5],
    dwell_ms: a[6],
    feature_set: a[7],
    features: a[8],
  };
}
const RESULT_COLUMNS_SQL = `r.turn_pk, r.position, r.item_pk, i.item_id, coalesce(r.title, i.title, '') AS title, r.click, r.dwell_ms, r.feature_set, r.features`;
/** One turn's results in logged order (getSession and scoring read them alike). */
const RESULTS_OF_TURN_SQL = `SELECT ${RESULT_COLUMNS_SQL} FROM results r JOIN items i ON i.item_pk = r.item_pk WHERE r.turn_pk = ? ORDER BY r.position`;

/** Prepared reads of one connection for turn scoring: single turns by id and whole sessions in order. */
export function prepareScoringReads(db: DatabaseSync) {
  const session = db.prepare('SELECT session_pk FROM sessions WHERE session_id = ?');
  const turn = db.prepare('SELECT turn_pk, query FROM turns WHERE session_pk = ? AND idx = ?');
  const earlier = db.prepare('SELECT turn_pk, idx, query FROM turns WHERE session_pk = ? AND idx < ? ORDER BY idx');
  const clicks = db.prepare(
    `SELECT t.idx, r.position, i.item_id, coalesce(r.title, i.title, '') AS title, r.dwell_ms
     FROM turns t JOIN results r ON r.turn_pk = t.turn_pk JOIN items i ON i.item_pk = r.item_pk
     WHERE t.session_pk = ? AND t.idx < ? AND r.click = 1`,
  );
  const results = db.prepare(RESULTS_OF_TURN_SQL);
  const sessionTurns = db.prepare('SELECT turn_pk, idx, query FROM turns WHERE session_pk = ? ORDER BY idx');
  const sessionResults = db.prepare(
    `SELECT ${RESULT_COLUMNS_SQL} FROM turns t JOIN results r ON r.turn_pk = t.turn_pk JOIN items i ON i.item_pk = r.item_pk
     WHERE t.session_pk = ? ORDER BY t.idx, r.position`,
  );
  // Rows as arrays: no per-row object with nine keys (a third faster on a batch job's reads).
  sessionResults.setReturnArrays(true);
  return {
    sessionPk: (sessionId: string) => (session.get(sessionId) as { session_pk: number } | undefined)?.session_pk,
    turn: (sessionPk: number, idx: number) =>
      turn.get(sessionPk, idx) as { turn_pk: number; query: string } | undefined,
    /** The session's turns before idx, in order. */
    earlier: (sessionPk: number, idx: number) =>
      earlier.all(sessionPk, idx) as unknown as { turn_pk: number; idx: number; query: string }[],
    /** Clicked results of the session's turns before idx (any order). */
    clicksBefore: (sessionPk: number, idx: number) =>
      clicks.all(sessionPk, idx) as unknown as {
        idx: number;
        position: number;
        item_id: string;
        title: string;
        dwell_ms: number | null;
      }[],
    results: (turnPk: number) => results.all(turnPk) as unknown as StoredResultRow[],
    sessionTurns: (sessionPk: number) =>
      sessionTurns.all(sessionPk) as unknown as { turn_pk: number; idx: number; query: string }[],
    /** Every result of the session, by turn then position. */
    sessionResults: (sessionPk: number) => (sessionResults.all(sessionPk) as unknown as ResultArray[]).map(fromArray),
    /** Sessions in import order, optionally one split (what a batch job visits). */
    sessions(split?: Split): { sessionPk: number; sessionId: string; turns: number }[] {
      const sql = `SELECT session_pk, session_id, turns FROM sessions ${split ? 'WHERE split = ?' : ''} ORDER BY session_pk`;
      const rows = (split ? db.prepare(sql).all(split) : db.prepare(sql).all()) as unknown as {
        session_pk: number;
        session_id: string;
        turns: number;
      }[];
      return rows.map((r) => ({ sessionPk: r.session_pk, sessionId: r.session_id, turns: r.turns }));
    },
  };
}
export type ScoringReads = ReturnType<typeof prepareScoringReads>;

// ---- counts ----

export function sessionCounts(db: DatabaseSync): {
  sessions: number;
  users: number;
  turns: number;
  resultRows: number;
  items: number;
} {
  const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return {
    sessions: one('SELECT count(*) AS n FROM sessions'),
    users: one('SELECT count(DISTINCT user_id) AS n FROM sessions'),
    turns: one('SELECT count(*) AS n FROM turns'),
    resultRows: one('SELECT count(*) AS n FROM results'),
    items: one('SELECT count(*) AS n FROM items'),
  };
}

/** Turns in the workspace (cheap; turn-metrics' cache key). */
export function turnCount(db: DatabaseSync): number {
  return (db.prepare('SELECT count(*) AS n FROM turns').get() as { n: number }).n;
}

/** Largest turn_pk (0 when empty): the upper end of range reads over turns. */
export function maxTurnPk(db: DatabaseSync): number {
  return (db.prepare('SELECT coalesce(max(turn_pk), 0) AS n FROM turns').get() as { n: number }).n;
}

// ---- reads for labeling (src-backend/labeling/service.ts): task sources, pools, grades by key ----

/** A stored turn as labeling sees it (task sources, pools). */
export interface WsTurn {
  turnId: string;
  turnPk: number;
  boundary: BoundaryKind;
}

/** All turns of the given sessions, in session then turn order, at most `max`. */
export function turnsOfSessions(store: Store, sessionIds: string[], max: number): WsTurn[] {
  const stmt = store.db.prepare(
    'SELECT t.turn_pk, t.idx, t.boundary FROM turns t JOIN sessions s ON s.session_pk = t.session_pk WHERE s.session_id = ? ORDER BY t.idx',
  );
  const out: WsTurn[] = [];
  for (const sid of sessionIds) {
    for (const r of stmt.all(sid) as { turn_pk: number; idx: number; boundary: BoundaryKind }[]) {
      if (out.length >= max) return out;
      out.push({ turnId: formatTurnId(sid, r.idx), turnPk: r.turn_pk, boundary: r.boundary });
    }
  }
  return out;
}

/** Every turn (optionally of one split) with its boundary, in workspace order: the population a stratified sample draws from. */
export function allTurns(store: Store, split?: Split): WsTurn[] {
  const where = split ? 'WHERE s.split = ?' : '';
  const args: SQLInputValue[] = split ? [split] : [];
  return (
    store.db
      .prepare(
        `SELECT t.turn_pk, t.idx, t.boundary, s.session_id FROM turns t JOIN sessions s ON s.session_pk = t.session_pk ${where} ORDER BY t.session_pk, t.idx`,
      )
      .all(...args) as { turn_pk: number; idx: number; boundary: BoundaryKind; session_id: string }[]
  ).map((r) => ({
    turnId: formatTurnId(r.session_id, r.idx),
    turnPk: r.turn_pk,
    boundary: r.boundary,
  }));
}

/** A stored turn by id, or null (malformed or unknown). */
export function findTurn(store: Store, turnId: string): WsTurn | null {
  const parts = splitTurnId(turnId);
  if (!parts) return null;
  const r = store.db
    .prepare(
      'SELECT t.turn_pk, t.boundary FROM turns t JOIN sessions s ON s.session_pk = t.session_pk WHERE s.session_id = ? AND t.idx = ?',
    )
    .get(parts.sessionId, parts.index) as { turn_pk: number; boundary: BoundaryKind } | undefined;
  return r ? { turnId, turnPk: r.turn_pk, boundary: r.boundary } : null;
}

/** The turn's logged candidates, in logged order. */
export function loggedItems(store: Store, turnPk: number): string[] {
  return (
    store.db
      .prepare(
        'SELECT i.item_id FROM results r JOIN items i ON i.item_pk = r.item_pk WHERE r.turn_pk = ? ORDER BY r.position',
      )
      .all(turnPk) as { item_id: string }[]
  ).map((r) => r.item_id);
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

// ---- bulk reads for exports (data/parquet-export.ts) ----

/** One logged result with its turn and session, in session, turn and position order; a turn without results comes once with position null. */
export interface ExportResultRow {
  session_id: string;
  user_id: string;
  split: Split | null;
  idx: number;
  ts: string;
  query: string;
  boundary: BoundaryKind;
  position: number | null;
  item_id: string | null;
  title: string | null;
  click: number | null;
  dwell_ms: number | null;
  feature_set: number | null;
  features: Uint8Array | null;
}

/** Every turn and result of the workspace, streamed (the caller decodes features with FeatureSetReader). */
export function eachResultForExport(db: DatabaseSync): Iterable<ExportResultRow> {
  return db
    .prepare(
      `SELECT s.session_id, s.user_id, s.split, t.idx, t.ts, t.query, t.boundary, r.position, i.item_id,
              coalesce(r.title, i.title, '') AS title, r.click, r.dwell_ms, r.feature_set, r.features
       FROM sessions s JOIN turns t ON t.session_pk = s.session_pk
       LEFT JOIN results r ON r.turn_pk = t.turn_pk LEFT JOIN items i ON i.item_pk = r.item_pk
       ORDER BY s.session_pk, t.idx, r.position`,
    )
    .iterate() as Iterable<ExportResultRow>;
}

/**
 * Recomputes every stored turn's boundary and every session's switch count with the current rule
 * (src-common/segmentation.ts), from the stored queries and times. Run inside the caller's
 * transaction (migration 004). Writes only rows whose value changes.
 */
export function recomputeBoundaries(db: DatabaseSync): { sessions: number; turns: number; changed: number } {
  // Session keys first, then one session's turns at a time: bounded memory, and no update of a
  // table while a read of it is still stepping.
  const pks = db.prepare('SELECT session_pk FROM sessions ORDER BY session_pk').all() as Array<{ session_pk: number }>;
  const turnsOf = db.prepare('SELECT turn_pk, ts, query, boundary FROM turns WHERE session_pk = ? ORDER BY idx');
  const setTurn = db.prepare('UPDATE turns SET boundary = ? WHERE turn_pk = ?');
  const setSwitches = db.prepare('UPDATE sessions SET switches = ? WHERE session_pk = ? AND switches != ?');
  type Row = { turn_pk: number; ts: string; query: string; boundary: BoundaryKind };
  let turns = 0;
  let changed = 0;
  for (const { session_pk } of pks) {
    const rows = turnsOf.all(session_pk) as unknown as Row[];
    const kinds = classifySession(rows.map((t) => ({ query: t.query, time: Date.parse(t.ts) })));
    let switches = 0;
    rows.forEach((t, i) => {
      const kind = kinds[i]!.kind;
      if (kind === 'switch') switches++;
      if (kind !== t.boundary) {
        setTurn.run(kind, t.turn_pk);
        changed++;
      }
    });
    setSwitches.run(switches, session_pk, switches);
    turns += rows.length;
  }
  return { sessions: pks.length, turns, changed };
}
