// TREC run (`qid Q0 docno rank score tag`) and qrels (`qid 0 docno grade`) import and export.
// qid is a turn id `<session_id>#<event index>`; the turn must already be in the workspace
// (import its session log first). docno is an item id; unknown items are created without a title.
import { ApiError } from '../../src-common/errors.ts';
import type { ImportReport } from '../../src-common/api/types.ts';
import type { Store } from '../store/store.ts';
import { ItemResolver, TurnResolver } from '../store/sessions.ts';
import { finishImport, insertImport } from '../store/imports.ts';
import { prepareRunInserts, runEntries } from '../store/runs.ts';
import { createQrelsSet, qrelsEntries, qrelsSetExists } from '../store/qrels.ts';
import { readLines } from './lines.ts';
import { writeLinesAtomically as writeLines } from './atomic-write.ts';
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

/** TREC lines are short; anything longer is not a TREC file. */
const MAX_TREC_LINE_BYTES = 64 * 1024;
export const INTEGER = /^[+-]?\d+$/;
// Decimal or exponent notation as trec_eval's atof accepts it, but no NaN/Infinity/hex.
export const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function qidProblem(qid: string): string {
  return qid.lastIndexOf('#') > 0
    ? `expected the id of a turn in this workspace, got ${JSON.stringify(qid)} (import its session log first)`
    : `expected a turn id "<session_id>#<event index>", got ${JSON.stringify(qid)}`;
}

export interface TrecFormat {
  what: string;
  kind: ImportReport['kind'];
  columns: string[];
}

/** Streams a whitespace-separated file, calling onRow for each well-formed non-blank line. */
export async function eachRow(
  path: string,
  fmt: TrecFormat,
  problems: Problems,
  opts: ImportOptions,
  size: number,
  onRow: (lineNo: number, cols: string[]) => void,
): Promise<number> {
  const src = await readLines(path, MAX_TREC_LINE_BYTES);
  const progress = new ProgressReporter(opts.onProgress);
  const yielder = new Yielder();
  let rows = 0;
  for await (const line of src.lines) {
    if (opts.signal?.aborted) throw cancelled(path);
    progress.report({ phase: 'importing', done: src.bytesRead(), total: size, unit: 'bytes' });
    await yielder.maybe();
    if (line.bytes === null) {
      problems.add(
        line.no,
        '(line)',
        `line ${line.no} is ${line.length} bytes, limit is ${MAX_TREC_LINE_BYTES} for a ${fmt.what} line`,
      );
      continue;
    }
    let text: string;
    try {
      text = UTF8.decode(line.bytes);
    } catch {
      problems.add(line.no, '(line)', 'expected UTF-8 text, got invalid UTF-8');
      continue;
    }
    const t = text.trim();
    if (t === '') continue;
    const cols = t.split(/\s+/);
    if (cols.length !== fmt.columns.length) {
      problems.add(
        line.no,
        '(line)',
        `expected ${fmt.columns.length} whitespace-separated columns (${fmt.columns.join(' ')}), got ${cols.length}`,
      );
      continue;
    }
    rows++;
    onRow(line.no, cols);
  }
  return rows;
}

export const RUN: TrecFormat = {
  what: 'TREC run',
  kind: 'trec-run',
  columns: ['qid', 'Q0', 'docno', 'rank', 'score', 'tag'],
};
export const QRELS: TrecFormat = { what: 'qrels', kind: 'qrels', columns: ['qid', 'iter', 'docno', 'grade'] };

/** Imports a TREC run file (one or more run tags). A tag already in the workspace is a conflict. */
export async function importTrecRun(store: Store, path: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const { size, name } = checkFile(path);
  const report = emptyReport(path, 'trec-run');
  const sha = await sha256File(path, undefined, opts.signal);
  if (findImport(store.db, sha, 'trec-run'))
    return { ...report, alreadyImported: true, durationMs: performance.now() - started };
  const problems = new Problems(name);
  await inTransaction(
    () => store.openWriter(),
    path,
    opts.signal,
    async (db) => {
      if (findImport(db, sha, 'trec-run')) {
        report.alreadyImported = true;
        return;
      }
      const importId = insertImport(db, sha, 'trec-run', name);
      const turns = new TurnResolver(db);
      const items = new ItemResolver(db);
      const runs = new Map<string, number>();
      const ins = prepareRunInserts(db);
      const seen = new Map<string, number>();
      const qids = new Set<string>();
      const rows = await eachRow(path, RUN, problems, opts, size, (no, [qid, , docno, rank, score, tag]) => {
        const turnPk = turns.resolve(qid!);
        if (turnPk === null) problems.add(no, 'qid', qidProblem(qid!));
        if (!INTEGER.test(rank!)) problems.add(no, 'rank', `expected an integer, got ${JSON.stringify(rank)}`);
        if (!NUMBER.test(score!)) problems.add(no, 'score', `expected a number, got ${JSON.stringify(score)}`);
        let runPk = runs.get(tag!);
        if (runPk === undefined) {
          const prior = ins.existing(tag!);
          if (prior) {
            problems.conflicts++;
            problems.add(
              no,
              'tag',
              `run tag ${JSON.stringify(tag)} is already in the workspace (imported from ${prior.file_name}); rename the tag`,
            );
            runPk = -1;
          } else runPk = ins.insertRun(tag!, importId);
          runs.set(tag!, runPk);
        }
        const key = `${tag}\u0000${qid}\u0000${docno}`;
        const dup = seen.get(key);
        if (dup !== undefined)
          problems.add(
            no,
            'docno',
            `expected each docno once per qid and tag, got ${JSON.stringify(docno)} again (first on line ${dup})`,
          );
        else seen.set(key, no);
        if (problems.count > 0 || turnPk === null) return;
        qids.add(qid!);
        ins.insertEntry(runPk, turnPk, items.resolve(docno!, null).pk, Number(rank), Number(score));
      });
      if (opts.signal?.aborted) throw cancelled(path);
      if (problems.count > 0) problems.throw('TREC run');
      if (rows === 0)
        throw new ApiError('invalid_file', `TREC run ${name} has no lines; nothing was imported`, [
          { where: `${name}:1:(file)`, message: 'expected at least one run line, got an empty file' },
        ]);
      report.turns = qids.size;
      report.resultRows = rows;
      report.warnings.push(`run tag(s): ${[...runs.keys()].join(', ')}`);
      finishImport(db, importId, report);
    },
  );
  report.durationMs = performance.now() - started;
  return report;
}

/** Imports a qrels file into the named judgment set. An existing set name is a conflict. */
export async function importQrels(
  store: Store,
  path: string,
  opts: ImportOptions & { setName: string },
): Promise<ImportReport> {
  const started = performance.now();
  const setName = opts.setName?.trim();
  if (!setName)
    throw new ApiError('invalid_input', 'qrels import needs a non-empty set name', [
      { where: 'setName', message: `got ${JSON.stringify(opts.setName)}` },
    ]);
  const { size, name } = checkFile(path);
  const report = emptyReport(path, 'qrels');
  const sha = await sha256File(path, undefined, opts.signal);
  if (findImport(store.db, sha, 'qrels', setName))
    return { ...report, alreadyImported: true, durationMs: performance.now() - started };
  const problems = new Problems(name);
  await inTransaction(
    () => store.openWriter(),
    path,
    opts.signal,
    async (db) => {
      if (findImport(db, sha, 'qrels', setName)) {
        report.alreadyImported = true;
        return;
      }
      if (qrelsSetExists(db, setName))
        throw new ApiError('conflict', `judgment set "${setName}" already exists; choose another set name`, [
          { where: 'setName', message: `"${setName}" exists` },
        ]);
      const importId = insertImport(db, sha, 'qrels', name, setName);
      const set = createQrelsSet(db, setName, importId);
      const turns = new TurnResolver(db);
      const items = new ItemResolver(db);
      const seen = new Map<string, number>();
      const qids = new Set<string>();
      const rows = await eachRow(path, QRELS, problems, opts, size, (no, [qid, , docno, grade]) => {
        const turnPk = turns.resolve(qid!);
        if (turnPk === null) problems.add(no, 'qid', qidProblem(qid!));
        if (!INTEGER.test(grade!)) problems.add(no, 'grade', `expected an integer grade, got ${JSON.stringify(grade)}`);
        const key = `${qid}\u0000${docno}`;
        const dup = seen.get(key);
        if (dup !== undefined)
          problems.add(
            no,
            'docno',
            `expected each docno once per qid, got ${JSON.stringify(docno)} again (first on line ${dup})`,
          );
        else seen.set(key, no);
        if (problems.count > 0 || turnPk === null) return;
        qids.add(qid!);
        set.insert(turnPk, items.resolve(docno!, null).pk, Number(grade));
      });
      if (opts.signal?.aborted) throw cancelled(path);
      if (problems.count > 0) problems.throw('qrels');
      if (rows === 0)
        throw new ApiError('invalid_file', `qrels ${name} has no lines; nothing was imported`, [
          { where: `${name}:1:(file)`, message: 'expected at least one qrels line, got an empty file' },
        ]);
      report.turns = qids.size;
      report.resultRows = rows;
      finishImport(db, importId, report);
    },
  );
  report.durationMs = performance.now() - started;
  return report;
}

/** Exports one run in TREC format, ordered by turn then rank. Returns the number of lines. */
export async function exportTrecRun(store: Store, tag: string, path: string): Promise<number> {
  // String(score) is the shortest text that parses back to the same double: exact round trip.
  return writeLines(
    path,
    map(runEntries(store.db, tag), (r) => `${r.qid} Q0 ${r.docno} ${r.rank} ${String(r.score)} ${tag}`),
  );
}

/** Exports one judgment set in qrels format, ordered by turn then docno. */
export async function exportQrels(store: Store, setName: string, path: string): Promise<number> {
  return writeLines(
    path,
    map(qrelsEntries(store.db, setName), (r) => `${r.qid} 0 ${r.docno} ${r.grade}`),
  );
}

function* map<T, U>(it: Iterable<T>, f: (t: T) => U): Iterable<U> {
  for (const x of it) yield f(x);
}
