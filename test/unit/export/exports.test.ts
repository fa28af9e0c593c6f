// Training, qrels and Parquet exports through the typed API client over the CLI's transport, on a
// real workspace and labels database; Parquet read back by an independent reader (DuckDB).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { openBackend, type Backend } from '../../../src-backend/backend.ts';
import { ApiClient, inProcessTransport } from '../../../src-common/api/client.ts';
import { ApiError } from '../../../src-common/errors.ts';

const FIXTURE = join(import.meta.dirname, '../../fixtures/tiny-sessions.jsonl');
const MODEL = join(import.meta.dirname, '../inference/fixtures/tiny-linear.onnx');
let dir: string;
let out: string;
let backend: Backend;
let api: ApiClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qgs-export-'));
  out = join(dir, 'exports');
  mkdirSync(out);
  mkdirSync(join(dir, 'ws'));
  backend = openBackend({ workspacePath: join(dir, 'ws', 'ws.db'), host: 'cli', pathRoots: null });
  api = new ApiClient(inProcessTransport(backend.dispatcher));
  await api.call('import.sessions', { path: FIXTURE });
  writeFileSync(
    join(dir, 'qrels.txt'),
    ['t-001#1 0 i-3 2', 't-001#1 0 i-1 0', 't-001#2 0 i-9 3', 't-003#0 0 i-10 1'].join('\n') + '\n',
  );
  await api.call('import.qrels', { path: join(dir, 'qrels.txt'), setName: 'judges' });
}, 120_000);

afterAll(async () => {
  await backend.close();
  rmSync(dir, { recursive: true, force: true });
});

async function refused(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected a refusal');
}
const lines = (p: string) =>
  readFileSync(p, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, any>);
const noPartials = () =>
  expect(readdirSync(out).filter((f) => f.endsWith('.partial') || f.includes('.partial.'))).toEqual([]);

describe('training export', () => {
  it('writes one query-conditioned example per judged turn with history steps, features and labels', async () => {
    const r = await api.call('export.training', { source: 'judges', outDir: out, name: 'from-qrels' });
    expect(r.examples).toBe(3);
    expect(r.labelledCandidates).toBe(4);
    const ex = lines(r.files.examples);
    expect(ex.map((e) => e.turn_id)).toEqual(['t-001#1', 't-001#2', 't-003#0']);
    const t2 = ex[1]!;
    expect(t2.query).toBe('sourdough starter recipe');
    expect(t2.boundary).toBe('switch');
    // Turn 0 clicked i-1 for 41 s (a long click), turn 1 clicked i-3 for 12 s.
    expect(t2.history.map((h: any) => [h.turn, h.step, h.item_id, h.action, h.boundary])).toEqual([
      [0, 0, 'i-1', 'long_click', 'start'],
      [1, 1, 'i-3', 'click', 'refinement'],
    ]);
    expect(t2.candidates).toEqual([
      expect.objectContaining({
        item_id: 'i-9',
        position: 1,
        label: 3,
        gain: 3,
        features: { bm25: 13.3, item_ctr: 0.11 },
        judgments: { annotators: 0, values: [3], adjudicated: false },
      }),
    ]);
    // An unjudged candidate stays, without a label.
    expect(ex[0]!.candidates.map((c: any) => [c.item_id, c.label])).toEqual([
      ['i-3', 2],
      ['i-1', 0],
    ]);
    expect(ex[0]!.history).toHaveLength(1);
    const manifest = JSON.parse(readFileSync(r.files.manifest, 'utf8'));
    expect(manifest).toMatchObject({
      v: 1,
      kind: 'qgs-training-export',
      grades_source: 'judges',
      examples: 3,
      feature_groups: [{ name: 'features', features: ['bm25', 'item_ctr'] }],
    });
    expect(manifest.examples_sha256).toBe(createHash('sha256').update(readFileSync(r.files.examples)).digest('hex'));
    noPartials();
  });

  it('exports labels given in the app, and takes the feature groups of a model', async () => {
    const model = await api.call('models.add', { path: MODEL });
    const me = await api.call('annotator.get', {});
    for (const [item, value] of [
      ['i-3', 3],
      ['i-1', 1],
    ] as const) {
      await api.call('labels.record', { eventId: randomUUID(), turnId: 't-001#1', kind: 'grade', itemId: item, value });
    }
    const r = await api.call('export.training', {
      source: `labels:annotator:${me.annotatorId}`,
      outDir: out,
      name: 'from-labels',
      featureGroupsFrom: model.sha256,
    });
    expect(r.examples).toBe(1);
    const [ex] = lines(r.files.examples);
    expect(ex!.candidates.map((c: any) => [c.item_id, c.label, c.gain, c.judgments.annotators])).toEqual([
      ['i-3', 3, 3, 1],
      ['i-1', 1, 1, 1],
    ]);
    const manifest = JSON.parse(readFileSync(r.files.manifest, 'utf8'));
    expect(manifest.feature_groups).toEqual(model.groups);
    expect(manifest.scale.name).toBe('graded-0-3');
    expect(manifest.annotators).toEqual([me.annotatorId]);
  });

  it('refuses the workspace folder, an existing export, a source without judgments; nothing half-written', async () => {
    const ws = await refused(api.call('export.training', { source: 'judges', outDir: join(dir, 'ws'), name: 'x' }));
    expect(ws.message).toMatch(/workspace's own folder/);
    const before = readFileSync(join(out, 'from-qrels', 'training.jsonl'));
    const again = await refused(api.call('export.training', { source: 'judges', outDir: out, name: 'from-qrels' }));
    expect(again.code).toBe('conflict');
    expect(readFileSync(join(out, 'from-qrels', 'training.jsonl'))).toEqual(before);
    const unknown = await refused(api.call('export.training', { source: 'nope', outDir: out, name: 'y' }));
    expect(unknown.code).toBe('not_found');
    const task = await api.call('tasks.create', {
      name: 'empty task',
      from: { kind: 'turns', turnIds: ['t-002#0'] },
      pool: { source: 'logged', k: 5 },
    });
    const empty = await refused(
      api.call('export.training', { source: `labels:task:${task.taskId}`, outDir: out, name: 'z' }),
    );
    expect(empty.message).toMatch(/no judgments/);
    writeFileSync(join(dir, 'a-file'), 'x');
    expect(
      (await refused(api.call('export.training', { source: 'judges', outDir: join(dir, 'a-file'), name: 'w' })))
        .problems[0]!.where,
    ).toBe('outDir');
    expect(existsSync(join(out, 'y')) || existsSync(join(out, 'z'))).toBe(false);
    noPartials();
  });

  it('overwrites an earlier export only when asked, and only once the new one is complete', async () => {
    const r = await api.call('export.training', { source: 'judges', outDir: out, name: 'from-qrels', overwrite: true });
    expect(r.examples).toBe(3);
    noPartials();
  });
});

describe('qrels from any grades source', () => {
  it('writes labels as qrels with their values', async () => {
    const me = await api.call('annotator.get', {});
    const r = await api.call('export.qrels', {
      setName: `labels:annotator:${me.annotatorId}`,
      path: join(out, 'mine.qrels'),
    });
    expect(r.rows).toBe(2);
    expect(readFileSync(join(out, 'mine.qrels'), 'utf8')).toBe('t-001#1 0 i-1 1\nt-001#1 0 i-3 3\n');
  });
});

describe('Parquet export', () => {
  it('writes turns, results with features, labels and scores that DuckDB reads back', async () => {
    const [model] = await api.call('models.list', {});
    await api.call('score.batch', { model: model!.sha256 });
    const r = await api.call('export.parquet', { outDir: out });
    expect(r.rows).toMatchObject({ turns: 5, results: 8, labels: 6 });
    expect(r.rows.scores).toBe(8);
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const q = async (sql: string) => (await db.runAndReadAll(sql)).getRowObjectsJson();
    expect(await q(`SELECT count(*)::INT AS n FROM read_parquet('${r.files.results}')`)).toEqual([{ n: 8 }]);
    expect(
      await q(`SELECT turn_id, split, boundary, clicks FROM read_parquet('${r.files.turns}') ORDER BY turn_id`),
    ).toEqual([
      { turn_id: 't-001#0', split: 'train', boundary: 'start', clicks: 1 },
      { turn_id: 't-001#1', split: 'train', boundary: 'refinement', clicks: 1 },
      { turn_id: 't-001#2', split: 'train', boundary: 'switch', clicks: 1 },
      { turn_id: 't-002#0', split: 'test', boundary: 'start', clicks: 0 },
      { turn_id: 't-003#0', split: null, boundary: 'start', clicks: 2 },
    ]);
    expect(
      await q(
        `SELECT item_id, position, click, dwell_ms, f_bm25 FROM read_parquet('${r.files.results}') WHERE turn_id = 't-001#0' ORDER BY position`,
      ),
    ).toEqual([
      { item_id: 'i-1', position: 1, click: true, dwell_ms: 41000, f_bm25: 11.2 },
      { item_id: 'i-2', position: 2, click: false, dwell_ms: null, f_bm25: 7.5 },
    ]);
    expect(
      await q(
        `SELECT source, count(*)::INT AS n FROM read_parquet('${r.files.labels}') GROUP BY source ORDER BY source`,
      ),
    ).toEqual([
      { source: 'labels', n: 2 },
      { source: 'qrels:judges', n: 4 },
    ]);
    const ranks = await q(
      `SELECT turn_id, item_id, rank FROM read_parquet('${r.files.scores}') WHERE turn_id = 't-003#0' ORDER BY rank`,
    );
    expect(ranks.map((x) => x.rank)).toEqual([1, 2]);
    noPartials();
  });
});
