// `evaluate.run` through the backend's dispatcher (the CLI's transport): real files on disk, the
// hand-worked topic of trec-eval.test.ts, and every bad file the issue names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBackend, type Backend } from '../../../src-backend/backend.ts';
import { ApiError } from '../../../src-common/errors.ts';
import type { MethodInput } from '../../../src-common/api/contract.ts';
import type { RunEvaluation } from '../../../src-common/api/types.ts';

let dir: string;
let backend: Backend;
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qgs-eval-'));
  backend = openBackend({ workspacePath: join(dir, 'ws.db'), host: 'cli', pathRoots: [dir] });
});
afterAll(async () => {
  await backend.close();
  rmSync(dir, { recursive: true, force: true });
});

const QRELS =
  ['t1 0 d1 3', 't1 0 d2 0', 't1 0 d3 1', 't1 0 d4 2', 't1 0 d5 -2', 't1 0 d6 1', 't2 0 a 0', 't9 0 z 1'].join('\n') +
  '\n';
// The rank column is deliberately wrong: trec_eval orders by score, then docno descending.
const RUN =
  [
    't1 Q0 d2 1 0.9 sys',
    't1 Q0 d1 1 0.8 sys',
    't1 Q0 dX 1 0.8 sys',
    't1 Q0 d3 1 0.5 sys',
    't1 Q0 d5 1 0.4 sys',
    't1 Q0 d4 1 0.1 sys',
    't2 Q0 a 1 1 sys',
    't7 Q0 q 1 1 sys',
  ].join('\n') + '\n';

const evaluate = (input: MethodInput<'evaluate.run'>): Promise<RunEvaluation> =>
  backend.dispatcher.call('evaluate.run', input) as Promise<RunEvaluation>;

async function refused(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected a refusal');
}

describe('evaluate.run', () => {
  it('measures the topics present in both files and averages them like trec_eval', async () => {
    const r = await evaluate({
      run: file('run.txt', RUN),
      qrels: file('qrels.txt', QRELS),
      measures: ['map', 'P.5', 'recip_rank'],
      perTopic: true,
    });
    expect(r.runTag).toBe('sys');
    expect(r.measures).toEqual(['map', 'P_5', 'recip_rank']);
    expect(r.topics.map((t) => t.topic)).toEqual(['t1', 't2']);
    expect(r.topics[0]!.values.map).toBeCloseTo((1 / 3 + 2 / 4 + 3 / 6) / 4, 12);
    // t2 has no relevant document: 0, and it still counts in the mean.
    expect(r.topics[1]!.values.map).toBe(0);
    expect(r.all.num_q).toBe(2);
    expect(r.all.map).toBeCloseTo((1 / 3 + 2 / 4 + 3 / 6) / 4 / 2, 12);
    expect(r.topicsRunOnly).toBe(1); // t7
    expect(r.topicsQrelsOnly).toBe(1); // t9
    expect(r.lines).toEqual({ run: 8, qrels: 8 });
  });

  it('takes the relevance level (-l)', async () => {
    const r = await evaluate({
      run: file('run.txt', RUN),
      qrels: file('qrels.txt', QRELS),
      measures: ['P.5'],
      relevanceLevel: 2,
      perTopic: true,
    });
    expect(r.topics[0]!.values.P_5).toBeCloseTo(1 / 5, 12);
  });

  it('refuses a qrels file with a non-integer grade, naming file, line and field', async () => {
    const e = await refused(evaluate({ run: file('run.txt', RUN), qrels: file('bad.qrels', 't1 0 d1 2.5\n') }));
    expect(e.code).toBe('invalid_file');
    expect(e.problems[0]!.where).toBe('bad.qrels:1:grade');
    expect(e.message).toMatch(/integer grade/);
  });

  it('refuses duplicate (qid, docno) pairs in qrels', async () => {
    const e = await refused(
      evaluate({ run: file('run.txt', RUN), qrels: file('dup.qrels', 't1 0 d1 1\nt1 0 d2 0\nt1 0 d1 2\n') }),
    );
    expect(e.problems[0]!.where).toBe('dup.qrels:3:docno');
    expect(e.problems[0]!.message).toMatch(/first on line 1/);
  });

  it('refuses a run with a docno twice in one topic', async () => {
    const e = await refused(
      evaluate({ run: file('dup.run', 't1 Q0 d1 1 2 s\nt1 Q0 d1 2 1 s\n'), qrels: file('qrels.txt', QRELS) }),
    );
    expect(e.problems[0]!.where).toBe('dup.run:2:docno');
  });

  it('refuses a run file holding two runs, empty files and unknown measures', async () => {
    expect(
      (
        await refused(
          evaluate({ run: file('two.run', 't1 Q0 d1 1 2 a\nt1 Q0 d2 2 1 b\n'), qrels: file('qrels.txt', QRELS) }),
        )
      ).problems[0]!.where,
    ).toBe('two.run:2:tag');
    expect(
      (await refused(evaluate({ run: file('empty.run', '\n'), qrels: file('qrels.txt', QRELS) }))).message,
    ).toMatch(/no lines/);
    const e = await refused(
      evaluate({ run: file('run.txt', RUN), qrels: file('qrels.txt', QRELS), measures: ['ndcg@10'] }),
    );
    expect(e.code).toBe('invalid_input');
    expect(e.message).toMatch(/unknown; known measures/);
  });

  it('cannot read outside the allowed folders', async () => {
    const e = await refused(evaluate({ run: '/etc/passwd', qrels: file('qrels.txt', QRELS) }));
    expect(e.code).not.toBe('invalid_file');
  });
});
