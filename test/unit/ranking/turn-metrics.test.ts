// metrics.turns and qrels.turn against a tiny workspace whose scores are written by hand (so every
// expected NDCG@10 / RR below is computed by hand in the comments), plus one run through the real
// score.batch with the tiny ONNX fixtures (rows then agree with score.stored + src-common/metrics.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../../src-backend/backend.ts';
import type {
  ModelAddResult,
  StoredTurnScores,
  TurnGrades,
  TurnMetricsPage,
} from '../../../src-common/api/contract.ts';
import { ApiError } from '../../../src-common/errors.ts';
import { ndcgAt, reciprocalRank } from '../../../src-common/metrics.ts';
import { backendIn, tempDir, TINY_FLAT, TINY_LINEAR, writeLog, type LogResult } from '../inference/helpers.ts';
import { putStoredScores } from '../helpers/stored-scores.ts';

const res = (ids: string[]): LogResult[] =>
  ids.map((id, i) => ({ item_id: id, title: `title ${id}`, position: i + 1, features: { bm25: 1 } }));
const L3 = Math.log2(3); // discount of rank 2

async function tinyWorkspace(): Promise<{ b: Backend; A: string; B: string }> {
  const dir = tempDir();
  const b = backendIn(dir);
  const log = writeLog(dir, [
    {
      session_id: 's1',
      user_id: 'u1',
      split: 'train',
      events: [
        { ts: '2026-03-01T09:00:00Z', query: 'red shoes', results: res(['a', 'b', 'c']) }, // start
        { ts: '2026-03-01T09:01:00Z', query: 'red running shoes', results: res(['a', 'b', 'c']) }, // refinement → continuation
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
  const qrels = join(dir, 'qrels.txt');
  writeFileSync(
    qrels,
    [
      's1#0 0 a 0',
      's1#0 0 b 1',
      's1#0 0 c 2',
      's1#1 0 a 3',
      's1#1 0 b 0',
      's1#2 0 e 1',
      's2#0 0 f 0',
      's2#0 0 g 0',
      's3#0 0 h 2',
    ].join('\n') + '\n',
  );
  await b.dispatcher.call('import.qrels', { path: qrels, setName: 'gt' });
  const A = ((await b.dispatcher.call('models.add', { path: TINY_LINEAR, name: 'A' })) as ModelAddResult).sha256;
  const B = ((await b.dispatcher.call('models.add', { path: TINY_FLAT, name: 'B' })) as ModelAddResult).sha256;
  const db = b.store.db;
  const put = (model: string, turnId: string, scores: Record<string, number>) =>
    putStoredScores(db, model, turnId, scores);
  // s1#0 grades a0 b1 c2.  A: a,b,c → [0,1,2]: DCG = 1/log2 3 + 2/2; ideal [2,1,0] = 2 + 1/log2 3; RR ½.  B: c,b,a → ideal: 1, RR 1.
  put(A, 's1#0', { a: 0.9, b: 0.5, c: 0.1 });
  put(B, 's1#0', { a: 0.1, b: 0.7, c: 0.8 });
  // s1#1 grades a3 (b, c unjudged → 0).  A: a first → 1, RR 1.  B: b,c,a → 3/log2 4 / 3 = 0.5, RR ⅓.
  put(A, 's1#1', { a: 0.9, b: 0.2, c: 0.1 });
  put(B, 's1#1', { a: 0.4, b: 0.9, c: 0.5 });
  // s1#2 grades e1.  A: d,e → 1/log2 3, RR ½.  B: a tie (0.5, 0.5) keeps logged order d,e → the same.
  put(A, 's1#2', { d: 0.6, e: 0.4 });
  put(B, 's1#2', { d: 0.5, e: 0.5 });
  // s2#0: nothing relevant → skipped even though both scored it.
  put(A, 's2#0', { f: 0.3, g: 0.2 });
  put(B, 's2#0', { f: 0.2, g: 0.3 });
  // s3#0: only A scored it → unscored for B.
  put(A, 's3#0', { h: 1 });
  return { b, A, B };
}

const NDCG_A0 = (1 / L3 + 1) / (2 + 1 / L3); // ≈ 0.6199
const NDCG_SW = 1 / L3; // ≈ 0.6309

async function turns(b: Backend, input: Record<string, unknown>): Promise<TurnMetricsPage> {
  return (await b.dispatcher.call('metrics.turns', { setName: 'gt', ...input })) as TurnMetricsPage;
}

describe('metrics.turns', () => {
  it('computes per-turn NDCG@10 and RR of both models, worst regression of B first', async () => {
    const { b, A, B } = await tinyWorkspace();
    const r = await turns(b, { modelA: A, modelB: B });
    expect(r.modelA.name).toBe('A');
    expect(r.total).toBe(3);
    expect(r.rows.map((x) => x.turnId)).toEqual(['s1#1', 's1#2', 's1#0']);
    const [cont, sw, start] = r.rows;
    expect(cont).toMatchObject({
      sessionId: 's1',
      index: 1,
      query: 'red running shoes',
      userId: 'u1',
      boundary: 'refinement',
      kind: 'continuation',
      mrrA: 1,
      ndcgA: 1,
    });
    expect(cont!.ndcgB).toBeCloseTo(0.5, 12);
    expect(cont!.mrrB).toBeCloseTo(1 / 3, 12);
    expect(cont!.delta).toBeCloseTo(-0.5, 12);
    expect(sw).toMatchObject({ boundary: 'switch', kind: 'switch', mrrA: 0.5, mrrB: 0.5, delta: 0 });
    expect(sw!.ndcgA).toBeCloseTo(NDCG_SW, 12);
    expect(start).toMatchObject({ boundary: 'start', kind: 'start', mrrA: 0.5, mrrB: 1, ndcgB: 1 });
    expect(start!.ndcgA).toBeCloseTo(NDCG_A0, 12);
    expect(start!.delta).toBeCloseTo(1 - NDCG_A0, 12);
    expect(r.skippedNoRelevant).toBe(1);
    expect(r.unscored).toEqual({ modelA: 0, modelB: 1, either: 1 });
    expect(r.turnsInScope).toBe(5);
  });

  it('summarises means by turn kind and overall', async () => {
    const { b, A, B } = await tinyWorkspace();
    const { summary } = await turns(b, { modelA: A, modelB: B, boundary: 'switch' });
    expect(summary.start).toMatchObject({ turns: 1, ndcgB: 1, mrrA: 0.5, mrrB: 1 });
    expect(summary.start.ndcgA).toBeCloseTo(NDCG_A0, 12);
    expect(summary.continuation).toMatchObject({ turns: 1, ndcgA: 1, mrrA: 1 });
    expect(summary.continuation.ndcgB).toBeCloseTo(0.5, 12);
    expect(summary.switch.turns).toBe(1);
    expect(summary.all.turns).toBe(3);
    expect(summary.all.ndcgA).toBeCloseTo((NDCG_A0 + 1 + NDCG_SW) / 3, 12);
    expect(summary.all.ndcgB).toBeCloseTo((1 + 0.5 + NDCG_SW) / 3, 12);
    expect(summary.all.mrrB).toBeCloseTo((1 + 1 / 3 + 0.5) / 3, 12);
  });

  it('filters by turn kind, query text, user and split; sorts best first; pages', async () => {
    const { b, A, B } = await tinyWorkspace();
    const ids = async (input: Record<string, unknown>) =>
      (await turns(b, { modelA: A, modelB: B, ...input })).rows.map((x) => x.turnId);
    expect(await ids({ boundary: 'switch' })).toEqual(['s1#2']);
    expect(await ids({ boundary: 'continuation' })).toEqual(['s1#1']);
    expect(await ids({ boundary: 'start' })).toEqual(['s1#0']);
    expect(await ids({ q: 'SHOES' })).toEqual(['s1#1', 's1#0']);
    expect(await ids({ sort: '-delta' })).toEqual(['s1#0', 's1#2', 's1#1']);
    expect(await ids({ offset: 1, limit: 1 })).toEqual(['s1#2']);
    const u2 = await turns(b, { modelA: A, modelB: B, userId: 'u2' });
    expect(u2.rows).toEqual([]);
    expect(u2.skippedNoRelevant).toBe(1);
    expect(u2.summary.all).toEqual({
      turns: 0,
      valueA: null,
      valueB: null,
      ndcgA: null,
      ndcgB: null,
      mrrA: null,
      mrrB: null,
    });
    const valid = await turns(b, { modelA: A, modelB: B, split: 'valid' });
    expect(valid.unscored).toEqual({ modelA: 0, modelB: 1, either: 1 });
    expect(valid.total).toBe(0);
  });

  // The chosen measure (src-common/metrics.ts evaluateTopic, ideal 'shown'), by hand on the same turns:
  //   s1#0 grades a0 b1 c2, all judged.  A ranks a,b,c; B ranks c,b,a.
  //   s1#1 grades a3 b0, c unjudged.  A ranks a,b,c; B ranks b,c,a.
  //   s1#2 grade e1, d unjudged.  A ranks d,e; B ties → logged order d,e.
  it("measure: ndcg_cut is today's NDCG@k exactly, and the default", async () => {
    const { b, A, B } = await tinyWorkspace();
    for (const input of [{}, { measure: 'ndcg_cut' }, { measure: 'ndcg_cut', k: 2 }]) {
      const r = await turns(b, { modelA: A, modelB: B, ...input });
      expect(r.measure).toBe('ndcg_cut');
      for (const row of r.rows) {
        expect(row.valueA).toBe(row.ndcgA);
        expect(row.valueB).toBe(row.ndcgB);
        expect(row.delta).toBe(row.ndcgB - row.ndcgA);
      }
      expect(r.summary.all.valueA).toBe(r.summary.all.ndcgA);
    }
  });

  it('measure: P@k, ERR@k, judged@k and MAP drive rows, deltas, sort and summary; NDCG / MRR stay', async () => {
    const { b, A, B } = await tinyWorkspace();
    const q = { modelA: A, modelB: B };
    const vals = (r: TurnMetricsPage) => r.rows.map((x) => [x.turnId, x.valueA, x.valueB]);
    // NDCG first, then P with the same k: the cache key includes the measure.
    expect((await turns(b, q)).rows.map((x) => x.turnId)).toEqual(['s1#1', 's1#2', 's1#0']);
    // P@10: relevant in the top 10 / 10 — equal for A and B on every turn; ties keep turn order.
    const p10 = await turns(b, { ...q, measure: 'P' });
    expect(p10.measure).toBe('P');
    expect(vals(p10)).toEqual([
      ['s1#0', 0.2, 0.2],
      ['s1#1', 0.1, 0.1],
      ['s1#2', 0.1, 0.1],
    ]);
    expect(p10.rows.every((r) => r.delta === 0)).toBe(true);
    // P@1: A's tops are a (0), a (3), d (unjudged); B's: c (2), b (0), d.
    const p1 = await turns(b, { ...q, measure: 'P', k: 1 });
    expect(vals(p1)).toEqual([
      ['s1#1', 1, 0],
      ['s1#2', 0, 0],
      ['s1#0', 0, 1],
    ]);
    expect(p1.rows.map((r) => r.delta)).toEqual([-1, 0, 1]);
    expect(p1.summary.start).toMatchObject({ turns: 1, valueA: 0, valueB: 1 });
    expect(p1.summary.all.valueA).toBeCloseTo(1 / 3, 12);
    // NDCG and MRR are still there, whatever the measure.
    expect(p1.rows[0]).toMatchObject({ ndcgA: 1, mrrA: 1 });
    expect(p1.rows[0]!.mrrB).toBeCloseTo(1 / 3, 12);
    // ERR@10 (gdeval, R = (2^g − 1)/16): s1#0 A = (1/16)/2 + (3/16)/3·(15/16) = 23/256, B = 3/16 + (1/16)/2·(13/16) = 109/512;
    // s1#1 A = 7/16, B = (7/16)/3; s1#2 both (1/16)/2.
    const e = await turns(b, { ...q, measure: 'err' });
    expect(e.rows.map((r) => r.turnId)).toEqual(['s1#1', 's1#2', 's1#0']);
    const [e1, e2, e0] = e.rows;
    expect(e0!.valueA).toBeCloseTo(23 / 256, 12);
    expect(e0!.valueB).toBeCloseTo(109 / 512, 12);
    expect(e1!.valueA).toBeCloseTo(7 / 16, 12);
    expect(e1!.valueB).toBeCloseTo(7 / 48, 12);
    expect(e2!.valueA).toBeCloseTo(1 / 32, 12);
    expect(e2!.delta).toBe(0);
    // judged@2 tells an unjudged candidate from a grade-0 one: s1#1's b (grade 0) counts, its c and s1#2's d do not.
    const j2 = await turns(b, { ...q, measure: 'judged', k: 2 });
    expect(vals(j2)).toEqual([
      ['s1#1', 1, 0.5],
      ['s1#0', 1, 1],
      ['s1#2', 0.5, 0.5],
    ]);
    // MAP takes no cut-off: s1#0 A (1/2 + 2/3)/2, B 1; s1#1 A 1, B 1/3; s1#2 both 1/2.
    const map = await turns(b, { ...q, measure: 'map', k: 1 });
    const byId = new Map(map.rows.map((r) => [r.turnId, r]));
    expect(byId.get('s1#0')!.valueA).toBeCloseTo(7 / 12, 12);
    expect(byId.get('s1#0')!.valueB).toBe(1);
    expect(byId.get('s1#1')!.valueB).toBeCloseTo(1 / 3, 12);
    expect(byId.get('s1#2')!.valueA).toBe(0.5);
    expect(vals(await turns(b, { ...q, measure: 'map', k: 50 }))).toEqual(vals(map)); // k changes only the NDCG columns
    // recip_rank equals MRR; Rprec of s1#0: R = 2, A has 1 relevant in its top 2.
    const rr = await turns(b, { ...q, measure: 'recip_rank' });
    for (const r of rr.rows) expect([r.valueA, r.valueB]).toEqual([r.mrrA, r.mrrB]);
    const rp = await turns(b, { ...q, measure: 'Rprec' });
    expect(rp.rows.find((r) => r.turnId === 's1#0')).toMatchObject({ valueA: 0.5, valueB: 1 });
    // Skipped and unscored turns are the same whatever the measure.
    expect([e.skippedNoRelevant, e.unscored.either]).toEqual([1, 1]);
  });

  it('measure: an unknown one is refused, naming the field', async () => {
    const { b, A, B } = await tinyWorkspace();
    const err = await turns(b, { modelA: A, modelB: B, measure: 'bpref' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'invalid_input' });
    expect(String((err as ApiError).message)).toMatch(/measure/);
  });

  it('sees new scores (cache invalidated) and refuses an unknown judgment set', async () => {
    const { b, A, B } = await tinyWorkspace();
    expect((await turns(b, { modelA: A, modelB: B })).total).toBe(3);
    await expect(turns(b, { modelA: A, modelB: B, setName: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    // Swapping A and B flips the deltas.
    const swapped = await turns(b, { modelA: B, modelB: A });
    expect(swapped.rows[0]!.turnId).toBe('s1#0');
    expect(swapped.unscored).toEqual({ modelA: 1, modelB: 0, either: 1 });
  });

  it('stops with "cancelled" when the caller cancels while it computes', async () => {
    const { b, A, B } = await tinyWorkspace();
    const ctl = new AbortController();
    const p = b.dispatcher.call('metrics.turns', { modelA: A, modelB: B, setName: 'gt' }, { signal: ctl.signal });
    ctl.abort();
    await expect(p).rejects.toMatchObject({ code: 'cancelled' });
    expect((await turns(b, { modelA: A, modelB: B })).total).toBe(3);
  });

  it('agrees with score.batch + score.stored + src-common/metrics.ts on real model scores', async () => {
    const { b } = await tinyWorkspace();
    // Fresh: forget the hand-written scores and score everything for real.
    const A = ((await b.dispatcher.call('models.list', {})) as { sha256: string; name: string }[]).find(
      (m) => m.name === 'A',
    )!.sha256;
    const B = ((await b.dispatcher.call('models.list', {})) as { sha256: string; name: string }[]).find(
      (m) => m.name === 'B',
    )!.sha256;
    await b.dispatcher.call('score.batch', { model: A, rescore: true });
    await b.dispatcher.call('score.batch', { model: B, rescore: true });
    const r = await turns(b, { modelA: A, modelB: B });
    expect(r.unscored).toEqual({ modelA: 0, modelB: 0, either: 0 });
    expect(r.total).toBe(4); // s1#0, s1#1, s1#2, s3#0 (s2#0 has nothing relevant)
    for (const row of r.rows) {
      const grades = (await b.dispatcher.call('qrels.turn', { turnId: row.turnId, setName: 'gt' })) as TurnGrades;
      const g = new Map(grades.grades.map((x) => [x.itemId, x.grade]));
      const sa = (await b.dispatcher.call('score.stored', { turnId: row.turnId, model: A })) as StoredTurnScores;
      const sb = (await b.dispatcher.call('score.stored', { turnId: row.turnId, model: B })) as StoredTurnScores;
      const det = (await b.dispatcher.call('sessions.get', { sessionId: row.sessionId })) as {
        turns: { index: number; results: { itemId: string }[] }[];
      };
      const items = det.turns.find((t) => t.index === row.index)!.results.map((x) => x.itemId);
      const scoresOf = (s: StoredTurnScores) => items.map((id) => s.candidates.find((c) => c.itemId === id)!.score);
      const grd = items.map((id) => g.get(id) ?? 0);
      expect(row.ndcgA).toBeCloseTo(ndcgAt(scoresOf(sa), grd, 10), 12);
      expect(row.ndcgB).toBeCloseTo(ndcgAt(scoresOf(sb), grd, 10), 12);
      expect(row.mrrA).toBeCloseTo(reciprocalRank(scoresOf(sa), grd), 12);
    }
  });
});

describe('qrels.turn', () => {
  it("returns the set's grades of a turn in logged order, and clear errors for unknown turns and sets", async () => {
    const { b } = await tinyWorkspace();
    const g = (await b.dispatcher.call('qrels.turn', { turnId: 's1#0', setName: 'gt' })) as TurnGrades;
    expect(g).toEqual({
      setName: 'gt',
      turnId: 's1#0',
      grades: [
        { itemId: 'a', grade: 0 },
        { itemId: 'b', grade: 1 },
        { itemId: 'c', grade: 2 },
      ],
    });
    const e1 = await b.dispatcher.call('qrels.turn', { turnId: 's9#0', setName: 'gt' }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(ApiError);
    expect((e1 as ApiError).code).toBe('not_found');
    const e2 = await b.dispatcher.call('qrels.turn', { turnId: 's1#0', setName: 'other' }).catch((e: unknown) => e);
    expect((e2 as ApiError).message).toContain('sets: gt');
  });
});
