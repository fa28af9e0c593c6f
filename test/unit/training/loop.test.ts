// The closed loop on a small labelled sample, through the API as the app runs it: label turns in a
// task → train.fromLabels (training export → trainer/from_export.py as a child process → ONNX) →
// the new model registered with its provenance → both models batch-scored → compared on the
// labelled turns. Real PyTorch (Debian's /usr/bin/python3), real onnxruntime-node, real SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBackend, type Backend } from '../../../src-backend/backend.ts';
import { ApiClient, inProcessTransport } from '../../../src-common/api/client.ts';
import { ApiError } from '../../../src-common/errors.ts';
import type { Progress } from '../../../src-common/api/types.ts';

if (!existsSync('/usr/bin/python3'))
  throw new Error('the loop test needs Debian python3 with torch and onnx: run bash scripts/system-deps.sh');

let dir: string;
let backend: Backend;
let api: ApiClient;
let taskId: number;
let base: string;
let spareTurn: string;
const ws = () => join(dir, 'ws.db');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qgs-loop-'));
  backend = openBackend({ workspacePath: ws(), host: 'cli', pathRoots: null });
  api = new ApiClient(inProcessTransport(backend.dispatcher));
  const demo = await api.call('demo.generate', { sessions: 40, seed: 3, outDir: join(dir, 'demo') });
  await api.call('import.sessions', { path: demo.files.sessions });
  const models = await api.call('models.registerShipped', {});
  base = models.find((m) => m.encoder === 'linear')!.sha256;
  // The analyst's labels: the generator's ground truth for 40 turns, given through labels.record.
  const truth = new Map<string, Map<string, number>>();
  for (const line of readFileSync(demo.files.qrels, 'utf8').trim().split('\n')) {
    const [qid, , doc, g] = line.split(' ');
    if (!truth.has(qid!)) truth.set(qid!, new Map());
    truth.get(qid!)!.set(doc!, Number(g));
  }
  const turnIds = [...truth.keys()].slice(0, 40);
  spareTurn = [...truth.keys()][40]!;
  taskId = (
    await api.call('tasks.create', {
      name: 'loop sample',
      from: { kind: 'turns', turnIds },
      pool: { source: 'logged', k: 10 },
    })
  ).taskId;
  for (let ordinal = 0; ordinal < turnIds.length; ordinal++) {
    const turn = await api.call('tasks.turn', { taskId, ordinal });
    for (const c of turn.candidates) {
      const g = Math.min(3, Math.max(0, truth.get(turn.turnId)?.get(c.itemId) ?? 0));
      await api.call('labels.record', {
        eventId: randomUUID(),
        taskId,
        turnId: turn.turnId,
        kind: 'grade',
        itemId: c.itemId,
        value: g,
      });
    }
  }
}, 300_000);

afterAll(async () => {
  await backend.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('label → export → train → register → compare', () => {
  it('trains a model on a task, registers it with provenance and reports both models on the labelled turns', async () => {
    const phases = new Set<string>();
    const trained = await api.call(
      'train.fromLabels',
      { source: `labels:task:${taskId}`, baseModel: base, epochs: 2, name: 'loop-model' },
      { onProgress: (p: Progress) => phases.add(p.phase) },
    );
    expect([...phases]).toEqual(expect.arrayContaining(['export', 'train']));
    expect(trained.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(trained.examples.train! + trained.examples.valid!).toBeGreaterThan(0);
    expect(trained.model.name).toBe('loop-model');
    const prov = JSON.parse(trained.model.metadata['qgs.provenance']!);
    expect(prov).toMatchObject({
      grades_source: `labels:task:${taskId}`,
      seed: 1,
      base_model: trained.base.sha256,
      encoder: 'linear',
    });
    expect(trained.model.groups).toEqual((await api.call('models.list', {})).find((m) => m.sha256 === base)!.groups);
    // Both models are compared on every labelled turn that has a relevant candidate.
    expect(trained.comparison.turns).toBeGreaterThan(10);
    expect(trained.comparison.ndcgA).toBeGreaterThan(0);
    expect(trained.comparison.ndcgB).toBeGreaterThan(0);
    // …and the dataset view can open the same comparison.
    const page = await api.call('metrics.turns', {
      modelA: base,
      modelB: trained.model.sha256,
      setName: `labels:task:${taskId}`,
    });
    expect(page.summary.all.turns).toBe(trained.comparison.turns);
    expect(page.summary.all.ndcgB).toBeCloseTo(trained.comparison.ndcgB!, 12);
  }, 300_000);

  it('cancels while training: no model registered, no work files left', async () => {
    const before = (await api.call('models.list', {})).length;
    const work = `${ws()}.training`;
    const runsBefore = readdirSync(work).length;
    const abort = new AbortController();
    const p = api.call(
      'train.fromLabels',
      { source: `labels:task:${taskId}`, baseModel: base, epochs: 20, name: 'cancelled' },
      {
        signal: abort.signal,
        onProgress: (pr: Progress) => {
          if (pr.phase === 'train') abort.abort();
        },
      },
    );
    const err = await p.catch((e: unknown) => e);
    expect((err as ApiError).code).toBe('cancelled');
    expect((await api.call('models.list', {})).length).toBe(before);
    expect(readdirSync(work).length).toBe(runsBefore);
  }, 300_000);

  it('refuses a source with no positive label, saying why, and registers nothing', async () => {
    const before = (await api.call('models.list', {})).length;
    const t = await api.call('tasks.create', {
      name: 'all irrelevant',
      from: { kind: 'turns', turnIds: [spareTurn] },
      pool: { source: 'logged', k: 3 },
    });
    const turn = await api.call('tasks.turn', { taskId: t.taskId, ordinal: 0 });
    for (const c of turn.candidates)
      await api.call('labels.record', {
        eventId: randomUUID(),
        taskId: t.taskId,
        turnId: turn.turnId,
        kind: 'grade',
        itemId: c.itemId,
        value: 0,
      });
    const err = await api
      .call('train.fromLabels', { source: `labels:task:${t.taskId}`, baseModel: base, epochs: 1 })
      .catch((e: unknown) => e as ApiError);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toMatch(/no candidate has a positive label/);
    expect((await api.call('models.list', {})).length).toBe(before);
  }, 120_000);
});
