// Labeling through the real dispatcher on a real workspace + labels SQLite file: scales, tasks from
// every source, judge payloads, label events (idempotent retry, undo, skip, flag), progress, the
// arena, labels as a grades source, and every bad input the issue lists (clear error, nothing changes).
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { openBackend } from '../../../src-backend/backend.ts';
import { snapshot } from '../import/helpers.ts';
import { rejection, tinyWorkspace, uuid, type Tiny } from './helpers.ts';

async function loggedTask(t: Tiny, extra: Record<string, unknown> = {}) {
  return t.call('tasks.create', { name: 'T1', from: { kind: 'turns', turnIds: ['s1#0', 's1#1', 's1#2'] }, ...extra });
}

describe('scales', () => {
  it('lists the built-in scales and creates a custom one; a taken name or a repeated key changes nothing', async () => {
    const t = await tinyWorkspace();
    const names = (await t.call('scales.list', {})).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['graded-0-3', 'esci', 'binary']));
    const g = (await t.call('scales.list', {})).find((s) => s.name === 'graded-0-3')!;
    expect(g.levels.map((l) => l.label)).toEqual(['Irrelevant', 'Related', 'Highly relevant', 'Perfectly relevant']);
    const esci = (await t.call('scales.list', {})).find((s) => s.name === 'esci')!;
    expect(esci.levels.map((l) => [l.label, l.gain])).toEqual([
      ['Exact', 3],
      ['Substitute', 2],
      ['Complement', 1],
      ['Irrelevant', 0],
    ]);

    const levels = [
      { key: 'g', value: 1, gain: 1, label: 'Good', description: 'useful' },
      { key: 'b', value: 0, gain: 0, label: 'Bad' },
    ];
    const s = await t.call('scales.create', { name: 'good-bad', levels });
    expect(s).toMatchObject({
      name: 'good-bad',
      builtin: false,
      levels: [
        { key: 'g', label: 'Good', description: 'useful' },
        { key: 'b', description: '' },
      ],
    });

    const labelsDb = t.b.labeling.labels.path;
    const before = snapshot(labelsDb);
    const dup = await rejection(t.call('scales.create', { name: 'good-bad', levels }));
    expect(dup.code).toBe('conflict');
    expect(dup.problems[0]!.where).toBe('name');
    const builtinDup = await rejection(t.call('scales.create', { name: 'esci', levels }));
    expect(builtinDup.code).toBe('conflict');
    const rep = await rejection(
      t.call('scales.create', { name: 'x', levels: [levels[0]!, { ...levels[1]!, key: 'g' }] }),
    );
    expect(rep.code).toBe('invalid_input');
    expect(rep.problems[0]).toMatchObject({ where: 'levels[1].key' });
    expect(snapshot(labelsDb)).toEqual(before);
  });
});

describe('tasks', () => {
  it('creates a task from a turn list with a logged pool and serves the judge payload', async () => {
    const t = await tinyWorkspace();
    const task = await loggedTask(t, { instructions: '# Judge\n<b>not html</b>' });
    expect(task).toMatchObject({
      name: 'T1',
      scale: 'graded-0-3',
      turns: 3,
      candidates: 8,
      hideScores: true,
      progress: [],
    });
    const j = await t.call('tasks.turn', { taskId: task.taskId, ordinal: 1 });
    expect(j).toMatchObject({
      ordinal: 1,
      total: 3,
      turnId: 's1#1',
      sessionId: 's1',
      kind: 'continuation',
      query: 'red running shoes',
      labels: {},
      skipped: false,
      flag: null,
    });
    expect(j.history).toEqual([{ index: 0, query: 'red shoes', boundary: 'start' }]);
    expect(j.instructions).toBe('# Judge\n<b>not html</b>');
    // Hidden by default: logged position, click and scores.
    expect(j.candidates).toEqual([
      { itemId: 'a', title: 'title a' },
      { itemId: 'b', title: 'title b' },
      { itemId: 'c', title: 'title c' },
    ]);
    // Without an ordinal: the annotator's first unfinished turn.
    expect((await t.call('tasks.turn', { taskId: task.taskId })).ordinal).toBe(0);
    const bad = await rejection(t.call('tasks.turn', { taskId: task.taskId, ordinal: 3 }));
    expect(bad).toMatchObject({ code: 'not_found', problems: [{ where: 'ordinal' }] });
  });

  it('pools the union of two models’ top k in model order and can show scores, positions and clicks', async () => {
    const t = await tinyWorkspace();
    const task = await t.call('tasks.create', {
      name: 'U',
      from: { kind: 'turns', turnIds: ['s1#0', 's1#2'] },
      pool: { source: 'union', modelA: t.A.slice(0, 10), modelB: t.B, k: 1 },
      order: 'model',
      hideScores: false,
      showLogged: true,
    });
    expect(task.spec.pool).toEqual({ source: 'union', modelA: t.A, modelB: t.B, k: 1 });
    const j = await t.call('tasks.turn', { taskId: task.taskId, ordinal: 0 });
    // A's top 1 = a, B's top 1 = c.
    expect(j.candidates.map((c) => c.itemId)).toEqual(['a', 'c']);
    expect(j.candidates[0]).toMatchObject({ position: 1, click: false, scores: { A: 0.9, B: 0.1 } });
    expect(j.candidates[1]).toMatchObject({ position: 3, click: false, scores: { A: 0.1, B: 0.8 } });
  });

  it('shuffles the candidate order per annotator, stably (stored seed)', async () => {
    const t = await tinyWorkspace();
    const task = await loggedTask(t, { order: 'shuffled', seed: 42 });
    const orders = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const id = `annot${i}`;
      await t.call('annotator.set', { annotatorId: id, displayName: `A${i}` });
      const o1 = (await t.call('tasks.turn', { taskId: task.taskId, ordinal: 0, annotatorId: id })).candidates
        .map((c) => c.itemId)
        .join();
      const o2 = (await t.call('tasks.turn', { taskId: task.taskId, ordinal: 0, annotatorId: id })).candidates
        .map((c) => c.itemId)
        .join();
      expect(o2).toBe(o1);
      orders.add(o1);
    }
    expect(orders.size).toBeGreaterThan(1); // 12 annotators, 6 possible orders of 3
  });

  it('creates tasks from a session filter and from a stratified sample', async () => {
    const t = await tinyWorkspace();
    const f = await t.call('tasks.create', { name: 'F', from: { kind: 'sessions', userId: 'u1' } });
    expect(f.turns).toBe(4); // s1 (3 turns) + s3 (1)
    const capped = await t.call('tasks.create', {
      name: 'F2',
      from: { kind: 'sessions', hasSwitch: true, maxTurns: 2 },
    });
    expect(capped.turns).toBe(2);
    const s = await t.call('tasks.create', {
      name: 'S',
      from: { kind: 'sample', perKind: { start: 2, switch: 1, continuation: 0 }, seed: 3 },
    });
    expect(s.turns).toBe(3);
    const kinds = [];
    for (let i = 0; i < 3; i++) kinds.push((await t.call('tasks.turn', { taskId: s.taskId, ordinal: i })).kind);
    expect(kinds.sort()).toEqual(['start', 'start', 'switch']);
  });

  it('refuses an empty source, unknown turns, a taken name, a model without scores — nothing changes', async () => {
    const t = await tinyWorkspace();
    await loggedTask(t);
    const labelsDb = t.b.labeling.labels.path;
    const before = snapshot(labelsDb);
    const empty = await rejection(
      t.call('tasks.create', { name: 'E', from: { kind: 'sessions', q: 'no such query anywhere' } }),
    );
    expect(empty).toMatchObject({ code: 'invalid_input', problems: [{ where: 'from' }] });
    expect(empty.message).toMatch(/matched no turns/);
    const unknown = await rejection(
      t.call('tasks.create', { name: 'E', from: { kind: 'turns', turnIds: ['s1#0', 'zz#9', 's1#0', 'bad'] } }),
    );
    expect(unknown.problems.map((p) => p.where)).toEqual(['from.turnIds[1]', 'from.turnIds[2]', 'from.turnIds[3]']);
    const taken = await rejection(loggedTask(t));
    expect(taken).toMatchObject({ code: 'conflict', problems: [{ where: 'name' }] });
    const unscored = await rejection(
      t.call('tasks.create', {
        name: 'E',
        from: { kind: 'turns', turnIds: ['s3#0'] },
        pool: { source: 'model', model: t.A, k: 5 },
      }),
    );
    expect(unscored).toMatchObject({ code: 'invalid_input', problems: [{ where: 'pool.model' }] });
    expect(unscored.message).toMatch(/score\.batch/);
    const noScale = await rejection(
      t.call('tasks.create', { name: 'E', scale: 'nope', from: { kind: 'turns', turnIds: ['s1#0'] } }),
    );
    expect(noScale).toMatchObject({ code: 'not_found', problems: [{ where: 'scale' }] });
    const noSample = await rejection(
      t.call('tasks.create', {
        name: 'E',
        from: { kind: 'sample', perKind: { start: 0, switch: 0, continuation: 0 } },
      }),
    );
    expect(noSample.problems[0]!.where).toBe('from.perKind');
    expect(snapshot(labelsDb)).toEqual(before);
  });
});

describe('label events', () => {
  it('records grades, is idempotent by event id, and refuses bad input without writing', async () => {
    const t = await tinyWorkspace();
    const task = await loggedTask(t);
    const ev = { eventId: uuid(), taskId: task.taskId, turnId: 's1#0', kind: 'grade' as const, itemId: 'b', value: 2 };
    const ack = await t.call('labels.record', ev);
    expect(ack).toMatchObject({ eventId: ev.eventId, duplicate: false, labels: { b: 2 } });
    const again = await t.call('labels.record', ev);
    expect(again).toMatchObject({ eventId: ev.eventId, duplicate: true, seq: ack.seq, labels: { b: 2 } });

    const labelsDb = t.b.labeling.labels.path;
    const before = snapshot(labelsDb);
    const changed = await rejection(t.call('labels.record', { ...ev, value: 3 }));
    expect(changed).toMatchObject({ code: 'conflict', problems: [{ where: 'eventId' }] });
    expect(changed.message).toMatch(/different content \(value\)/);
    const notIn = await rejection(t.call('labels.record', { ...ev, eventId: uuid(), itemId: 'zzz' }));
    expect(notIn).toMatchObject({ code: 'invalid_input', problems: [{ where: 'itemId' }] });
    expect(notIn.message).toMatch(/not a candidate of turn s1#0/);
    const offScale = await rejection(t.call('labels.record', { ...ev, eventId: uuid(), value: 7 }));
    expect(offScale).toMatchObject({ code: 'invalid_input', problems: [{ where: 'value' }] });
    expect(offScale.message).toMatch(/7 is not on scale graded-0-3/);
    const otherTurn = await rejection(t.call('labels.record', { ...ev, eventId: uuid(), turnId: 's2#0' }));
    expect(otherTurn).toMatchObject({ code: 'invalid_input', problems: [{ where: 'turnId' }] });
    const noTask = await rejection(t.call('labels.record', { ...ev, eventId: uuid(), taskId: 999 }));
    expect(noTask).toMatchObject({ code: 'not_found', problems: [{ where: 'taskId' }] });
    const badId = await rejection(t.call('labels.record', { ...ev, eventId: 'x' }));
    expect(badId).toMatchObject({ code: 'invalid_input', problems: [{ where: 'eventId' }] });
    const noAnnotator = await rejection(t.call('labels.record', { ...ev, eventId: uuid(), annotatorId: 'ghost' }));
    expect(noAnnotator).toMatchObject({ code: 'not_found', problems: [{ where: 'annotatorId' }] });
    expect(snapshot(labelsDb)).toEqual(before);

    const cur = await t.call('labels.forTurn', { turnId: 's1#0', events: true });
    expect(cur.current).toEqual([
      expect.objectContaining({
        itemId: 'b',
        value: 2,
        gain: 2,
        scale: 'graded-0-3',
        taskId: task.taskId,
        eventId: ev.eventId,
      }),
    ]);
    expect(cur.events).toHaveLength(1);
  });

  it('undo is an event: it walks back grades, skips and flags one at a time', async () => {
    const t = await tinyWorkspace();
    const task = await loggedTask(t);
    const base = { taskId: task.taskId, turnId: 's1#0' };
    await t.call('labels.record', { ...base, eventId: uuid(), kind: 'grade', itemId: 'a', value: 1 });
    await t.call('labels.record', { ...base, eventId: uuid(), kind: 'grade', itemId: 'a', value: 3 });
    await t.call('labels.record', {
      ...base,
      eventId: uuid(),
      kind: 'flag',
      tags: ['bad ranking'],
      note: 'c should be first',
    });
    await t.call('labels.record', { ...base, eventId: uuid(), kind: 'skip' });
    let j = await t.call('tasks.turn', { taskId: task.taskId, ordinal: 0 });
    expect(j).toMatchObject({
      labels: { a: 3 },
      skipped: true,
      flag: { tags: ['bad ranking'], note: 'c should be first' },
      undoable: 4,
    });
    const undoId = uuid();
    let u = await t.call('labels.undo', { ...base, eventId: undoId });
    expect(u.skipped).toBe(false);
    expect((await t.call('labels.undo', { ...base, eventId: undoId })).duplicate).toBe(true); // retried undo counted once
    u = await t.call('labels.undo', { ...base, eventId: uuid() });
    expect(u.flag).toBeNull();
    u = await t.call('labels.undo', { ...base, eventId: uuid() });
    expect(u.labels).toEqual({ a: 1 }); // back to the earlier grade
    u = await t.call('labels.undo', { ...base, eventId: uuid() });
    expect(u.labels).toEqual({});
    const nothing = await rejection(t.call('labels.undo', { ...base, eventId: uuid() }));
    expect(nothing).toMatchObject({ code: 'invalid_input', problems: [{ where: 'turnId' }] });
    j = await t.call('tasks.turn', { taskId: task.taskId, ordinal: 0 });
    expect(j.undoable).toBe(0);
    expect((await t.call('labels.forTurn', { turnId: 's1#0', events: true })).events!.map((e) => e.kind)).toEqual([
      'grade',
      'grade',
      'flag',
      'skip',
      'undo',
      'undo',
      'undo',
      'undo',
    ]);
  });

  it('shows progress per task and per annotator', async () => {
    const t = await tinyWorkspace();
    const task = await loggedTask(t);
    const me = await t.call('annotator.get', {});
    await t.call('annotator.set', { annotatorId: 'bob-1234', displayName: 'Bob' });
    expect((await t.call('annotator.get', {})).displayName).toBe('Bob');
    const g = (annotatorId: string, turnId: string, itemId: string) =>
      t.call('labels.record', {
        eventId: uuid(),
        taskId: task.taskId,
        turnId,
        kind: 'grade',
        itemId,
        value: 1,
        annotatorId,
      });
    for (const id of ['a', 'b', 'c']) await g(me.annotatorId, 's1#0', id);
    await g(me.annotatorId, 's1#1', 'a');
    await g('bob-1234', 's1#2', 'd');
    await t.call('labels.record', {
      eventId: uuid(),
      taskId: task.taskId,
      turnId: 's1#1',
      kind: 'skip',
      annotatorId: 'bob-1234',
    });
    const p = (await t.call('tasks.get', { taskId: task.taskId })).progress;
    expect(p.find((x) => x.annotatorId === me.annotatorId)).toMatchObject({
      displayName: 'Annotator',
      turnsDone: 1,
      labels: 4,
      skipped: 0,
    });
    expect(p.find((x) => x.annotatorId === 'bob-1234')).toMatchObject({
      displayName: 'Bob',
      turnsDone: 1,
      labels: 1,
      skipped: 1,
    });
    // Next unfinished turn for me: s1#1 (ordinal 1); for Bob: s1#0.
    expect((await t.call('tasks.turn', { taskId: task.taskId, annotatorId: me.annotatorId })).ordinal).toBe(1);
    expect((await t.call('tasks.turn', { taskId: task.taskId, annotatorId: 'bob-1234' })).ordinal).toBe(0);
    expect((await t.call('tasks.list', {}))[0]!.progress).toHaveLength(2);
  });
});

describe('inline labels (no task: the ranking view)', () => {
  it('grades any logged candidate of a stored turn on a chosen scale; they count for labels:annotator', async () => {
    const t = await tinyWorkspace();
    const me = await t.call('annotator.get', {});
    const ack = await t.call('labels.record', {
      eventId: uuid(),
      turnId: 's2#0',
      kind: 'grade',
      itemId: 'g',
      value: 1,
      scale: 'binary',
    });
    expect(ack.labels).toEqual({ g: 1 });
    await t.call('labels.record', {
      eventId: uuid(),
      turnId: 's2#0',
      kind: 'flag',
      tags: ['bad ranking'],
      note: 'g first',
    });
    expect((await t.call('labels.forTurn', { turnId: 's2#0' })).current).toEqual([
      expect.objectContaining({ taskId: null, itemId: 'g', scale: 'binary', value: 1, gain: 1 }),
    ]);
    expect(
      (await t.call('qrels.turn', { turnId: 's2#0', setName: `labels:annotator:${me.annotatorId}` })).grades,
    ).toEqual([{ itemId: 'g', grade: 1 }]);
    const u = await t.call('labels.undo', { eventId: uuid(), turnId: 's2#0' });
    expect(u.flag).toBeNull();
    const before = snapshot(t.b.labeling.labels.path);
    expect(
      await rejection(
        t.call('labels.record', { eventId: uuid(), turnId: 's2#0', kind: 'grade', itemId: 'a', value: 1 }),
      ),
    ).toMatchObject({ code: 'invalid_input', problems: [{ where: 'itemId' }] });
    expect(
      await rejection(
        t.call('labels.record', {
          eventId: uuid(),
          turnId: 's2#0',
          kind: 'grade',
          itemId: 'g',
          value: 2,
          scale: 'binary',
        }),
      ),
    ).toMatchObject({ problems: [{ where: 'value' }] });
    expect(
      await rejection(
        t.call('labels.record', { eventId: uuid(), turnId: 's9#0', kind: 'grade', itemId: 'g', value: 1 }),
      ),
    ).toMatchObject({ code: 'not_found', problems: [{ where: 'turnId' }] });
    expect(
      await rejection(
        t.call('labels.record', {
          eventId: uuid(),
          turnId: 's2#0',
          kind: 'grade',
          itemId: 'g',
          value: 1,
          scale: 'nope',
        }),
      ),
    ).toMatchObject({ code: 'not_found', problems: [{ where: 'scale' }] });
    expect(await rejection(t.call('labels.record', { eventId: uuid(), turnId: 's2#0', kind: 'skip' }))).toMatchObject({
      problems: [{ where: 'kind' }],
    });
    expect(snapshot(t.b.labeling.labels.path)).toEqual(before);
  });
});

describe('arena', () => {
  it('places models left/right at random, stores picks in model terms, and reports win rates with Wilson intervals by kind', async () => {
    const t = await tinyWorkspace();
    const task = await t.call('tasks.create', {
      name: 'Arena',
      from: { kind: 'turns', turnIds: ['s1#0', 's1#1', 's1#2', 's2#0'] },
      pool: { source: 'union', modelA: t.A, modelB: t.B, k: 2 },
    });
    const n = await t.call('arena.next', { taskId: task.taskId });
    expect(n).toMatchObject({ ordinal: 0, total: 4, judged: 0, turnId: 's1#0', outcome: null, finished: false });
    const sides = [n.left.candidates.map((c) => c.itemId), n.right.candidates.map((c) => c.itemId)].map((x) =>
      x.join(),
    );
    expect(sides.sort()).toEqual(['a,b', 'c,b']); // A: a,b  B: c,b
    const leftIsA = n.left.candidates[0]!.itemId === 'a';
    // Pick model A on every turn (whichever side it is on).
    for (let i = 0; i < 4; i++) {
      const turn = await t.call('arena.next', { taskId: task.taskId });
      const aItems = { 's1#0': 'a', 's1#1': 'a', 's1#2': 'd', 's2#0': 'f' }[turn.turnId]!;
      const outcome = turn.left.candidates[0]!.itemId === aItems ? 'left' : 'right';
      await t.call('arena.record', { eventId: uuid(), taskId: task.taskId, turnId: turn.turnId, outcome });
    }
    expect((await t.call('arena.next', { taskId: task.taskId })).finished).toBe(true);
    const again = await t.call('arena.next', { taskId: task.taskId, ordinal: 0 });
    expect(again.outcome).toBe(leftIsA ? 'left' : 'right');
    const [stats] = await t.call('arena.stats', { taskId: task.taskId });
    const aIsFirst = t.A < t.B;
    const all = stats!.byKind.all;
    expect(all).toMatchObject({ n: 4, ties: 0, bothBad: 0, winsA: aIsFirst ? 4 : 0, winsB: aIsFirst ? 0 : 4 });
    // Wilson 95% for 4/4: [0.510, 1].
    if (aIsFirst) expect(all.low!).toBeCloseTo(0.5101, 3);
    else expect(all.high!).toBeCloseTo(0.4899, 3);
    expect(stats!.byKind.start.n).toBe(2);
    expect(stats!.byKind.switch.n).toBe(1);
    expect(stats!.byKind.continuation.n).toBe(1);
    const logged = await t.call('tasks.create', { name: 'L', from: { kind: 'turns', turnIds: ['s1#0'] } });
    const notArena = await rejection(t.call('arena.next', { taskId: logged.taskId }));
    expect(notArena).toMatchObject({ code: 'invalid_input', problems: [{ where: 'taskId' }] });
  });
});

describe('labels as a grades source', () => {
  it('qrels.turn and metrics.turns accept labels:task:<id> and labels:annotator:<id>', async () => {
    const t = await tinyWorkspace();
    const task = await loggedTask(t);
    const me = await t.call('annotator.get', {});
    const g = (turnId: string, itemId: string, value: number) =>
      t.call('labels.record', { eventId: uuid(), taskId: task.taskId, turnId, kind: 'grade', itemId, value });
    await g('s1#0', 'c', 2);
    await g('s1#0', 'b', 1);
    await g('s1#1', 'a', 3);
    await g('s1#2', 'e', 1);
    const src = `labels:task:${task.taskId}`;
    expect(await t.call('qrels.turn', { turnId: 's1#0', setName: src })).toEqual({
      setName: src,
      turnId: 's1#0',
      grades: [
        { itemId: 'b', grade: 1 },
        { itemId: 'c', grade: 2 },
      ],
    });
    expect(
      (await t.call('qrels.turn', { turnId: 's1#0', setName: `labels:annotator:${me.annotatorId}` })).grades,
    ).toHaveLength(2);
    const m = await t.call('metrics.turns', { modelA: t.A, modelB: t.B, setName: src });
    expect(m.total).toBe(3);
    const s10 = m.rows.find((r) => r.turnId === 's1#0')!;
    // B ranks c, b, a → ideal: NDCG 1, RR 1.
    expect(s10.ndcgB).toBeCloseTo(1, 12);
    expect(s10.mrrA).toBeCloseTo(0.5, 12);
    // A new label changes the metrics (the cache is keyed by the labels' version).
    const before = m.rows.find((r) => r.turnId === 's1#2')!;
    expect(before.ndcgA).toBeCloseTo(1 / Math.log2(3), 12); // A: d, e with e relevant
    await g('s1#2', 'd', 3);
    const after = (await t.call('metrics.turns', { modelA: t.A, modelB: t.B, setName: src })).rows.find(
      (r) => r.turnId === 's1#2',
    )!;
    expect(after.ndcgA).toBeCloseTo(1, 12);
    const bad = await rejection(t.call('qrels.turn', { turnId: 's1#0', setName: 'labels:task:999' }));
    expect(bad).toMatchObject({ code: 'not_found', problems: [{ where: 'setName' }] });
    const regress = await t.call('tasks.create', {
      name: 'R',
      from: { kind: 'regressions', modelA: t.A, modelB: t.B, setName: src, limit: 2 },
    });
    expect(regress.turns).toBe(2);
  });
});

describe('labels database file', () => {
  it('lives next to the workspace and is refused when written by a newer version', async () => {
    const t = await tinyWorkspace();
    expect(t.b.labeling.labels.path).toBe(join(t.dir, 'ws.db.labels.db'));
    await t.b.close();
    const db = new DatabaseSync(join(t.dir, 'ws.db.labels.db'));
    db.exec('PRAGMA user_version = 99');
    db.close();
    let err: unknown;
    try {
      openBackend({ workspacePath: join(t.dir, 'ws.db'), host: 'cli', pathRoots: null });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'unsupported' });
    expect((err as Error).message).toMatch(/labels schema version 99/);
  });
});
