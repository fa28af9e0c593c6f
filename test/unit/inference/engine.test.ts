// The engine on its own: queueing, batching of concurrent requests, cancellation of requests the
// user no longer needs, and a request loop that keeps answering while the worker computes.
import { afterEach, describe, expect, it } from 'vitest';
import { assembleTurn, type HistoryTurn, type ModelInputSpec } from '../../../src-backend/inference/assemble.ts';
import { InferenceEngine } from '../../../src-backend/inference/engine.ts';
import { TINY_LINEAR } from './helpers.ts';

const SPEC: ModelInputSpec = {
  tokenizer: { tokenBuckets: 512, itemBuckets: 256, queryTokens: 8, titleTokens: 8 },
  groups: [
    { name: 'text_match', features: ['bm25', 'title_coverage', 'exact_match', 'semantic_sim'] },
    { name: 'statistical', features: ['item_ctr', 'log_popularity', 'freshness', 'title_len'] },
    {
      name: 'behavioural',
      features: ['user_item_clicks', 'user_topic_affinity', 'session_topic_sim', 'recent_click_sim'],
    },
  ],
};
const DIMS = { Tq: 8, Ti: 8, F: 12 };

function turn(historyLen: number, candidates: number, seed = 0) {
  const earlier: HistoryTurn[] = Array.from({ length: historyLen }, (_, i) => ({
    index: i,
    query: `query ${(i + seed) % 13}`,
    clicks: [{ itemId: `it${i}`, title: `title ${i % 7}`, position: 1, dwellMs: i * 1000 }],
  }));
  const cands = Array.from({ length: candidates }, (_, c) => ({
    itemId: `c${c}`,
    title: `cand ${c}`,
    position: c + 1,
    features: { bm25: c + seed, item_ctr: 0.1 },
  }));
  return assembleTurn(earlier, `target ${seed}`, cands, SPEC, { maxHistory: 256 }).tensors;
}

const engines: InferenceEngine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});
function engine(): InferenceEngine {
  const e = new InferenceEngine({ provider: 'cpu', threads: 1 });
  engines.push(e);
  return e;
}

describe('InferenceEngine', () => {
  it('merges requests queued while a batch runs into one batch, with the same results as alone', async () => {
    const e = engine();
    await e.load('m', TINY_LINEAR);
    const turns = Array.from({ length: 12 }, (_, i) => turn(20 + i, 10 + i, i));
    const alone = await Promise.all(turns.map((t) => e.score('m', [t], DIMS).then((o) => o.outputs[0]!)));
    const before = e.batchesRun;
    const together = await Promise.all(turns.map((t) => e.score('m', [t], DIMS)));
    // the first runs alone, the other 11 were queued meanwhile and ride in one batch
    expect(e.batchesRun - before).toBeLessThan(12);
    expect(Math.max(...together.map((o) => o.batchTurns))).toBeGreaterThan(1);
    together.forEach((o, i) => {
      const a = alone[i]!;
      const b = o.outputs[0]!;
      expect(b.score.length).toBe(10 + i);
      expect(b.historyWeight.length).toBe(20 + i);
      b.score.forEach((v, k) => expect(v).toBeCloseTo(a.score[k]!, 4));
    });
  });

  it('a request cancelled while queued never runs; one cancelled in flight is rejected', async () => {
    const e = engine();
    await e.load('m', TINY_LINEAR);
    const big = turn(256, 2000);
    const first = e.score('m', [big], DIMS); // occupies the worker
    const ac = new AbortController();
    const doomed = Array.from({ length: 5 }, () => e.score('m', [big], DIMS, ac.signal));
    const before = e.batchesRun;
    ac.abort();
    for (const d of doomed) await expect(d).rejects.toMatchObject({ code: 'cancelled' });
    await first;
    // only the first batch ran: the five cancelled ones were dropped from the queue
    expect(e.batchesRun - before).toBe(1);
    const again = await e.score('m', [turn(3, 3)], DIMS);
    expect(again.outputs[0]!.score).toHaveLength(3);

    const inflight = new AbortController();
    const p = e.score('m', [big], DIMS, inflight.signal);
    // Cancel once it is running in the worker. The engine dispatches within microtasks of score();
    // the worker's reply is a macrotask, so a microtask-only wait cannot miss the in-flight window
    // (a timer, or setImmediate, can on a fast run or a loaded machine).
    for (let i = 0; i < 1000 && !e.busy; i++) await Promise.resolve();
    expect(e.busy).toBe(true);
    inflight.abort();
    await expect(p).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('the calling thread stays free while the worker runs a long batch', async () => {
    const e = engine();
    await e.load('m', TINY_LINEAR);
    const turns = Array.from({ length: 64 }, (_, i) => turn(256, 50, i));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = performance.now();
    await e.score('m', turns, DIMS);
    const elapsed = performance.now() - t0;
    clearInterval(timer);
    // a blocked event loop would fire no timer until run() returned; here they keep firing
    expect(ticks).toBeGreaterThan(Math.min(5, elapsed / 20));
  });

  it('a model file onnxruntime cannot load is an ApiError naming every provider tried', async () => {
    const e = engine();
    const err = await e.load('bad', import.meta.filename).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'invalid_file' });
    expect((err as { problems: { where: string }[] }).problems[0]!.where).toContain('provider cpu');
  });
});
