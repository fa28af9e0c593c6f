// Streaming importer for session logs, JSONL v1 (docs/session-log-v1.md, docs/store.md).
// One pass: each line is validated and, while the file has no problems, written inside a single
// transaction on a dedicated connection. Any problem → keep validating (to report them all), then
// roll back. Cancel → roll back. So an import is wholly present or wholly absent.
import { isDeepStrictEqual } from 'node:util';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { ApiError } from '../../src-common/errors.ts';
import type { ImportReport } from '../../src-common/api/types.ts';
import { classifyBoundary } from '../../src-common/segmentation.ts';
import type { Store } from '../store/store.ts';
import { readSession, searchFold } from '../store/queries.ts';
import { packIds } from '../store/features.ts';
import { readLines } from './lines.ts';
import { parseSessionLine, type SessionV1 } from './session-validate.ts';
import {
  Problems,
  ProgressReporter,
  Yielder,
  cancelled,
  checkFile,
  emptyReport,
  findImport,
  inTransaction,
  sha256File,
  type ImportOptions,
} from './import-common.ts';

/** Longest accepted line (one session). Longer lines are rejected without being buffered. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Rows per multi-row INSERT (8 parameters each; SQLite allows 32766 parameters). */
const ROWS_PER_INSERT = 100;

const MB = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;

/** Items and feature ids resolved during one import (caches live only as long as the transaction). */
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

class FeatureSets {
  private readonly names = new Map<string, number>();
  private readonly sets = new Map<string, number>();
  readonly newNames: string[] = [];
  private readonly db: DatabaseSync;
  constructor(db: DatabaseSync) {
    this.db = db;
    for (const r of db.prepare('SELECT feature_id, name FROM feature_names').all() as { feature_id: number; name: string }[]) this.names.set(r.name, r.feature_id);
  }
  // null until the first lookup: an empty first list must still get a real set id.
  private lastNames: string[] | null = null;
  private lastId = 0;
  /** set_id for this ordered list of names. */
  setId(names: string[]): number {
    // Logs almost always repeat the same names in the same order: compare with the last list
    // before building a cache key.
    const last = this.lastNames;
    if (last !== null && names.length === last.length && names.every((n, i) => n === last[i])) return this.lastId;
    const key = names.join('\n');
    let id = this.sets.get(key);
    if (id !== undefined) {
      this.lastNames = names;
      this.lastId = id;
      return id;
    }
    const ids = names.map((n) => {
      let fid = this.names.get(n);
      if (fid === undefined) {
        fid = Number(this.db.prepare('INSERT INTO feature_names (name) VALUES (?)').run(n).lastInsertRowid);
        this.names.set(n, fid);
        this.newNames.push(n);
      }
      return fid;
    });
    const blob = packIds(ids);
    const row = this.db.prepare('SELECT set_id FROM feature_sets WHERE feature_ids = ?').get(blob) as { set_id: number } | undefined;
    id = row ? row.set_id : Number(this.db.prepare('INSERT INTO feature_sets (feature_ids) VALUES (?)').run(blob).lastInsertRowid);
    this.sets.set(key, id);
    this.lastNames = names;
    this.lastId = id;
    return id;
  }
}

/** The stored form of a parsed session, for comparing a re-imported session with what is stored. */
function comparable(s: SessionV1) {
  return {
    sessionId: s.session_id,
    userId: s.user_id,
    split: s.split,
    turns: s.events.map((e, i) => ({
      index: i,
      ts: e.ts,
      query: e.query,
      results: [...e.results]
        .sort((a, b) => a.position - b.position)
        .map((r) => ({ itemId: r.item_id, title: r.title, position: r.position, click: r.click, dwellMs: r.dwell_ms, features: r.features })),
    })),
  };
}

function storedComparable(db: DatabaseSync, sessionId: string) {
  const d = readSession(db, sessionId);
  if (!d) return null;
  return { ...d, turns: d.turns.map(({ turnId: _t, boundary: _b, ...t }) => t) };
}

class SessionWriter {
  private readonly db: DatabaseSync;
  private readonly importId: number;
  private readonly items: ItemResolver;
  readonly features: FeatureSets;
  private readonly exists: StatementSync;
  private readonly insSession: StatementSync;
  private readonly insText: StatementSync;
  private readonly insTurn: StatementSync;
  private readonly insResults = new Map<number, StatementSync>();
  turns = 0;
  rows = 0;
  constructor(db: DatabaseSync, importId: number) {
    this.db = db;
    this.importId = importId;
    this.items = new ItemResolver(db);
    this.features = new FeatureSets(db);
    this.exists = db.prepare('SELECT 1 AS x FROM sessions WHERE session_id = ?');
    this.insSession = db.prepare(
      'INSERT INTO sessions (session_id, user_id, split, import_id, turns, switches, clicks, first_query, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insText = db.prepare('INSERT INTO session_text (session_pk, text) VALUES (?, ?)');
    this.insTurn = db.prepare('INSERT INTO turns (session_pk, idx, ts, query, boundary) VALUES (?, ?, ?, ?, ?)');
  }

  /** Multi-row INSERT for n rows: one call into SQLite per turn instead of one per result. */
  private insertResults(n: number): StatementSync {
    let st = this.insResults.get(n);
    if (!st) {
      const values = Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      st = this.db.prepare(`INSERT INTO results (turn_pk, position, item_pk, click, dwell_ms, title, feature_set, features) VALUES ${values}`);
      this.insResults.set(n, st);
    }
    return st;
  }

  /** 'inserted', 'skipped' (identical session already stored) or 'conflict'. */
  write(s: SessionV1): 'inserted' | 'skipped' | 'conflict' {
    if (this.exists.get(s.session_id)) {
      return isDeepStrictEqual(storedComparable(this.db, s.session_id), comparable(s)) ? 'skipped' : 'conflict';
    }
    const boundaries: string[] = [];
    let prev: string | null = null;
    let switches = 0;
    let clicks = 0;
    for (const e of s.events) {
      const b = classifyBoundary(prev, e.query);
      if (b === 'switch') switches++;
      boundaries.push(b);
      prev = e.query;
      for (const r of e.results) if (r.click) clicks++;
    }
    const first = s.events[0]!;
    const sessionPk = Number(
      this.insSession.run(s.session_id, s.user_id, s.split, this.importId, s.events.length, switches, clicks, first.query, first.ts).lastInsertRowid,
    );
    this.insText.run(sessionPk, s.events.map((e) => searchFold(e.query)).join('\n'));
    for (let i = 0; i < s.events.length; i++) {
      const e = s.events[i]!;
      const turnPk = Number(this.insTurn.run(sessionPk, i, e.ts, e.query, boundaries[i]!).lastInsertRowid);
      this.turns++;
      // WITHOUT ROWID key order: insert by position so the B-tree appends.
      const results = e.results.length > 1 ? [...e.results].sort((a, b) => a.position - b.position) : e.results;
      for (let from = 0; from < results.length; from += ROWS_PER_INSERT) {
        const chunk = results.length <= ROWS_PER_INSERT ? results : results.slice(from, from + ROWS_PER_INSERT);
        const args: SQLInputValue[] = [];
        for (const r of chunk) {
          const item = this.items.resolve(r.item_id, r.title);
          const names = Object.keys(r.features);
          const setId = this.features.setId(names);
          const values = new Float64Array(names.length);
          for (let k = 0; k < names.length; k++) values[k] = r.features[names[k]!]!;
          args.push(turnPk, r.position, item.pk, r.click ? 1 : 0, r.dwell_ms, r.title === item.title ? null : r.title, setId, new Uint8Array(values.buffer));
        }
        this.insertResults(chunk.length).run(...args);
        this.rows += chunk.length;
      }
    }
    return 'inserted';
  }
}

/**
 * Imports a `.jsonl` or `.jsonl.gz` session log. Resolves with a report; rejects with ApiError
 * ('invalid_file' with file:line:field problems, 'conflict', 'cancelled', 'not_found') having
 * written nothing.
 */
export async function importSessionLog(store: Store, filePath: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const { size, name } = checkFile(filePath);
  const progress = new ProgressReporter(opts.onProgress);
  const report = emptyReport(filePath, 'sessions');
  const sha = await sha256File(filePath, (n) => progress.report({ phase: 'hashing', done: n, total: size, unit: 'bytes' }), opts.signal);
  if (findImport(store.db, sha, 'sessions')) {
    report.alreadyImported = true;
    report.durationMs = performance.now() - started;
    return report;
  }
  const problems = new Problems(name);
  await inTransaction(() => store.openWriter({ bulk: true }), filePath, opts.signal, async (db) => {
    // Re-check under the write lock: a concurrent import of the same file may have committed.
    if (findImport(db, sha, 'sessions')) {
      report.alreadyImported = true;
      return;
    }
    const importId = Number(
      db.prepare("INSERT INTO imports (sha256, kind, file_name, imported_at) VALUES (?, 'sessions', ?, ?)").run(sha, name, new Date().toISOString()).lastInsertRowid,
    );
    const writer = new SessionWriter(db, importId);
    const seen = new Map<string, number>(); // session_id → line, for duplicates inside the file
    const yielder = new Yielder();
    const src = await readLines(filePath, MAX_LINE_BYTES);
    let lines = 0;
    for await (const line of src.lines) {
      if (opts.signal?.aborted) throw cancelled(filePath);
      progress.report({ phase: 'importing', done: src.bytesRead(), total: size, unit: 'bytes' });
      await yielder.maybe();
      if (line.bytes === null) {
        problems.add(line.no, '(line)', `line ${line.no} is ${MB(line.length)}, limit is ${MB(MAX_LINE_BYTES)} per line (one session)`);
        continue;
      }
      if (line.bytes.length === 0 || isBlank(line.bytes)) continue;
      lines++;
      const { session, problems: lp } = parseSessionLine(line.bytes);
      for (const p of lp) problems.add(line.no, p.field, p.message);
      if (!session) continue;
      const dup = seen.get(session.session_id);
      if (dup !== undefined) {
        problems.add(line.no, 'session_id', `expected session ids unique in the file, got ${JSON.stringify(session.session_id)} again (first on line ${dup})`);
        continue;
      }
      seen.set(session.session_id, line.no);
      // After the first problem nothing more is written: the transaction will be rolled back.
      if (problems.count > 0) continue;
      const outcome = writer.write(session);
      if (outcome === 'inserted') report.sessions++;
      else if (outcome === 'skipped') report.skippedSessions++;
      else {
        problems.conflicts++;
        problems.add(line.no, 'session_id', `session ${JSON.stringify(session.session_id)} is already in the workspace with different content; remove it or give it a new id`);
      }
    }
    if (opts.signal?.aborted) throw cancelled(filePath);
    if (problems.count > 0) problems.throw('session log');
    if (lines === 0) {
      throw new ApiError('invalid_file', `session log ${name} contains no sessions (empty file); nothing was imported`, [
        { where: `${name}:1:(file)`, message: 'expected at least one session line, got an empty file' },
      ]);
    }
    report.turns = writer.turns;
    report.resultRows = writer.rows;
    report.newFeatureNames = writer.features.newNames;
    if (report.newFeatureNames.length)
      report.warnings.push(`${report.newFeatureNames.length} feature name(s) not seen before were recorded: ${report.newFeatureNames.slice(0, 20).join(', ')}${report.newFeatureNames.length > 20 ? ', …' : ''}`);
    if (report.skippedSessions) report.warnings.push(`${report.skippedSessions} session(s) were already in the workspace with identical content and were skipped`);
    db.prepare('UPDATE imports SET sessions = ?, turns = ?, result_rows = ? WHERE import_id = ?').run(report.sessions, report.turns, report.resultRows, importId);
    progress.report({ phase: 'committing', done: size, total: size, unit: 'bytes' }, true);
  });
  report.durationMs = performance.now() - started;
  progress.report({ phase: 'done', done: size, total: size, unit: 'bytes' }, true);
  return report;
}

function isBlank(b: Uint8Array): boolean {
  for (const c of b) if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  return true;
}
