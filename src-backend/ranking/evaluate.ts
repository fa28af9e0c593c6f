// `evaluate`: a TREC run against a qrels file, read straight from disk (no workspace needed), with
// the measures of src-common/metrics.ts — trec_eval's definitions, order and output (docs/evaluation.md).
import { basename } from 'node:path';
import { ApiError, type Problem } from '../../src-common/errors.ts';
import type { RunEvaluation } from '../../src-common/api/types.ts';
import {
  evaluateTopic,
  measureNames,
  parseMeasure,
  summarizeTopics,
  trecRunOrder,
  compareCodePoints,
  type MeasureRequest,
} from '../../src-common/metrics.ts';
import { Problems, checkFile, type ImportOptions } from '../data/import-common.ts';
import { INTEGER, NUMBER, QRELS, RUN, eachRow } from '../data/trec.ts';

/** Measures printed when none are asked for (trec_eval prints its own standard set; this is ours). */
export const DEFAULT_MEASURES = [
  'num_ret',
  'num_rel',
  'num_rel_ret',
  'map',
  'Rprec',
  'recip_rank',
  'P.5,10,20',
  'ndcg',
  'ndcg_cut.10',
  'err.20',
  'judged.10',
];

export interface EvaluateOptions extends ImportOptions {
  measures?: string[];
  relevanceLevel?: number;
  perTopic?: boolean;
}

function refuse(what: string, file: string, problems: Problems): never {
  const first = problems.list[0]!;
  const more = problems.count > 1 ? ` (and ${problems.count - 1} more)` : '';
  throw new ApiError(
    'invalid_file',
    `${what} ${file} cannot be evaluated: ${first.where} — ${first.message}${more}`,
    problems.list,
  );
}

export async function evaluateRunFile(
  runPath: string,
  qrelsPath: string,
  opts: EvaluateOptions = {},
): Promise<RunEvaluation> {
  const started = performance.now();
  let requests: MeasureRequest[];
  try {
    requests = (opts.measures?.length ? opts.measures : DEFAULT_MEASURES).map(parseMeasure);
  } catch (err) {
    throw new ApiError('invalid_input', (err as Error).message, [
      { where: 'measures', message: (err as Error).message },
    ]);
  }
  const runFile = checkFile(runPath);
  const qrelsFile = checkFile(qrelsPath);
  const total = runFile.size + qrelsFile.size;
  const phase = (name: string, offset: number): ImportOptions => ({
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: (p) => opts.onProgress?.({ ...p, phase: name, done: offset + p.done, total }),
  });

  // qrels: qid → docno → grade; duplicate (qid, docno) pairs and non-integer grades are refused.
  const judged = new Map<string, Map<string, number>>();
  const qrelsProblems = new Problems(qrelsFile.name);
  const firstLine = new Map<string, number>();
  const qrelsLines = await eachRow(
    qrelsPath,
    QRELS,
    qrelsProblems,
    phase('reading qrels', 0),
    qrelsFile.size,
    (no, [qid, , docno, grade]) => {
      if (!INTEGER.test(grade!))
        return qrelsProblems.add(no, 'grade', `expected an integer grade, got ${JSON.stringify(grade)}`);
      let topic = judged.get(qid!);
      if (!topic) judged.set(qid!, (topic = new Map()));
      if (topic.has(docno!)) {
        return qrelsProblems.add(
          no,
          'docno',
          `expected each docno once per qid, got ${JSON.stringify(docno)} again for qid ${JSON.stringify(qid)} (first on line ${firstLine.get(`${qid}\u0000${docno}`)})`,
        );
      }
      firstLine.set(`${qid}\u0000${docno}`, no);
      topic.set(docno!, Number(grade));
    },
  );
  if (qrelsProblems.count > 0) refuse('qrels', qrelsFile.name, qrelsProblems);
  if (qrelsLines === 0) throw emptyFile('qrels', qrelsFile.name);
  firstLine.clear();

  // run: one tag; qid → [{docno, score, line}]; a docno twice in a topic is refused, as trec_eval does
  // (checked per topic after reading: one short-lived Set per topic instead of a million-entry map).
  const ranked = new Map<string, { docno: string; score: number; line: number }[]>();
  const runProblems = new Problems(runFile.name);
  let tag: string | undefined;
  const runLines = await eachRow(
    runPath,
    RUN,
    runProblems,
    phase('reading run', qrelsFile.size),
    runFile.size,
    (no, [qid, , docno, rank, score, t]) => {
      if (!INTEGER.test(rank!)) runProblems.add(no, 'rank', `expected an integer, got ${JSON.stringify(rank)}`);
      if (!NUMBER.test(score!)) return runProblems.add(no, 'score', `expected a number, got ${JSON.stringify(score)}`);
      if (tag === undefined) tag = t;
      else if (t !== tag)
        return runProblems.add(
          no,
          'tag',
          `expected one run per file (tag ${JSON.stringify(tag)}), got tag ${JSON.stringify(t)}; evaluate each run separately`,
        );
      let docs = ranked.get(qid!);
      if (!docs) ranked.set(qid!, (docs = []));
      docs.push({ docno: docno!, score: Number(score), line: no });
    },
  );
  for (const [qid, docs] of ranked) {
    const first = new Map<string, number>();
    for (const d of docs) {
      const dup = first.get(d.docno);
      if (dup !== undefined)
        runProblems.add(
          d.line,
          'docno',
          `expected each docno once per qid, got ${JSON.stringify(d.docno)} again for qid ${JSON.stringify(qid)} (first on line ${dup})`,
        );
      else first.set(d.docno, d.line);
    }
  }
  if (runProblems.count > 0) refuse('TREC run', runFile.name, runProblems);
  if (runLines === 0) throw emptyFile('TREC run', runFile.name);

  // trec_eval evaluates the topics in both files, in qid order; the rest are counted, not scored.
  const topics = [...ranked.keys()].filter((q) => judged.has(q)).sort(compareCodePoints);
  const perTopic: RunEvaluation['topics'] = [];
  const values: Map<string, number>[] = [];
  const evalOpts = { relevanceLevel: opts.relevanceLevel ?? 1, ideal: 'topic' as const };
  for (const qid of topics) {
    if (opts.signal?.aborted) throw new ApiError('cancelled', `evaluation of ${runFile.name} was cancelled`);
    const v = evaluateTopic(trecRunOrder(ranked.get(qid)!), judged.get(qid)!, requests, evalOpts);
    values.push(v);
    if (opts.perTopic) perTopic.push({ topic: qid, values: Object.fromEntries(v) });
  }
  const names = requests.flatMap(measureNames);
  return {
    runTag: tag!,
    relevanceLevel: evalOpts.relevanceLevel,
    measures: names,
    topics: perTopic,
    all: Object.fromEntries(summarizeTopics(values)),
    topicsRunOnly: ranked.size - topics.length,
    topicsQrelsOnly: [...judged.keys()].filter((q) => !ranked.has(q)).length,
    lines: { run: runLines, qrels: qrelsLines },
    durationMs: performance.now() - started,
  };
}

function emptyFile(what: string, name: string): ApiError {
  const p: Problem = { where: `${name}:1:(file)`, message: `expected at least one ${what} line, got an empty file` };
  return new ApiError('invalid_file', `${what} ${basename(name)} has no lines; nothing to evaluate`, [p]);
}
