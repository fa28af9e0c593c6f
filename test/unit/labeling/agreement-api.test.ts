// Agreement, disagreements, adjudication and the consensus grades sources through the real
// dispatcher on a real workspace + labels SQLite file (docs/agreement.md): three annotators with
// overlapping and missing labels; the numbers are checked against the pure statistics (themselves
// checked against the published worked examples in agreement.test.ts) and against hand-read values.
import { existsSync, readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { resolveJudgments } from '../../../src-backend/data/judgments.ts';
import { cohenKappa, krippendorffAlpha } from '../../../src-backend/ranking/agreement.ts';
import { openLabelsDb } from '../../../src-backend/store/labels/db.ts';
import m001 from '../../../src-backend/store/labels/migrations/001_labels.ts';
import { LABELS_SCHEMA_VERSION } from '../../../src-backend/store/labels/migrations/index.ts';
import { ndcgAt } from '../../../src-common/metrics.ts';
import { snapshot } from '../import/helpers.ts';
import { rejection, tempDir, tinyWorkspace, uuid, type Tiny } from './helpers.ts';

const LEAD = 'lead-0001';
const GRADES: Record<string, Record<string, Record<string, number>>> = {
  // annotator → turn → item → value (graded-0-3). Missing entries: not labelled by that annotator.
  'ann1-001': { 's1#0': { a: 3, b: 1, c: 0 }, 's1#1': { a: 2, b: 2, c: 0 }, 's1#2': { d: 1, e: 0 } },
  'ann2-002': { 's1#0': { a: 3, b: 2, c: 0 }, 's1#1': { a: 0, b: 2, c: 1 }, 's1#2': { d: 1 } },
  'ann3-003': { 's1#0': { a: 3, b: 1, c: 3 }, 's1#1': { a: 2 } },
};

async function threeAnnotators(): Promise<Tiny & { taskId: number }> {
  const t = await tinyWorkspace();
  const task = await t.call('tasks.create', {
    name: 'Team',
    from: { kind: 'turns', turnIds: ['s1#0', 's1#1', 's1#2'] },
  });
  for (const [id, turns] of Object.entries(GRADES)) {
    await t.call('annotator.set', { annotatorId: id, displayName: id.slice(0, 4).toUpperCase() });
    for (const [turnId, items] of Object.entries(turns))
      for (const [itemId, value] of Object.entries(items))
        await t.call('labels.record', {
          eventId: uuid(),
          taskId: task.taskId,
          turnId,
          kind: 'grade',
          itemId,
          value,
          annotatorId: id,
        });
  }
  await t.call('annotator.set', { annotatorId: LEAD, displayName: 'Lead' }); // "me" is the lead from here on
  return { ...t, taskId: task.taskId };
}

/** Paired values of two annotators over the items both labelled, in turn/item order. */
function paired(x: string, y: string): [number[], number[]] {
  const a: number[] = [];
  const b: number[] = [];
  for (const turnId of ['s1#0', 's1#1', 's1#2'])
    for (const itemId of ['a', 'b', 'c', 'd', 'e']) {
      const u = GRADES[x]![turnId]?.[itemId];
      const v = GRADES[y]![turnId]?.[itemId];
      if (u !== undefined && v !== undefined) (a.push(u), b.push(v));
    }
  return [a, b];
}

describe('agreement.task', () => {
  it('gives κ per annotator pair over the items both labelled and α over every unit, missing labels left out', async () => {
    const t = await threeAnnotators();
    const r = await t.call('agreement.task', { taskId: t.taskId });
    expect(r.annotators.map((a) => [a.annotatorId, a.labels])).toEqual([
      ['ann1-001', 8],
      ['ann2-002', 7],
      ['ann3-003', 4],
    ]);
    expect(r.units).toBe(8); // every (turn, item) someone graded
    expect(r.pairs.map((p) => [p.a, p.b, p.n])).toEqual([
      ['ann1-001', 'ann2-002', 7],
      ['ann1-001', 'ann3-003', 4],
      ['ann2-002', 'ann3-003', 4],
    ]);
    for (const p of r.pairs) {
      const k = cohenKappa(...paired(p.a, p.b), [0, 1, 2, 3]);
      expect(p.kappa.value).toBeCloseTo(k.unweighted.value!, 12);
      expect(p.kappaQuadratic.value).toBeCloseTo(k.quadratic.value!, 12);
    }
    // ann1 vs ann3 by hand: (3,3) (1,1) (0,3) (2,2): p_o = 3/4; marginals ann1 0,1,2,3 = 1,1,1,1, ann3 = 0,1,1,2 → p_e = 4/16.
    expect(r.pairs[1]!.kappa.value).toBeCloseTo((0.75 - 0.25) / 0.75, 12);
    // α over the units: s1#2 e has one label and is not pairable.
    const units = [[3, 3, 3], [1, 2, 1], [0, 0, 3], [2, 0, 2], [2, 2], [0, 1], [1, 1], [0]];
    const a = krippendorffAlpha(units, [0, 1, 2, 3]);
    expect(r.overall).toMatchObject({ pairableUnits: 7, n: 18, annotators: 3 });
    expect(r.overall.alphaNominal.value).toBeCloseTo(a.nominal.value!, 12);
    expect(r.overall.alphaOrdinal.value).toBeCloseTo(a.ordinal.value!, 12);
    // Default confusion table: the pair with the most items in common, rows = the first annotator.
    expect(r.confusion).toMatchObject({ a: 'ann1-001', b: 'ann2-002', values: [0, 1, 2, 3] });
    expect(r.confusion!.matrix).toEqual([
      [1, 1, 0, 0], // ann1 0: ann2 0 (s1#0 c), ann2 1 (s1#1 c)
      [0, 1, 1, 0], // ann1 1: s1#2 d → 1, s1#0 b → 2
      [1, 0, 1, 0], // ann1 2: s1#1 a → 0, s1#1 b → 2
      [0, 0, 0, 1],
    ]);
    expect(r.confusion!.perGrade[0]).toEqual({ value: 0, label: 'Irrelevant', a: 2, b: 2, both: 1, specific: 0.5 });
  });

  it('gives a chosen pair’s confusion table in the order asked; an annotator without labels in the task is refused', async () => {
    const t = await threeAnnotators();
    const r = await t.call('agreement.task', { taskId: t.taskId, pair: ['ann3-003', 'ann1-001'] });
    expect(r.confusion!.a).toBe('ann3-003');
    // ann3 3 vs ann1 0 on s1#0 c: row 3, column 0.
    expect(r.confusion!.matrix[3]![0]).toBe(1);
    expect(r.confusion!.matrix.flat().reduce((s, x) => s + x, 0)).toBe(4);
    const err = await rejection(t.call('agreement.task', { taskId: t.taskId, pair: [LEAD, 'ann1-001'] }));
    expect(err).toMatchObject({ code: 'invalid_input', problems: [{ where: 'pair[0]' }] });
    expect(err.message).toMatch(/has no labels in task "Team"/);
    expect(await rejection(t.call('agreement.task', { taskId: 99 }))).toMatchObject({ code: 'not_found' });
  });

  it('one annotator, or none: α and κ are null with a reason, never NaN', async () => {
    const t = await tinyWorkspace();
    const task = await t.call('tasks.create', { name: 'Solo', from: { kind: 'turns', turnIds: ['s1#0'] } });
    const empty = await t.call('agreement.task', { taskId: task.taskId });
    expect(empty.overall.alphaNominal).toEqual({ value: null, reason: 'nobody has labelled this task yet' });
    expect(empty.confusion).toBeNull();
    await t.call('labels.record', {
      eventId: uuid(),
      taskId: task.taskId,
      turnId: 's1#0',
      kind: 'grade',
      itemId: 'a',
      value: 2,
    });
    const solo = await t.call('agreement.task', { taskId: task.taskId });
    expect(solo.pairs).toEqual([]);
    expect(solo.overall.alphaOrdinal.reason).toBe('only one annotator has labelled this task');
    expect(JSON.stringify(solo)).not.toMatch(/NaN|null,"reason":undefined/);
    // Two annotators on different items: the pair exists with n = 0 and κ null.
    await t.call('annotator.set', { annotatorId: 'other-01', displayName: 'Other' });
    await t.call('labels.record', {
      eventId: uuid(),
      taskId: task.taskId,
      turnId: 's1#0',
      kind: 'grade',
      itemId: 'b',
      value: 1,
    });
    const apart = await t.call('agreement.task', { taskId: task.taskId });
    expect(apart.pairs[0]).toMatchObject({ n: 0, observed: null, kappa: { value: null } });
    expect(apart.pairs[0]!.kappa.reason).toMatch(/no items labelled by both/);
    expect(apart.overall.alphaNominal.reason).toMatch(/no unit has labels from two annotators/);
  });
});

describe('disagreements and adjudication', () => {
  it('lists the items where annotators differ, most apart first, with every grade', async () => {
    const t = await threeAnnotators();
    const p = await t.call('disagreements.list', { taskId: t.taskId });
    expect(p).toMatchObject({ disagreements: 4, adjudicated: 0, total: 4 });
    expect(p.rows.map((r) => `${r.turnId}/${r.itemId} ${r.range}`)).toEqual([
      's1#0/c 3',
      's1#1/a 2',
      's1#1/c 1', // range 1, variance 0.25
      's1#0/b 1', // range 1, variance 2/9
    ]);
    expect(p.rows[0]).toMatchObject({
      query: 'red shoes',
      title: 'title c',
      ordinal: 0,
      median: 0,
      majority: 0,
      adjudication: null,
      grades: [
        { annotatorId: 'ann1-001', value: 0 },
        { annotatorId: 'ann2-002', value: 0 },
        { annotatorId: 'ann3-003', value: 3 },
      ],
    });
    const byAnn = await t.call('disagreements.list', { taskId: t.taskId, sort: 'annotators', limit: 2, offset: 1 });
    expect(byAnn.rows.map((r) => `${r.turnId}/${r.itemId}`)).toEqual(['s1#1/a', 's1#0/b']);
    const byTask = await t.call('disagreements.list', { taskId: t.taskId, sort: 'task' });
    expect(byTask.rows.map((r) => `${r.turnId}/${r.itemId}`)).toEqual(['s1#0/b', 's1#0/c', 's1#1/a', 's1#1/c']);
  });

  it('a lead adjudicates (idempotent by event id), it shows in the list and the consensus; undo takes it back', async () => {
    const t = await threeAnnotators();
    const eventId = uuid();
    const input = { eventId, taskId: t.taskId, turnId: 's1#0', itemId: 'c', value: 3, note: 'answers the query' };
    const ack = await t.call('labels.adjudicate', input);
    expect(ack).toMatchObject({
      duplicate: false,
      adjudication: { value: 3, note: 'answers the query', annotatorId: LEAD, displayName: 'Lead', eventId },
    });
    // A retry with the same id: the same acknowledgement, nothing written twice.
    const labelsDb = t.b.labeling.labels.path;
    const before = snapshot(labelsDb);
    expect(await t.call('labels.adjudicate', input)).toMatchObject({ duplicate: true, seq: ack.seq });
    expect(snapshot(labelsDb)).toEqual(before);
    // The same id with another value: a conflict, nothing changes.
    const conflict = await rejection(t.call('labels.adjudicate', { ...input, value: 2 }));
    expect(conflict).toMatchObject({ code: 'conflict', problems: [{ where: 'eventId' }] });
    expect(snapshot(labelsDb)).toEqual(before);

    const open = await t.call('disagreements.list', { taskId: t.taskId, status: 'open' });
    expect(open).toMatchObject({ disagreements: 4, adjudicated: 1, total: 3 });
    const done = await t.call('disagreements.list', { taskId: t.taskId, status: 'adjudicated' });
    expect(done.rows.map((r) => [r.itemId, r.adjudication?.value, r.adjudication?.note])).toEqual([
      ['c', 3, 'answers the query'],
    ]);
    const src = `labels:consensus:${t.taskId}:adjudicated`;
    const grades = async (s: string, turnId: string) =>
      Object.fromEntries((await t.call('qrels.turn', { turnId, setName: s })).grades.map((g) => [g.itemId, g.grade]));
    expect(await grades(src, 's1#0')).toEqual({ a: 3, b: 1, c: 3 });
    expect(await grades(`labels:consensus:${t.taskId}:median`, 's1#0')).toEqual({ a: 3, b: 1, c: 0 });

    // The lead changes their mind: a second adjudication replaces the first; undo walks back one at a time.
    await t.call('labels.adjudicate', { ...input, eventId: uuid(), value: 2, note: 'partly' });
    expect((await grades(src, 's1#0')).c).toBe(2);
    const u1 = await t.call('labels.undo', { eventId: uuid(), taskId: t.taskId, turnId: 's1#0' });
    expect(u1.undid).not.toBe(eventId);
    expect((await grades(src, 's1#0')).c).toBe(3);
    const u2 = await t.call('labels.undo', { eventId: uuid(), taskId: t.taskId, turnId: 's1#0' });
    expect(u2.undid).toBe(eventId);
    expect((await grades(src, 's1#0')).c).toBe(0); // no adjudication: the median
    expect((await t.call('disagreements.list', { taskId: t.taskId })).adjudicated).toBe(0);
    // The events stay (append-only): two adjudications and two undos by the lead on the turn.
    const evs = (await t.call('labels.forTurn', { turnId: 's1#0', annotatorId: LEAD, events: true })).events!;
    expect(evs.map((e) => e.kind)).toEqual(['adjudicate', 'adjudicate', 'undo', 'undo']);
  });

  it('refuses a value off the scale, an item outside the pool, a turn outside the task; nothing changes', async () => {
    const t = await threeAnnotators();
    const labelsDb = t.b.labeling.labels.path;
    const before = snapshot(labelsDb);
    const base = { eventId: uuid(), taskId: t.taskId, turnId: 's1#0', itemId: 'c', value: 3, note: '' };
    const cases: [Record<string, unknown>, string, string, RegExp][] = [
      [{ value: 7 }, 'invalid_input', 'value', /7 is not on scale graded-0-3/],
      [{ itemId: 'zz' }, 'invalid_input', 'itemId', /"zz" is not a candidate/],
      [{ turnId: 's2#0' }, 'invalid_input', 'turnId', /not in task "Team"/],
      [{ taskId: 99 }, 'not_found', 'taskId', /no labeling task 99/],
      [{ annotatorId: 'nobody-1' }, 'not_found', 'annotatorId', /no annotator/],
    ];
    for (const [change, code, where, msg] of cases) {
      const err = await rejection(t.call('labels.adjudicate', { ...base, ...change } as never));
      expect(err).toMatchObject({ code, problems: [{ where }] });
      expect(err.message).toMatch(msg);
    }
    expect(snapshot(labelsDb)).toEqual(before);
  });
});

describe('consensus grades sources', () => {
  it('majority (tie → lower), median (lower median) and adjudicated work in qrels.turn, metrics.turns and the exports', async () => {
    const t = await threeAnnotators();
    await t.call('labels.adjudicate', {
      eventId: uuid(),
      taskId: t.taskId,
      turnId: 's1#1',
      itemId: 'c',
      value: 3,
      note: 'n',
    });
    const grades = async (s: string, turnId: string) =>
      Object.fromEntries((await t.call('qrels.turn', { turnId, setName: s })).grades.map((g) => [g.itemId, g.grade]));
    const id = t.taskId;
    // s1#1: a (2,0,2), b (2,2), c (0,1) — a tie: majority and median both take the lower value.
    expect(await grades(`labels:consensus:${id}:majority`, 's1#1')).toEqual({ a: 2, b: 2, c: 0 });
    expect(await grades(`labels:consensus:${id}:median`, 's1#1')).toEqual({ a: 2, b: 2, c: 0 });
    expect(await grades(`labels:consensus:${id}:adjudicated`, 's1#1')).toEqual({ a: 2, b: 2, c: 3 });
    // s1#0 b (1,2,1): majority 1; s1#0 c (0,0,3): majority 0; the mean (labels:task) would be 1.
    expect(await grades(`labels:consensus:${id}:majority`, 's1#0')).toEqual({ a: 3, b: 1, c: 0 });
    expect((await grades(`labels:task:${id}`, 's1#0')).c).toBeCloseTo(1, 12);

    // metrics.turns: NDCG of model A on s1#1 (scores a .9, b .2, c .1) from the adjudicated grades.
    const m = await t.call('metrics.turns', {
      modelA: t.A,
      modelB: t.B,
      setName: `labels:consensus:${id}:adjudicated`,
    });
    const row = m.rows.find((r) => r.turnId === 's1#1')!;
    expect(row.ndcgA).toBeCloseTo(ndcgAt([0.9, 0.2, 0.1], [2, 2, 3], 10), 12);
    const med = await t.call('metrics.turns', { modelA: t.A, modelB: t.B, setName: `labels:consensus:${id}:median` });
    expect(med.rows.find((r) => r.turnId === 's1#1')!.ndcgA).toBeCloseTo(ndcgAt([0.9, 0.2, 0.1], [2, 2, 0], 10), 12);

    // The qrels export writes the consensus value per item.
    const out = join(tempDir(), 'consensus.qrels');
    await t.call('export.qrels', { setName: `labels:consensus:${id}:adjudicated`, path: out });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toContain('s1#1 0 c 3');
    expect(lines).toContain('s1#0 0 c 0');
    expect(lines).toHaveLength(8);
    // The training / Parquet exporters' resolver: label = consensus value, gain from the scale, every value kept.
    const j = resolveJudgments(t.b.store, t.b.labeling, `labels:consensus:${id}:majority`);
    expect(j.scale.name).toBe('graded-0-3');
    expect(j.annotators).toEqual(['ann1-001', 'ann2-002', 'ann3-003']);
    expect(j.byTurn.get('s1#0')!.get('b')).toEqual({ label: 1, gain: 1, values: [1, 1, 2], annotators: 3 });
    expect(j.count).toBe(8);
    // Unknown task: not_found naming the field; a malformed rule is a qrels set name that does not exist.
    expect(
      await rejection(t.call('qrels.turn', { turnId: 's1#0', setName: 'labels:consensus:99:median' })),
    ).toMatchObject({
      code: 'not_found',
      problems: [{ where: 'setName' }],
    });
  });
});

describe('Parquet export', () => {
  it('adds the adjudications and any chosen consensus source to labels.parquet; an unknown source writes nothing', async () => {
    const t = await threeAnnotators();
    await t.call('labels.adjudicate', {
      eventId: uuid(),
      taskId: t.taskId,
      turnId: 's1#0',
      itemId: 'c',
      value: 3,
      note: 'n',
    });
    const out = tempDir();
    const src = `labels:consensus:${t.taskId}:adjudicated`;
    const bad = await rejection(
      t.call('export.parquet', { outDir: out, name: 'nope', sources: [src, 'labels:consensus:99:median'] }),
    );
    expect(bad).toMatchObject({ code: 'not_found', problems: [{ where: 'sources[1]' }] });
    expect(existsSync(join(out, 'nope'))).toBe(false);
    const r = await t.call('export.parquet', { outDir: out, sources: [src] });
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const q = async (sql: string) => (await db.runAndReadAll(sql)).getRowObjectsJson();
    expect(
      await q(
        `SELECT source, count(*)::INT AS n FROM read_parquet('${r.files.labels}') GROUP BY source ORDER BY source`,
      ),
    ).toEqual([
      { source: 'adjudication', n: 1 },
      { source: 'labels', n: 19 },
      { source: src, n: 8 },
    ]);
    expect(
      await q(
        `SELECT item_id, value, annotator_id, task_id FROM read_parquet('${r.files.labels}') WHERE source <> 'labels' AND turn_id = 's1#0' AND item_id = 'c' ORDER BY source`,
      ),
    ).toEqual([
      { item_id: 'c', value: 3, annotator_id: LEAD, task_id: t.taskId },
      { item_id: 'c', value: 3, annotator_id: null, task_id: t.taskId },
    ]);
  });
});

describe('labels migration 002 (adjudication)', () => {
  it('rebuilds label_events keeping every row, seq and index; the new kind is accepted, unknown kinds still refused', () => {
    const path = join(tempDir(), 'old.labels.db');
    const db = new DatabaseSync(path);
    db.exec(m001);
    db.exec('PRAGMA user_version = 1');
    db.exec("INSERT INTO annotators VALUES ('ann-1', 'Ann', '2026-01-01T00:00:00Z')");
    const ins = db.prepare(
      'INSERT INTO label_events (seq, event_id, annotator_id, created_at, task_id, turn_id, item_id, kind, scale, value, gain, undoes) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)',
    );
    ins.run(3, 'ev-00001', 'ann-1', 't1', 's#0', 'a', 'grade', 'graded-0-3', 2, 2, null);
    ins.run(7, 'ev-00002', 'ann-1', 't2', 's#0', 'b', 'grade', 'graded-0-3', 1, 1, null);
    ins.run(12, 'ev-00003', 'ann-1', 't3', 's#0', null, 'undo', null, null, null, 'ev-00002');
    const rows = db.prepare('SELECT * FROM label_events ORDER BY seq').all();
    db.close();

    const l = openLabelsDb(path);
    // Opened at the current version: 002 rebuilt the table, 003 (team sync) added remote_id.
    expect((l.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(
      LABELS_SCHEMA_VERSION,
    );
    expect(l.db.prepare('SELECT * FROM label_events ORDER BY seq').all()).toEqual(
      rows.map((r) => ({ ...r, remote_id: null })),
    );
    const idx = (
      l.db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'label_events' AND sql IS NOT NULL ORDER BY name",
        )
        .all() as { name: string }[]
    ).map((r) => r.name);
    expect(idx).toEqual(['label_events_by_key', 'label_events_by_turn', 'label_events_undoes']);
    expect(l.db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    expect(l.db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    // New events continue after the highest seq; the event_id stays unique.
    const r = l.db
      .prepare(
        "INSERT INTO label_events (event_id, annotator_id, created_at, task_id, turn_id, item_id, kind, value, gain, note) VALUES ('ev-00004', 'ann-1', 't4', 1, 's#0', 'a', 'adjudicate', 3, 3, 'x')",
      )
      .run();
    expect(Number(r.lastInsertRowid)).toBe(13);
    expect(() =>
      l.db.exec(
        "INSERT INTO label_events (event_id, annotator_id, created_at, task_id, turn_id, kind) VALUES ('ev-00005', 'ann-1', 't', 0, 's#0', 'bogus')",
      ),
    ).toThrow(/CHECK constraint/);
    expect(() =>
      l.db.exec(
        "INSERT INTO label_events (event_id, annotator_id, created_at, task_id, turn_id, kind) VALUES ('ev-00001', 'ann-1', 't', 0, 's#0', 'skip')",
      ),
    ).toThrow(/UNIQUE/);
    l.close();
  });
});
