// The inference engine end to end through the backend's dispatcher: real ONNX models (built by
// make_fixtures.py with the trainer's model code) run by onnxruntime-node in the worker thread, over a
// real SQLite workspace.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type {
  BatchScoreReport,
  InferenceStatus,
  ModelAddResult,
  ModelSummary,
  StoredTurnScores,
  TurnScoring,
} from '../../../src-common/api/contract.ts';
import type { Progress } from '../../../src-common/api/types.ts';
import type { ApiError } from '../../../src-common/errors.ts';
import { assembleTurn } from '../../../src-backend/inference/assemble.ts';
import { TurnReader } from '../../../src-backend/inference/turn-source.ts';
import type { Backend } from '../../../src-backend/backend.ts';
import {
  backendIn,
  demoSessions,
  importLog,
  insertWideTurn,
  NO_METADATA,
  sum,
  tempDir,
  TINY_FLAT,
  TINY_LINEAR,
  TINY_NAN,
  writeLog,
} from './helpers.ts';
import { snapshot } from '../import/helpers.ts';

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    return err as ApiError;
  }
  throw new Error('expected a rejection');
}

async function workspace(
  sessions = demoSessions(6, 6),
): Promise<{ b: Backend; dir: string; lin: ModelAddResult; flat: ModelAddResult }> {
  const dir = tempDir();
  const b = backendIn(dir);
  await importLog(b, writeLog(dir, sessions));
  const lin = (await b.dispatcher.call('models.add', { path: TINY_LINEAR })) as ModelAddResult;
  const flat = (await b.dispatcher.call('models.add', { path: TINY_FLAT, name: 'baseline' })) as ModelAddResult;
  return { b, dir, lin, flat };
}

describe('model registry', () => {
  it('adds, lists with metadata, refuses duplicates silently, renames and removes by sha256', async () => {
    const { b, lin, flat } = await workspace();
    expect(lin.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lin).toMatchObject({
      name: 'tiny-linear',
      encoder: 'linear',
      version: '0.0.1',
      contractVersion: '1',
      alreadyRegistered: false,
    });
    expect(lin.groups.map((g) => g.name)).toEqual(['text_match', 'statistical', 'behavioural']);
    expect(lin.tokenizer).toEqual({ tokenBuckets: 512, itemBuckets: 256, queryTokens: 8, titleTokens: 8 });
    expect(flat).toMatchObject({ name: 'baseline', encoder: 'flattened' });
    // copied into the workspace's models folder, content-addressed
    expect(lin.filePath.endsWith(`models/${lin.sha256}.onnx`)).toBe(true);

    const again = (await b.dispatcher.call('models.add', { path: TINY_LINEAR, name: 'other' })) as ModelAddResult;
    expect(again).toMatchObject({ sha256: lin.sha256, name: 'tiny-linear', alreadyRegistered: true });
    const list = (await b.dispatcher.call('models.list', {})) as ModelSummary[];
    expect(list.map((m) => m.sha256).sort()).toEqual([lin.sha256, flat.sha256].sort());

    const renamed = (await b.dispatcher.call('models.rename', {
      sha256: lin.sha256.slice(0, 10),
      name: 'QGS linear',
    })) as ModelSummary;
    expect(renamed.name).toBe('QGS linear');

    await b.dispatcher.call('score.batch', { model: flat.sha256 });
    const removed = (await b.dispatcher.call('models.remove', { sha256: flat.sha256 })) as { scoresDeleted: number };
    expect(removed.scoresDeleted).toBeGreaterThan(0);
    expect(((await b.dispatcher.call('models.list', {})) as ModelSummary[]).map((m) => m.sha256)).toEqual([lin.sha256]);
    expect((b.store.db.prepare('SELECT count(*) AS n FROM scores').get() as { n: number }).n).toBe(0);
    const gone = await rejection(b.dispatcher.call('score.turn', { turnId: 's0000#1', models: [flat.sha256] }));
    expect(gone.code).toBe('not_found');
    expect(gone.problems[0]!.where).toBe('models[0]');
  });

  it('refuses a file that is not ONNX and one that fails the contract, listing the problems; nothing is added', async () => {
    const dir = tempDir();
    const b = backendIn(dir);
    const before = snapshot(b.store.path);
    const notOnnx = join(dir, 'notes.onnx');
    writeFileSync(notOnnx, 'this is a text file, not a model\n'.repeat(20));
    const e1 = await rejection(b.dispatcher.call('models.add', { path: notOnnx }));
    expect(e1.code).toBe('invalid_file');
    expect(e1.message).toContain('notes.onnx');
    expect(e1.message).toMatch(/ONNX/);
    expect(e1.problems.length).toBeGreaterThan(0);

    const e2 = await rejection(b.dispatcher.call('models.add', { path: NO_METADATA }));
    expect(e2.code).toBe('invalid_file');
    expect(e2.message).toContain('does not fit the model contract');
    const wheres = e2.problems.map((p) => p.where).join('\n');
    expect(wheres).toContain('qgs.feature_groups');
    expect(wheres).toContain('qgs.tokenizer');

    const e3 = await rejection(b.dispatcher.call('models.add', { path: join(dir, 'missing.onnx') }));
    expect(e3.code).toBe('not_found');
    expect(snapshot(b.store.path)).toEqual(before);
    // the backend still answers
    expect(await b.dispatcher.call('models.list', {})).toEqual([]);
  });

  it('registers the shipped models idempotently (the demo workspace opens with them)', async () => {
    const b = backendIn(tempDir());
    const first = (await b.dispatcher.call('models.registerShipped', {})) as ModelAddResult[];
    const second = (await b.dispatcher.call('models.registerShipped', {})) as ModelAddResult[];
    expect(second.map((m) => m.sha256)).toEqual(first.map((m) => m.sha256));
    expect(second.every((m) => m.alreadyRegistered && m.shipped)).toBe(true);
    // resources/models/*.onnx are the trainer's; when present they are qgs-linear, qgs-softmax, baseline-flat
    if (first.length) expect(first.map((m) => m.encoder).sort()).toEqual(expect.arrayContaining(['linear']));
  });
});

describe('turn scoring', () => {
  it('ranks candidates with scores, per-group weights and history weights from two models', async () => {
    const { b, lin, flat } = await workspace();
    const r = (await b.dispatcher.call('score.turn', {
      turnId: 's0001#4',
      models: [lin.sha256, flat.sha256],
    })) as TurnScoring;
    expect(r.turnId).toBe('s0001#4');
    expect(r.counterfactual).toBe(false);
    expect(r.history.length).toBeGreaterThan(0);
    expect(r.history.map((h) => h.turnIndex).every((t) => t < 4)).toBe(true);
    expect(r.models.map((m) => m.model.encoder)).toEqual(['linear', 'flattened']);
    for (const m of r.models) {
      expect(m.groups).toEqual(['text_match', 'statistical', 'behavioural']);
      expect(m.candidates.map((c) => c.rank)).toEqual([1, 2, 3, 4, 5]);
      const scores = m.candidates.map((c) => c.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      expect(new Set(m.candidates.map((c) => c.position))).toEqual(new Set([1, 2, 3, 4, 5]));
      for (const c of m.candidates) {
        expect(c.groupWeight).toHaveLength(3);
        expect(sum(c.groupWeight)).toBeCloseTo(1, 4);
      }
      expect(m.historyWeight).toHaveLength(r.history.length);
      expect(sum(m.historyWeight)).toBeCloseTo(1, 4);
      expect(m.runtime.provider).toBe(m.runtime.attempts.find((a) => a.ok)!.provider);
    }
    // the demo log lacks 8 of the 12 features: filled with 0 and said so
    expect(r.models[0]!.assembly.missingFeatures.map((f) => f.feature)).toContain('semantic_sim');
    expect(r.warnings.join('\n')).toMatch(
      /tiny-linear: 8 of its 12 features are missing from the log, filled with 0: .*semantic_sim \(5 of 5 candidates\)/,
    );
  });

  it('the shipped models score a first turn (no history at all) and a later one, alone and in a batch job', async () => {
    // A first turn feeds one padded history step whose tokens are all 0: the graph must pool nothing
    // without failing (onnxruntime once rejected the empty gather: "MatMul dimension mismatch").
    const { b } = await workspace();
    const shipped = (await b.dispatcher.call('models.registerShipped', {})) as ModelAddResult[];
    expect(shipped.map((m) => m.encoder).sort()).toEqual(['flattened', 'linear', 'softmax']);
    for (const m of shipped) {
      for (const turnId of ['s0000#0', 's0001#4']) {
        const r = (await b.dispatcher.call('score.turn', { turnId, models: [m.sha256] })) as TurnScoring;
        const got = r.models[0]!;
        expect(got.candidates.map((c) => c.rank)).toEqual([1, 2, 3, 4, 5]);
        expect(got.candidates.every((c) => Number.isFinite(c.score))).toBe(true);
        for (const c of got.candidates) expect(sum(c.groupWeight)).toBeCloseTo(1, 4);
        expect(got.historyWeight).toHaveLength(r.history.length);
        if (turnId.endsWith('#0')) expect(r.history).toEqual([]);
        else expect(sum(got.historyWeight)).toBeCloseTo(1, 4);
      }
    }
    const linear = shipped.find((m) => m.encoder === 'linear')!;
    const rep = (await b.dispatcher.call('score.batch', { model: linear.sha256 })) as BatchScoreReport;
    expect(rep.scored).toBe(rep.turns);
    // batched (padded with other turns) and alone agree
    const alone = (await b.dispatcher.call('score.turn', {
      turnId: 's0001#4',
      models: [linear.sha256],
    })) as TurnScoring;
    const stored = (await b.dispatcher.call('score.stored', {
      turnId: 's0001#4',
      model: linear.sha256,
    })) as StoredTurnScores;
    for (const c of alone.models[0]!.candidates)
      expect(stored.candidates.find((x) => x.itemId === c.itemId)!.score).toBeCloseTo(c.score, 4);
  });

  it('history assembled from the store equals the Python reference tensors (assembly-vectors.json)', async () => {
    const fx = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/assembly-vectors.json'), 'utf8')) as {
      tokenizer: { tokenBuckets: number; itemBuckets: number; queryTokens: number; titleTokens: number };
      sessions: {
        session_id: string;
        user_id: string;
        events: {
          ts: string;
          query: string;
          results: { item_id: string; title: string; position: number; features: Record<string, number> }[];
        }[];
      }[];
      cases: {
        session_id: string;
        turn: number;
        max_steps: number;
        history_item_ids: number[];
        history_actions: number[];
        history_query_tokens: number[][];
        history_item_tokens: number[][];
      }[];
    };
    const dir = tempDir();
    const b = backendIn(dir);
    // One extra turn per session so "turn = number of events" (history of the whole session) exists.
    const sessions = fx.sessions.map((s) => ({
      ...s,
      events: [...s.events, { ts: s.events.at(-1)!.ts, query: 'next', results: [] }],
    }));
    await importLog(b, writeLog(dir, sessions));
    const reader = new TurnReader(b.store.db);
    for (const c of fx.cases) {
      const earlier = reader.readTurn(`${c.session_id}#${c.turn}`).earlier;
      const a = assembleTurn(
        earlier,
        'q',
        [],
        { tokenizer: fx.tokenizer, groups: [{ name: 'g', features: ['f'] }] },
        { maxHistory: c.max_steps },
      );
      expect(Array.from(a.tensors.historyItemIds), `${c.session_id}#${c.turn}`).toEqual(c.history_item_ids);
      expect(Array.from(a.tensors.historyActions)).toEqual(c.history_actions);
      const Tq = fx.tokenizer.queryTokens;
      const Ti = fx.tokenizer.titleTokens;
      expect(
        Array.from({ length: a.tensors.historyLength }, (_, i) =>
          Array.from(a.tensors.historyQueryTokens.subarray(i * Tq, (i + 1) * Tq)),
        ),
      ).toEqual(c.history_query_tokens);
      expect(
        Array.from({ length: a.tensors.historyLength }, (_, i) =>
          Array.from(a.tensors.historyItemTokens.subarray(i * Ti, (i + 1) * Ti)),
        ),
      ).toEqual(c.history_item_tokens);
    }
  });

  it('a counterfactual edit re-ranks live and writes nothing; bad edits name the field', async () => {
    const { b, lin } = await workspace();
    const base = (await b.dispatcher.call('score.turn', { turnId: 's0002#5', models: [lin.sha256] })) as TurnScoring;
    const before = snapshot(b.store.path);
    const target = base.models[0]!.candidates.at(-1)!;
    const dropped = base.history[0]!.step;
    const cf = (await b.dispatcher.call('score.counterfactual', {
      turnId: 's0002#5',
      models: [lin.sha256],
      edit: {
        query: 'completely different words',
        removeHistorySteps: [dropped],
        features: [
          { itemId: target.itemId, feature: 'bm25', value: 500 },
          { itemId: target.itemId, feature: 'not_a_model_feature', value: 1 },
        ],
      },
    })) as TurnScoring;
    expect(cf.counterfactual).toBe(true);
    expect(cf.query).toBe('completely different words');
    expect(cf.history.map((h) => h.step)).not.toContain(dropped);
    expect(cf.history).toHaveLength(base.history.length - 1);
    const moved = cf.models[0]!.candidates.find((c) => c.itemId === target.itemId)!;
    expect(moved.score).not.toBeCloseTo(target.score, 5);
    expect(cf.warnings.join('\n')).toContain('"not_a_model_feature" is not an input');
    expect(snapshot(b.store.path)).toEqual(before);

    const bad = await rejection(
      b.dispatcher.call('score.counterfactual', {
        turnId: 's0002#5',
        models: [lin.sha256],
        edit: { removeHistorySteps: [0, 9999], features: [{ itemId: 'nope', feature: 'bm25', value: 1 }] },
      }),
    );
    expect(bad.code).toBe('invalid_input');
    expect(bad.problems.map((p) => p.where)).toEqual(['edit.removeHistorySteps[1]', 'edit.features[0].itemId']);
    const nan = await rejection(
      b.dispatcher.call('score.counterfactual', {
        turnId: 's0002#5',
        models: [lin.sha256],
        edit: { features: [{ itemId: target.itemId, feature: 'bm25', value: Number.NaN }] },
      }),
    );
    expect(nan.code).toBe('invalid_input');
    expect(nan.problems[0]!.where).toBe('edit.features[0].value');
  });

  it('unknown turns and malformed ids are clear errors', async () => {
    const { b, lin } = await workspace(demoSessions(1, 2));
    const e1 = await rejection(b.dispatcher.call('score.turn', { turnId: 'nosuch#0', models: [lin.sha256] }));
    expect(e1).toMatchObject({ code: 'not_found' });
    expect(e1.message).toContain('nosuch');
    const e2 = await rejection(b.dispatcher.call('score.turn', { turnId: 's0000#7', models: [lin.sha256] }));
    expect(e2.message).toContain('has no turn 7');
    const e3 = await rejection(b.dispatcher.call('score.turn', { turnId: 's0000', models: [lin.sha256] }));
    expect(e3).toMatchObject({ code: 'invalid_input' });
    const e4 = await rejection(
      b.dispatcher.call('score.turn', { turnId: 's0000#0', models: [lin.sha256, lin.sha256, lin.sha256] }),
    );
    expect(e4.problems[0]!.where).toBe('models');
  });
});

describe('bad input keeps the backend up', () => {
  it('a model with NaN weights: the non-finite outputs are named, other models keep working', async () => {
    const { b, lin } = await workspace(demoSessions(2, 3));
    const nan = (await b.dispatcher.call('models.add', { path: TINY_NAN })) as ModelAddResult;
    const err = await rejection(b.dispatcher.call('score.turn', { turnId: 's0000#2', models: [nan.sha256] }));
    expect(err.code).toBe('invalid_file');
    expect(err.message).toContain('non-finite');
    expect(err.problems.map((p) => p.where)).toContain('tiny-nan: output score');
    expect(err.problems.find((p) => p.where === 'tiny-nan: output score')!.message).toMatch(/NaN/);
    const batch = await rejection(b.dispatcher.call('score.batch', { model: nan.sha256 }));
    expect(batch.code).toBe('invalid_file');
    expect(
      (b.store.db.prepare('SELECT count(*) AS n FROM scores WHERE model_sha256 = ?').get(nan.sha256) as { n: number })
        .n,
    ).toBe(0);
    const ok = (await b.dispatcher.call('score.turn', { turnId: 's0000#2', models: [lin.sha256] })) as TurnScoring;
    expect(ok.models[0]!.candidates).toHaveLength(5);
  });

  it('zero candidates, 10,000 candidates and a 100,000-step history', async () => {
    const long = demoSessions(1, 1)[0]!;
    long.session_id = 'long';
    // 101 turns × 1,000 clicked results = 100,000 history steps before the last turn
    long.events = Array.from({ length: 101 }, (_, t) => ({
      ts: '2026-03-01T09:00:00Z',
      query: `q ${t}`,
      results: Array.from({ length: t < 100 ? 1000 : 3 }, (_, r) => ({
        item_id: `i${r}`,
        title: `t ${r}`,
        position: r + 1,
        features: { bm25: r },
        click: t < 100,
      })),
    }));
    const empty = {
      session_id: 'empty',
      user_id: 'u',
      events: [
        {
          ts: '2026-03-01T09:00:00Z',
          query: 'first',
          results: [{ item_id: 'a', title: 'a', position: 1, features: { bm25: 1 }, click: true }],
        },
        { ts: '2026-03-01T09:01:00Z', query: 'nothing found', results: [] },
      ],
    };
    const { b, lin } = await workspace([...demoSessions(2, 2), long, empty]);

    const z = (await b.dispatcher.call('score.turn', { turnId: 'empty#1', models: [lin.sha256] })) as TurnScoring;
    expect(z.models[0]!.candidates).toEqual([]);
    expect(z.warnings.join('\n')).toContain('has no candidates');
    expect(z.models[0]!.historyWeight).toHaveLength(1);

    const wideId = insertWideTurn(b, 's0000', 10_000);
    const w = (await b.dispatcher.call('score.turn', { turnId: wideId, models: [lin.sha256] })) as TurnScoring;
    expect(w.models[0]!.candidates).toHaveLength(10_000);
    expect(w.models[0]!.candidates.at(-1)!.rank).toBe(10_000);

    const h = (await b.dispatcher.call('score.turn', {
      turnId: 'long#100',
      models: [lin.sha256],
      maxHistory: 256,
    })) as TurnScoring;
    expect(h.history).toHaveLength(256);
    expect(h.history[0]!.step).toBe(100_000 - 256);
    expect(h.models[0]!.assembly).toMatchObject({
      historySteps: 100_000,
      truncatedSteps: 100_000 - 256,
      maxHistory: 256,
    });
    expect(h.warnings.join('\n')).toContain(
      'history has 100,000 steps; the oldest 99,744 were left out (max history 256)',
    );

    // batch scoring handles all three shapes too
    const rep = (await b.dispatcher.call('score.batch', { model: lin.sha256 })) as BatchScoreReport;
    expect(rep).toMatchObject({ scored: rep.turns, zeroCandidateTurns: 1 });
    expect(rep.truncatedTurns).toBeGreaterThan(0);
  });

  it('a provider that fails to load falls back to CPU and says why', async () => {
    const dir = tempDir();
    const b = backendIn(dir, { inference: { plan: () => ['no-such-ep' as 'cpu', 'cpu'] } });
    await importLog(b, writeLog(dir, demoSessions(1, 2)));
    const lin = (await b.dispatcher.call('models.add', { path: TINY_LINEAR })) as ModelAddResult;
    const r = (await b.dispatcher.call('score.turn', { turnId: 's0000#1', models: [lin.sha256] })) as TurnScoring;
    expect(r.models[0]!.runtime.provider).toBe('cpu');
    expect(r.models[0]!.runtime.fallback).toMatch(/^no-such-ep: .*backend not found/);
    const st = (await b.dispatcher.call('inference.status', {})) as InferenceStatus;
    expect(st.loaded[0]).toMatchObject({ sha256: lin.sha256, provider: 'cpu' });
    expect(st.loaded[0]!.attempts[0]).toMatchObject({ provider: 'no-such-ep', ok: false });
  });

  it('Auto reports the providers it tried; explicit CPU does not try others', async () => {
    const { b, lin } = await workspace(demoSessions(1, 2));
    const st = (await b.dispatcher.call('inference.configure', {
      provider: 'cpu',
      threads: 1,
      maxHistory: 32,
    })) as InferenceStatus;
    expect(st.settings).toEqual({ provider: 'cpu', threads: 1, maxHistory: 32 });
    const r = (await b.dispatcher.call('score.turn', { turnId: 's0000#1', models: [lin.sha256] })) as TurnScoring;
    expect(r.models[0]!.runtime).toMatchObject({ provider: 'cpu', fallback: null });
    expect(r.models[0]!.assembly.maxHistory).toBe(32);
    await b.dispatcher.call('inference.configure', { provider: 'auto' });
    const a = (await b.dispatcher.call('score.turn', { turnId: 's0000#1', models: [lin.sha256] })) as TurnScoring;
    const tried = a.models[0]!.runtime.attempts.map((x) => x.provider);
    expect(tried.at(-1) === 'cpu' || a.models[0]!.runtime.provider !== 'cpu').toBe(true);
    expect(st.autoPlan.at(-1)).toBe('cpu');
    const bad = await rejection(b.dispatcher.call('inference.configure', { provider: 'tpu' }));
    expect(bad.problems[0]!.where).toBe('provider');
  });

  it('a crashed worker fails its request clearly and the next request works', async () => {
    const { b, lin } = await workspace(demoSessions(1, 3));
    await b.dispatcher.call('score.turn', { turnId: 's0000#2', models: [lin.sha256] });
    const p = b.dispatcher.call('score.turn', { turnId: 's0000#2', models: [lin.sha256] });
    await b.inference.engine.crashWorkerForTest();
    await p.catch(() => undefined); // it may have finished before the crash
    const r = (await b.dispatcher.call('score.turn', { turnId: 's0000#2', models: [lin.sha256] })) as TurnScoring;
    expect(r.models[0]!.candidates).toHaveLength(5);
    expect(b.inference.engine.workerStarts).toBe(2);
  });
});

describe('batch scoring', () => {
  it('scores every turn into SQLite keyed by (model sha256, turn), with progress; re-running is a no-op', async () => {
    const { b, lin } = await workspace(demoSessions(12, 5));
    const progress: Progress[] = [];
    const rep = (await b.dispatcher.call(
      'score.batch',
      { model: lin.sha256 },
      { onProgress: (p) => progress.push(p) },
    )) as BatchScoreReport;
    expect(rep).toMatchObject({ turns: 60, scored: 60, alreadyScored: 0, candidatesScored: 300, split: null });
    expect(progress.at(-1)).toMatchObject({ phase: 'score', done: 60, total: 60, unit: 'turns' });
    const n = (sql: string) => (b.store.db.prepare(sql).get(lin.sha256) as { n: number }).n;
    expect(n('SELECT count(*) AS n FROM scores WHERE model_sha256 = ?')).toBe(300);
    expect(n('SELECT count(*) AS n FROM scored_turns WHERE model_sha256 = ?')).toBe(60);

    // stored scores equal interactive scores for the same turn (batching and padding change nothing)
    const live = (await b.dispatcher.call('score.turn', { turnId: 's0007#4', models: [lin.sha256] })) as TurnScoring;
    const stored = (await b.dispatcher.call('score.stored', {
      turnId: 's0007#4',
      model: lin.sha256,
    })) as StoredTurnScores;
    expect(stored.scored).toBe(true);
    expect(stored.candidates.map((c) => c.itemId)).toEqual(live.models[0]!.candidates.map((c) => c.itemId));
    stored.candidates.forEach((c, i) => {
      expect(c.score).toBeCloseTo(live.models[0]!.candidates[i]!.score, 4);
      c.groupWeight.forEach((g, k) => expect(g).toBeCloseTo(live.models[0]!.candidates[i]!.groupWeight[k]!, 4));
    });

    const before = snapshot(b.store.path);
    const again = (await b.dispatcher.call('score.batch', { model: lin.sha256 })) as BatchScoreReport;
    expect(again).toMatchObject({ scored: 0, alreadyScored: 60 });
    expect(snapshot(b.store.path)).toEqual(before);

    const split = (await b.dispatcher.call('score.batch', {
      model: lin.sha256,
      split: 'test',
      rescore: true,
    })) as BatchScoreReport;
    expect(split).toMatchObject({ split: 'test', turns: 15, scored: 15 });
  });

  it('cancel keeps finished work and a re-run resumes; lost rows (a crash) are re-scored, nothing twice', async () => {
    const dir = tempDir();
    const b = backendIn(dir, { inference: { maxBatchTurns: 64 } });
    await importLog(b, writeLog(dir, demoSessions(300, 4)));
    const lin = (await b.dispatcher.call('models.add', { path: TINY_LINEAR })) as ModelAddResult;
    const ac = new AbortController();
    let seen = 0;
    const err = await rejection(
      b.dispatcher.call(
        'score.batch',
        { model: lin.sha256 },
        {
          signal: ac.signal,
          onProgress: (p) => {
            if (p.done > 0 && ++seen === 2) ac.abort();
          },
        },
      ),
    );
    expect(err.code).toBe('cancelled');
    expect(err.message).toMatch(/run it again to resume/);
    const n = () => (b.store.db.prepare('SELECT count(*) AS n FROM scored_turns').get() as { n: number }).n;
    const afterCancel = n();
    expect(afterCancel).toBeGreaterThan(0);
    expect(afterCancel).toBeLessThan(1200);

    const rest = (await b.dispatcher.call('score.batch', { model: lin.sha256 })) as BatchScoreReport;
    expect(rest.alreadyScored).toBe(afterCancel);
    expect(rest.scored).toBe(1200 - afterCancel);
    expect(n()).toBe(1200);

    // a crash after some commits looks like missing rows: only those are scored again
    b.store.db.exec('DELETE FROM scored_turns WHERE turn_pk IN (SELECT turn_pk FROM turns WHERE idx = 3)');
    b.store.db.exec('DELETE FROM scores WHERE turn_pk IN (SELECT turn_pk FROM turns WHERE idx = 3)');
    const resumed = (await b.dispatcher.call('score.batch', { model: lin.sha256 })) as BatchScoreReport;
    expect(resumed).toMatchObject({ scored: 300, alreadyScored: 900 });
    expect((b.store.db.prepare('SELECT count(*) AS n FROM scores').get() as { n: number }).n).toBe(6000);
  });
});
