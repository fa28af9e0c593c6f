// Label-event files (docs/team.md "File exchange"): export this labels file's events as versioned
// JSONL, import another annotator's file. Import is atomic (one transaction: every event or none),
// idempotent by event id, refuses a newer format version, names file:line:field for each bad line,
// and reports events for turns or items this workspace lacks instead of dropping them.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { ApiError, type Problem } from '../../src-common/errors.ts';
import type { Progress } from '../../src-common/api/types.ts';
import type { LabelsExportReport, LabelsImportReport } from '../../src-common/api/labeling-types.ts';
import { issueProblems } from '../../src-common/api/issues.ts';
import type { LabelsDb } from '../store/labels/db.ts';
import * as L from '../store/labels/labels.ts';
import * as T from '../store/labels/team.ts';
import type { Store } from '../store/store.ts';
import { writeLinesAtomically } from '../data/atomic-write.ts';
import {
  EXCHANGE_FORMAT,
  EXCHANGE_VERSION,
  wireEvent,
  wireHeader,
  type WireEvent,
  type WireHeader,
  type WireTask,
} from './format.ts';
import { inTransactionForgetting, Merger, toWire } from './merge.ts';

const PAGE = 2000;
/** Problems listed at most in one error (the count says how many there were). */
const MAX_PROBLEMS = 100;

interface JobOpts {
  signal?: AbortSignal | undefined;
  onProgress?: ((p: Progress) => void) | undefined;
}

export function wireTaskOf(d: T.TaskDefinition): WireTask {
  return {
    taskUid: d.taskUid,
    name: d.name,
    scale: d.scale,
    spec: d.spec as WireTask['spec'],
    instructions: d.instructions,
    hideScores: d.hideScores,
    createdAt: d.createdAt,
    turns: d.turns,
  };
}

/** The header for some events: the annotators, scales and tasks they refer to. */
export function headerFor(l: LabelsDb, annotatorId: string | undefined, app: string): WireHeader {
  const refs = T.eventReferences(l, annotatorId);
  const tasks = T.taskDefinitions(l, { taskIds: refs.taskIds });
  const scaleNames = new Set([...refs.scales, ...tasks.map((t) => t.scale)]);
  const annotatorIds = new Set(refs.annotatorIds);
  if (annotatorId !== undefined) annotatorIds.add(annotatorId);
  return {
    format: EXCHANGE_FORMAT,
    version: EXCHANGE_VERSION,
    exportedAt: new Date().toISOString(),
    app,
    annotators: [...annotatorIds].map((id) => L.findAnnotator(l, id)!).filter(Boolean),
    scales: [...scaleNames]
      .sort()
      .map((n) => L.findScale(l, n))
      .filter((s): s is NonNullable<typeof s> => s !== null)
      .map((s) => ({ name: s.name, description: s.description, levels: s.levels })),
    tasks: tasks.map(wireTaskOf),
  };
}

export async function exportEvents(
  l: LabelsDb,
  path: string,
  who: { annotatorId: string } | 'all',
  app: string,
  opts: JobOpts = {},
): Promise<LabelsExportReport> {
  const annotatorId = who === 'all' ? undefined : who.annotatorId;
  const header = headerFor(l, annotatorId, app);
  const uids = T.taskUidMap(l);
  const total = T.eventCountFor(l, annotatorId);
  let done = 0;
  async function* lines(): AsyncGenerator<string> {
    yield JSON.stringify(header);
    for (let after = 0; ;) {
      if (opts.signal?.aborted) throw new ApiError('cancelled', 'export cancelled; no file was written');
      const page = T.eventsPage(l, after, PAGE, annotatorId);
      if (!page.length) return;
      for (const e of page) yield JSON.stringify(toWire(e, (id) => uids.get(id)));
      after = page.at(-1)!.seq;
      done += page.length;
      opts.onProgress?.({ phase: 'export', done, total, unit: 'events' });
      await new Promise((r) => setImmediate(r));
    }
  }
  await writeLinesAtomically(path, lines());
  return {
    path,
    version: EXCHANGE_VERSION,
    events: done,
    annotators: header.annotators.length,
    tasks: header.tasks.length,
    scales: header.scales.length,
  };
}

function fileError(name: string, problems: Problem[], total = problems.length): ApiError {
  const first = problems[0]!;
  return new ApiError(
    'invalid_file',
    `${first.where}: ${first.message}${total > 1 ? ` (and ${total - 1} more problems)` : ''}; nothing was imported`,
    problems.slice(0, MAX_PROBLEMS),
  );
}

/** Reads and checks a whole file before anything is written; then applies it in one transaction. */
export async function importEvents(
  l: LabelsDb,
  store: Store | null,
  path: string,
  opts: JobOpts = {},
): Promise<LabelsImportReport> {
  const name = basename(path);
  let header: WireHeader | null = null;
  const events: { line: number; e: WireEvent }[] = [];
  const problems: Problem[] = [];
  let problemCount = 0;
  const problem = (p: Problem) => {
    problemCount++;
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  let lineNo = 0;
  let input: ReturnType<typeof createReadStream>;
  try {
    input = createReadStream(path, { encoding: 'utf8' });
    await new Promise<void>((res, rej) => (input.once('open', () => res()), input.once('error', rej)));
  } catch (err) {
    throw new ApiError('not_found', `cannot read ${path}: ${(err as Error).message}`, [
      { where: 'path', message: (err as Error).message },
    ]);
  }
  for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
    lineNo++;
    if (opts.signal?.aborted) {
      input.destroy();
      throw new ApiError('cancelled', 'import cancelled; nothing was imported');
    }
    if (lineNo % 10_000 === 0) opts.onProgress?.({ phase: 'read', done: lineNo, total: null, unit: 'lines' });
    const line = raw.trim();
    if (line === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      problem({ where: `${name}:${lineNo}`, message: `not JSON: ${(err as Error).message}` });
      if (lineNo === 1) break;
      continue;
    }
    if (lineNo === 1) {
      const h = json as { format?: unknown; version?: unknown };
      if (typeof h !== 'object' || h === null || h.format !== EXCHANGE_FORMAT) {
        problem({
          where: `${name}:1:format`,
          message: `not a label-event file: the first line must be a header with "format": "${EXCHANGE_FORMAT}"`,
        });
        break;
      }
      if (typeof h.version === 'number' && h.version > EXCHANGE_VERSION) {
        input.destroy();
        throw new ApiError(
          'unsupported',
          `${name} is label-event format version ${h.version}, written by a newer QGS Workbench; this version reads up to version ${EXCHANGE_VERSION}. Update the workbench to import it; nothing was imported.`,
          [{ where: `${name}:1:version`, message: `version ${h.version} > supported ${EXCHANGE_VERSION}` }],
        );
      }
      const parsed = wireHeader.safeParse(json);
      if (!parsed.success) {
        for (const p of issueProblems(parsed.error.issues, json))
          problem({ where: `${name}:1:${p.where}`, message: p.message });
        break;
      }
      header = parsed.data;
      continue;
    }
    const parsed = wireEvent.safeParse(json);
    if (!parsed.success) {
      for (const p of issueProblems(parsed.error.issues, json))
        problem({ where: `${name}:${lineNo}:${p.where}`, message: p.message });
      continue;
    }
    events.push({ line: lineNo, e: parsed.data });
  }
  if (!header && !problems.length)
    problem({ where: `${name}:1`, message: 'the file is empty: expected a header line' });
  if (problems.length) throw fileError(name, problems, problemCount);

  opts.onProgress?.({ phase: 'apply', done: 0, total: events.length, unit: 'events' });
  const h = header!;
  const counts = inTransactionForgetting(l, () => {
    const m = new Merger(l, store);
    for (const a of h.annotators) m.annotator(a, false);
    h.scales.forEach((s, i) => {
      const p = m.scale(s);
      if (p) problem({ where: `${name}:1:scales[${i}]`, message: p });
    });
    h.tasks.forEach((t, i) => {
      const r = m.task(t);
      if ('problem' in r) problem({ where: `${name}:1:tasks[${i}]`, message: r.problem });
    });
    if (!problems.length)
      for (const { line, e } of events)
        for (const p of m.event(e)) problem({ where: `${name}:${line}:${p.where}`, message: p.message });
    // Any problem: throw inside the transaction, so it rolls back whole.
    if (problems.length) throw fileError(name, problems, problemCount);
    return m.counts;
  });
  opts.onProgress?.({ phase: 'apply', done: events.length, total: events.length, unit: 'events' });
  return { path, version: h.version, events: events.length, ...counts };
}
