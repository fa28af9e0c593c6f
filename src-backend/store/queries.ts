// Read queries behind the API. They run on store.db, which never holds a long transaction, so
// they see only committed data even while an import is writing through its own connection.
import { statSync } from 'node:fs';
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { ApiError } from '../../src-common/errors.ts';
import type { BoundaryKind } from '../../src-common/segmentation.ts';
import type {
  SessionDetail,
  SessionPage,
  SessionQuery,
  SessionSummary,
  Split,
  Turn,
  WorkspaceStats,
} from '../../src-common/api/types.ts';
import { FeatureSetReader } from './features.ts';
import { parseTurnId, requireTurnPk } from './turn-ids.ts';
import type { Store } from './store.ts';
import { SCHEMA_VERSION } from './migrations/index.ts';

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

/**
 * One page of sessions in a stable order (import order, i.e. session_pk). Filters combine with
 * AND; `q` is a case-insensitive substring of any of the session's queries.
 */
export function listSessions(store: Store, q: SessionQuery): SessionPage {
  const problems = [];
  if (!Number.isInteger(q.offset) || q.offset < 0) problems.push({ where: 'offset', message: `expected an integer ≥ 0, got ${q.offset}` });
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_PAGE)
    problems.push({ where: 'limit', message: `expected an integer 1–${MAX_PAGE}, got ${q.limit}` });
  if (problems.length) throw new ApiError('invalid_input', `bad session query: ${problems.map((p) => `${p.where} ${p.message}`).join('; ')}`, problems);

  const where: string[] = [];
  const args: SQLInputValue[] = [];
  if (q.userId !== undefined) {
    // Case-insensitive prefix of the user id (LIKE wildcards in the input are literal).
    where.push("lower(s.user_id) LIKE ? ESCAPE '\\'");
    args.push(`${q.userId.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
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
    const turnsOf = db.prepare('SELECT idx, query FROM turns WHERE session_pk = ? ORDER BY idx');
    // The first turn whose query holds the needle, so the list can show (and open) what matched.
    const matchOf = (pk: number) => {
      const t = (turnsOf.all(pk) as { idx: number; query: string }[]).find((r) => searchFold(r.query).includes(needle));
      return t ? { turn: t.idx, query: t.query } : null;
    };
    return { total: ids.length, offset: q.offset, rows: Array.from(page, (pk) => ({ ...toSummary(get.get(pk) as unknown as SessionRow), match: matchOf(pk) })) };
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
  return { total, offset: q.offset, rows: rows.map(toSummary) };
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
  const version = db.prepare('SELECT (SELECT data_version FROM pragma_data_version) AS v, total_changes() AS c').get() as { v: number; c: number };
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

function toSummary(r: SessionRow): SessionSummary {
  return {
    sessionId: r.session_id,
    userId: r.user_id,
    split: r.split,
    turns: r.turns,
    switches: r.switches,
    clicks: r.clicks,
    firstQuery: r.first_query,
    startedAt: r.started_at,
    match: null,
  };
}

/** A whole session with every turn and result, features decoded by name. */
export function getSession(store: Store, sessionId: string): SessionDetail {
  return readSession(store.db, sessionId) ?? notFound(sessionId);
}

function notFound(sessionId: string): never {
  throw new ApiError('not_found', `no session "${sessionId}" in this workspace`, [{ where: 'sessionId', message: `unknown session id ${JSON.stringify(sessionId)}` }]);
}

/** Also used by the importer (on its own connection) to compare a re-imported session. */
export function readSession(db: DatabaseSync, sessionId: string): SessionDetail | null {
  const s = db.prepare('SELECT session_pk, session_id, user_id, split FROM sessions WHERE session_id = ?').get(sessionId) as
    | { session_pk: number; session_id: string; user_id: string; split: Split | null }
    | undefined;
  if (!s) return null;
  const turnRows = db.prepare('SELECT turn_pk, idx, ts, query, boundary FROM turns WHERE session_pk = ? ORDER BY idx').all(s.session_pk) as unknown as {
    turn_pk: number;
    idx: number;
    ts: string;
    query: string;
    boundary: BoundaryKind;
  }[];
  const resultsStmt = db.prepare(
    `SELECT r.position, i.item_id, coalesce(r.title, i.title, '') AS title, r.click, r.dwell_ms, r.feature_set, r.features
     FROM results r JOIN items i ON i.item_pk = r.item_pk WHERE r.turn_pk = ? ORDER BY r.position`,
  );
  const fs = new FeatureSetReader(db);
  const turns: Turn[] = turnRows.map((t) => ({
    turnId: `${s.session_id}#${t.idx}`,
    index: t.idx,
    ts: t.ts,
    query: t.query,
    boundary: t.boundary,
    results: (resultsStmt.all(t.turn_pk) as unknown as {
      position: number;
      item_id: string;
      title: string;
      click: number;
      dwell_ms: number | null;
      feature_set: number;
      features: Uint8Array;
    }[]).map((r) => ({
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

export function workspaceStats(store: Store): WorkspaceStats {
  const db = store.db;
  const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const names = (sql: string) => (db.prepare(sql).all() as { name: string }[]).map((r) => r.name);
  let fileBytes = 0;
  for (const suffix of ['', '-wal']) {
    try {
      fileBytes += statSync(store.path + suffix).size;
    } catch {
      // no WAL file right now
    }
  }
  return {
    path: store.path,
    schemaVersion: SCHEMA_VERSION,
    sessions: one('SELECT count(*) AS n FROM sessions'),
    users: one('SELECT count(DISTINCT user_id) AS n FROM sessions'),
    turns: one('SELECT count(*) AS n FROM turns'),
    resultRows: one('SELECT count(*) AS n FROM results'),
    items: one('SELECT count(*) AS n FROM items'),
    featureNames: names('SELECT name FROM feature_names ORDER BY feature_id'),
    imports: one('SELECT count(*) AS n FROM imports'),
    runs: names('SELECT tag AS name FROM runs ORDER BY tag'),
    qrelsSets: names('SELECT name FROM qrels_sets ORDER BY name'),
    fileBytes,
  };
}

/** The qrels set's primary key, or ApiError not_found naming the sets that exist. */
export function qrelsSetPk(store: Store, setName: string): number {
  const row = store.db.prepare('SELECT set_pk FROM qrels_sets WHERE name = ?').get(setName) as { set_pk: number } | undefined;
  if (row) return row.set_pk;
  const sets = (store.db.prepare('SELECT name FROM qrels_sets ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  throw new ApiError('not_found', `no judgment set "${setName}" in this workspace (sets: ${sets.length ? sets.join(', ') : 'none — import qrels first'})`, [
    { where: 'setName', message: `unknown set ${JSON.stringify(setName)}` },
  ]);
}

/** Graded relevance of one turn's items in a judgment set, in the turn's logged order (then unlogged items by id). */
export function turnGrades(store: Store, turnId: string, setName: string): { setName: string; turnId: string; grades: { itemId: string; grade: number }[] } {
  parseTurnId(turnId); // a malformed id is reported before an unknown set, an unknown set before an unknown turn
  const setPk = qrelsSetPk(store, setName);
  const turnPk = requireTurnPk(store.db, turnId);
  const rows = store.db
    .prepare(
      `SELECT i.item_id, q.grade, (SELECT min(r.position) FROM results r WHERE r.turn_pk = q.turn_pk AND r.item_pk = q.item_pk) AS pos
       FROM qrels q JOIN items i ON i.item_pk = q.item_pk WHERE q.set_pk = ? AND q.turn_pk = ?`,
    )
    .all(setPk, turnPk) as { item_id: string; grade: number; pos: number | null }[];
  rows.sort((a, b) => (a.pos ?? Infinity) - (b.pos ?? Infinity) || (a.item_id < b.item_id ? -1 : a.item_id > b.item_id ? 1 : 0));
  return { setName, turnId, grades: rows.map((r) => ({ itemId: r.item_id, grade: r.grade })) };
}
