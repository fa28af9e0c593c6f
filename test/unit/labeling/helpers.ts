// A tiny real workspace for labeling tests: three sessions, two registered models (the tiny ONNX
// fixtures) with hand-written stored scores, and a helper that calls the dispatcher like a transport.
import { randomUUID } from 'node:crypto';
import type { Backend } from '../../../src-backend/backend.ts';
import type { MethodName, MethodInput, MethodResult, ModelAddResult } from '../../../src-common/api/contract.ts';
import { ApiError } from '../../../src-common/errors.ts';
import { backendIn, tempDir, TINY_FLAT, TINY_LINEAR, writeLog, type LogResult } from '../inference/helpers.ts';
import { putStoredScores } from '../helpers/stored-scores.ts';

export { tempDir, backendIn };

const res = (ids: string[]): LogResult[] =>
  ids.map((id, i) => ({ item_id: id, title: `title ${id}`, position: i + 1, features: { bm25: 1 }, click: i === 1 }));

export type Call = <M extends MethodName>(m: M, input: MethodInput<M>) => Promise<MethodResult<M>>;

export function caller(b: Backend): Call {
  return (m, input) => b.dispatcher.call(m, input) as never;
}

/** The ApiError a call rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail, it succeeded');
}

export const uuid = () => randomUUID();

export interface Tiny {
  b: Backend;
  call: Call;
  dir: string;
  A: string;
  B: string;
}

export async function tinyWorkspace(dir = tempDir()): Promise<Tiny> {
  const b = backendIn(dir);
  const log = writeLog(dir, [
    {
      session_id: 's1',
      user_id: 'u1',
      split: 'train',
      events: [
        { ts: '2026-03-01T09:00:00Z', query: 'red shoes', results: res(['a', 'b', 'c']) }, // start
        { ts: '2026-03-01T09:01:00Z', query: 'red running shoes', results: res(['a', 'b', 'c']) }, // continuation
        { ts: '2026-03-01T09:02:00Z', query: 'chocolate cake', results: res(['d', 'e']) }, // switch
      ],
    },
    {
      session_id: 's2',
      user_id: 'u2',
      split: 'test',
      events: [{ ts: '2026-03-02T09:00:00Z', query: 'garden tools', results: res(['f', 'g']) }],
    },
    {
      session_id: 's3',
      user_id: 'u1',
      split: 'valid',
      events: [{ ts: '2026-03-03T09:00:00Z', query: 'blue hat', results: res(['h']) }],
    },
  ]);
  await b.dispatcher.call('import.sessions', { path: log });
  const A = ((await b.dispatcher.call('models.add', { path: TINY_LINEAR, name: 'A' })) as ModelAddResult).sha256;
  const B = ((await b.dispatcher.call('models.add', { path: TINY_FLAT, name: 'B' })) as ModelAddResult).sha256;
  const db = b.store.db;
  const put = (model: string, turnId: string, scores: Record<string, number>) =>
    putStoredScores(db, model, turnId, scores);
  put(A, 's1#0', { a: 0.9, b: 0.5, c: 0.1 });
  put(B, 's1#0', { a: 0.1, b: 0.7, c: 0.8 });
  put(A, 's1#1', { a: 0.9, b: 0.2, c: 0.1 });
  put(B, 's1#1', { a: 0.4, b: 0.9, c: 0.5 });
  put(A, 's1#2', { d: 0.6, e: 0.4 });
  put(B, 's1#2', { d: 0.3, e: 0.5 });
  put(A, 's2#0', { f: 0.3, g: 0.2 });
  put(B, 's2#0', { f: 0.2, g: 0.3 });
  return { b, call: caller(b), dir, A, B };
}
