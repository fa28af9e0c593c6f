// Streaming importer for session logs, JSONL v1 (docs/session-log-v1.md, docs/store.md).
// One pass: each line is validated and, while the file has no problems, written inside a single
// transaction on a dedicated connection. Any problem → keep validating (to report them all), then
// roll back. Cancel → roll back. So an import is wholly present or wholly absent.
import { isDeepStrictEqual } from 'node:util';
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { ApiError } from '../../src-common/errors.ts';
import type { ImportReport } from '../../src-common/api/types.ts';
import { classifySession } from '../../src-common/segmentation.ts';
import type { Store } from '../store/store.ts';
import { ItemResolver, prepareSessionInserts, readSession, type SessionInserts } from '../store/sessions.ts';
import { FeatureSets } from '../store/features.ts';
import { finishImport, insertImport } from '../store/imports.ts';
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
        .map((r) => ({
          itemId: r.item_id,
          title: r.title,
          position: r.position,
          click: r.click,
          dwellMs: r.dwell_ms,
          features: r.features,
        })),
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
  private readonly ins: SessionInserts;
  turns = 0;
  rows = 0;
  constructor(db: DatabaseSync, importId: number) {
    this.db = db;
    this.importId = importId;
    this.items = new ItemResolver(db);
    this.features = new FeatureSets(db);
    this.ins = prepareSessionInserts(db);
  }

  /** 'inserted', 'skipped' (identical session already stored) or 'conflict'. */
  write(s: SessionV1): 'inserted' | 'skipped' | 'conflict' {
    if (this.ins.exists(s.session_id)) {
      return isDeepStrictEqual(storedComparable(this.db, s.session_id), comparable(s)) ? 'skipped' : 'conflict';
    }
    // ts was validated as an ISO date-time, so Date.parse cannot fail here.
    const boundaries = classifySession(s.events.map((e) => ({ query: e.query, time: Date.parse(e.ts) }))).map(
      (d) => d.kind,
    );
    let switches = 0;
    let clicks = 0;
    for (const b of boundaries) if (b === 'switch') switches++;
    for (const e of s.events) for (const r of e.results) if (r.click) clicks++;
    const first = s.events[0]!;
    const sessionPk = this.ins.insertSession(
      {
        sessionId: s.session_id,
        userId: s.user_id,
        split: s.split,
        importId: this.importId,
        turns: s.events.length,
        switches,
        clicks,
        firstQuery: first.query,
        startedAt: first.ts,
      },
      s.events.map((e) => e.query),
    );
    for (let i = 0; i < s.events.length; i++) {
      const e = s.events[i]!;
      const turnPk = this.ins.insertTurn(sessionPk, i, e.ts, e.query, boundaries[i]!);
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
          args.push(
            turnPk,
            r.position,
            item.pk,
            r.click ? 1 : 0,
            r.dwell_ms,
            r.title === item.title ? null : r.title,
            setId,
            new Uint8Array(values.buffer),
          );
        }
        this.ins.insertResults(chunk.length, args);
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
export async function importSessionLog(
  store: Store,
  filePath: string,
  opts: ImportOptions = {},
): Promise<ImportReport> {
  const started = performance.now();
  const { size, name } = checkFile(filePath);
  const progress = new ProgressReporter(opts.onProgress);
  const report = emptyReport(filePath, 'sessions');
  const sha = await sha256File(
    filePath,
    (n) => progress.report({ phase: 'hashing', done: n, total: size, unit: 'bytes' }),
    opts.signal,
  );
  if (findImport(store.db, sha, 'sessions')) {
    report.alreadyImported = true;
    report.durationMs = performance.now() - started;
    return report;
  }
  const problems = new Problems(name);
  await inTransaction(
    () => store.openWriter({ bulk: true }),
    filePath,
    opts.signal,
    async (db) => {
      // Re-check under the write lock: a concurrent import of the same file may have committed.
      if (findImport(db, sha, 'sessions')) {
        report.alreadyImported = true;
        return;
      }
      const importId = insertImport(db, sha, 'sessions', name);
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
          problems.add(
            line.no,
            '(line)',
            `line ${line.no} is ${MB(line.length)}, limit is ${MB(MAX_LINE_BYTES)} per line (one session)`,
          );
          continue;
        }
        if (line.bytes.length === 0 || isBlank(line.bytes)) continue;
        lines++;
        const { session, problems: lp } = parseSessionLine(line.bytes);
        for (const p of lp) problems.add(line.no, p.field, p.message);
        if (!session) continue;
        const dup = seen.get(session.session_id);
        if (dup !== undefined) {
          problems.add(
            line.no,
            'session_id',
            `expected session ids unique in the file, got ${JSON.stringify(session.session_id)} again (first on line ${dup})`,
          );
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
          problems.add(
            line.no,
            'session_id',
            `session ${JSON.stringify(session.session_id)} is already in the workspace with different content; remove it or give it a new id`,
          );
        }
      }
      if (opts.signal?.aborted) throw cancelled(filePath);
      if (problems.count > 0) problems.throw('session log');
      if (lines === 0) {
        throw new ApiError(
          'invalid_file',
          `session log ${name} contains no sessions (empty file); nothing was imported`,
          [{ where: `${name}:1:(file)`, message: 'expected at least one session line, got an empty file' }],
        );
      }
      report.turns = writer.turns;
      report.resultRows = writer.rows;
      report.newFeatureNames = writer.features.newNames;
      if (report.newFeatureNames.length)
        report.warnings.push(
          `${report.newFeatureNames.length} feature name(s) not seen before were recorded: ${report.newFeatureNames.slice(0, 20).join(', ')}${report.newFeatureNames.length > 20 ? ', …' : ''}`,
        );
      if (report.skippedSessions)
        report.warnings.push(
          `${report.skippedSessions} session(s) were already in the workspace with identical content and were skipped`,
        );
      finishImport(db, importId, report);
      progress.report({ phase: 'committing', done: size, total: size, unit: 'bytes' }, true);
    },
  );
  report.durationMs = performance.now() - started;
  progress.report({ phase: 'done', done: size, total: size, unit: 'bytes' }, true);
  return report;
}

function isBlank(b: Uint8Array): boolean {
  for (const c of b) if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  return true;
}
