// Label-event files (docs/team.md "File exchange"): a round trip between two workspaces, idempotent
// re-import, events for turns or items this workspace lacks reported (and kept), and bad files —
// a newer version, an unknown annotator, scale or task, a malformed line, a value off the scale, a
// reused event id — refused with file:line:field and nothing changed (content hash).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_KINDS, EXCHANGE_VERSION } from '../../../src-backend/team/format.ts';
import { labelsContentHash } from './pg.ts';
import * as T from '../../../src-backend/store/labels/team.ts';
import { currentLabels, eventSet, grade, rejection, teamWorkspace, uuid, type Ws } from './helpers.ts';

const CLI = join(import.meta.dirname, '..', '..', '..', 'src-backend', 'hosts', 'cli.ts');

async function labelled(): Promise<{ a: Ws; taskId: number; file: string }> {
  const a = await teamWorkspace();
  await a.call('annotator.set', { displayName: 'Ana' });
  await a.call('scales.create', {
    name: 'tri',
    levels: [
      { key: 'a', value: 0, gain: 0, label: 'No' },
      { key: 'b', value: 1, gain: 1, label: 'Maybe' },
      { key: 'c', value: 2, gain: 4, label: 'Yes' },
    ],
  });
  const task = await a.call('tasks.create', {
    name: 'T',
    scale: 'tri',
    from: { kind: 'turns', turnIds: ['s1#0', 's1#2'] },
  });
  await grade(a, task.taskId, 's1#0', 'a', 2);
  await grade(a, task.taskId, 's1#0', 'b', 1);
  await grade(a, task.taskId, 's1#0', 'b', 0);
  await a.call('labels.undo', { eventId: uuid(), taskId: task.taskId, turnId: 's1#0' });
  await a.call('labels.record', { eventId: uuid(), taskId: task.taskId, turnId: 's1#2', kind: 'skip' });
  await a.call('labels.record', {
    eventId: uuid(),
    taskId: task.taskId,
    turnId: 's1#2',
    kind: 'flag',
    tags: ['x'],
    note: 'odd',
  });
  await grade(a, undefined, 's2#0', 'f', 3);
  const file = join(a.dir, 'ana.labels.jsonl');
  const r = await a.call('labels.exportEvents', { path: file });
  expect(r).toMatchObject({ version: EXCHANGE_VERSION, events: 7, annotators: 1, tasks: 1, scales: 2 });
  return { a, taskId: task.taskId, file };
}

const lines = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n');
const rewrite = (
  file: string,
  to: string,
  edit: (ls: Record<string, unknown>[]) => (Record<string, unknown> | string)[],
) => {
  const out = edit(lines(file).map((l) => JSON.parse(l) as Record<string, unknown>));
  writeFileSync(to, out.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('\n') + '\n');
  return to;
};

describe('label-event files', () => {
  it('round trip: another workspace gets the same events, task, scale and current labels; a re-import changes nothing', async () => {
    const { a, file } = await labelled();
    const header = JSON.parse(lines(file)[0]!) as { format: string; version: number; tasks: { taskUid: string }[] };
    expect(header).toMatchObject({ format: 'qgs-label-events', version: 1 });
    const b = await teamWorkspace();
    await b.call('annotator.set', { displayName: 'Ben' });
    const r = await b.call('labels.importEvents', { path: file });
    expect(r).toMatchObject({ events: 7, inserted: 7, duplicates: 0, annotatorsAdded: 1, scalesAdded: 1 });
    expect(r.tasksAdded.map((t) => t.name)).toEqual(['T']);
    expect(r.missingTurns.events).toBe(0);
    expect(r.missingItems.events).toBe(0);
    expect(eventSet(b)).toEqual(eventSet(a));
    expect(await currentLabels(b)).toEqual(await currentLabels(a));
    const tb = (await b.call('tasks.list', {}))[0]!;
    expect(tb.progress).toEqual((await a.call('tasks.list', {}))[0]!.progress);
    // Idempotent: the same file again inserts nothing and changes nothing.
    const before = labelsContentHash(b.labelsPath);
    const again = await b.call('labels.importEvents', { path: file });
    expect(again).toMatchObject({ inserted: 0, duplicates: 7, annotatorsAdded: 0, scalesAdded: 0, tasksAdded: [] });
    expect(labelsContentHash(b.labelsPath)).toBe(before);
    // B labels the same task; A imports B's export (everyone's): A gets B's events, B's file had A's too.
    await grade(b, tb.taskId, 's1#2', 'd', 2);
    const fileB = join(b.dir, 'all.jsonl');
    expect((await b.call('labels.exportEvents', { path: fileB, all: true })).events).toBe(8);
    const back = await a.call('labels.importEvents', { path: fileB });
    expect(back).toMatchObject({ inserted: 1, duplicates: 7, tasksAdded: [] });
    expect(eventSet(a)).toEqual(eventSet(b));
    expect(await currentLabels(a)).toEqual(await currentLabels(b));
  });

  it("a lead's adjudication travels in the file: the other workspace's adjudicated consensus is the same", async () => {
    const { a, taskId, file } = await labelled();
    await a.call('labels.adjudicate', { eventId: uuid(), taskId, turnId: 's1#0', itemId: 'b', value: 2, note: 'lead' });
    await a.call('labels.exportEvents', { path: file });
    const header = JSON.parse(lines(file)[0]!) as { tasks: { taskUid: string }[] };
    const b = await teamWorkspace();
    const r = await b.call('labels.importEvents', { path: file });
    expect(r).toMatchObject({ events: 8, inserted: 8 });
    const uidOf = T.taskUidMap(b.b.labeling.labels);
    const bTask = [...uidOf].find(([, uid]) => uid === header.tasks[0]!.taskUid)![0];
    const consensus = async (w: Ws, id: number) =>
      (await w.call('qrels.turn', { turnId: 's1#0', setName: `labels:consensus:${id}:adjudicated` })).grades;
    expect(await consensus(b, bTask)).toEqual(await consensus(a, taskId));
    expect((await consensus(b, bTask)).find((g) => g.itemId === 'b')?.grade).toBe(4); // the gain of value 2 on "tri"
  });

  it('a task whose name is taken here keeps its global id and gets the id in its name', async () => {
    const { file } = await labelled();
    const b = await teamWorkspace();
    await b.call('tasks.create', { name: 'T', from: { kind: 'turns', turnIds: ['s2#0'] } });
    const r = await b.call('labels.importEvents', { path: file });
    const uid = (JSON.parse(lines(file)[0]!) as { tasks: { taskUid: string }[] }).tasks[0]!.taskUid;
    expect(r.tasksAdded).toEqual([{ taskUid: uid, name: `T · ${uid.slice(0, 8)}`, taskId: 2 }]);
    expect((await b.call('tasks.list', {})).map((t) => t.name).sort()).toEqual(['T', `T · ${uid.slice(0, 8)}`]);
  });

  it('events for turns or items this workspace lacks are stored and reported, not dropped', async () => {
    const { a, file } = await labelled();
    const b = await teamWorkspace();
    const ev = (turnId: string, itemId: string) => ({
      eventId: uuid(),
      annotatorId: (JSON.parse(lines(file)[0]!) as { annotators: { annotatorId: string }[] }).annotators[0]!
        .annotatorId,
      createdAt: '2026-01-01T00:00:00.000Z',
      taskUid: null,
      turnId,
      itemId,
      kind: 'grade',
      scale: 'graded-0-3',
      value: 1,
      gain: 1,
      outcome: null,
      modelA: null,
      modelB: null,
      tags: null,
      note: null,
      undoes: null,
    });
    const f = rewrite(file, join(a.dir, 'missing.jsonl'), (ls) => [
      ...ls,
      ev('zz#0', 'q'),
      ev('zz#1', 'q'),
      ev('s1#0', 'not-there'),
    ]);
    const r = await b.call('labels.importEvents', { path: f });
    expect(r.inserted).toBe(10);
    expect(r.missingTurns).toEqual({ events: 2, turnIds: ['zz#0', 'zz#1'] });
    expect(r.missingItems).toEqual({ events: 1, items: [{ turnId: 's1#0', itemId: 'not-there' }] });
    expect(eventSet(b)).toHaveLength(10);
  });

  it('bad files are refused with file:line:field and change nothing', async () => {
    const { a, file } = await labelled();
    const b = await teamWorkspace();
    await grade(b, undefined, 's1#0', 'c', 1);
    const before = labelsContentHash(b.labelsPath);
    const name = (n: string) => join(a.dir, n);
    const cases: [string, string, string, RegExp][] = [
      [
        rewrite(file, name('newer.jsonl'), ([h, ...r]) => [{ ...h, version: 2 }, ...r]),
        'unsupported',
        'newer.jsonl:1:version',
        /format version 2.*reads up to version 1/,
      ],
      [
        rewrite(file, name('who.jsonl'), (ls) =>
          ls.map((l, i) => (i === 3 ? { ...l, annotatorId: 'nobody-known' } : l)),
        ),
        'invalid_file',
        'who.jsonl:4:annotatorId',
        /unknown annotator "nobody-known"/,
      ],
      [
        rewrite(file, name('scale.jsonl'), (ls) => ls.map((l, i) => (i === 1 ? { ...l, scale: 'no-such-scale' } : l))),
        'invalid_file',
        'scale.jsonl:2:scale',
        /unknown scale "no-such-scale"/,
      ],
      [
        rewrite(file, name('task.jsonl'), (ls) => ls.map((l, i) => (i === 2 ? { ...l, taskUid: 'ffffffff-task' } : l))),
        'invalid_file',
        'task.jsonl:3:taskUid',
        /unknown task "ffffffff-task"/,
      ],
      [
        rewrite(file, name('malformed.jsonl'), (ls) => ls.map((l, i) => (i === 3 ? '{"eventId": "abc' : l))),
        'invalid_file',
        'malformed.jsonl:4',
        /not JSON/,
      ],
      [
        rewrite(file, name('value.jsonl'), (ls) => ls.map((l, i) => (i === 1 ? { ...l, value: 7 } : l))),
        'invalid_file',
        'value.jsonl:2:value',
        /7 is not on scale tri/,
      ],
      [
        rewrite(file, name('field.jsonl'), (ls) => ls.map((l, i) => (i === 2 ? { ...l, kind: 'vote' } : l))),
        'invalid_file',
        'field.jsonl:3:kind',
        /./,
      ],
      [
        rewrite(file, name('last.jsonl'), (ls) => [...ls, { ...ls[1]!, eventId: uuid(), itemId: null }]),
        'invalid_file',
        'last.jsonl:9:itemId',
        /a grade needs itemId/,
      ],
      [
        rewrite(file, name('header.jsonl'), ([, ...r]) => r),
        'invalid_file',
        'header.jsonl:1:format',
        /not a label-event file/,
      ],
    ];
    for (const [path, code, where, msg] of cases) {
      const err = await rejection(b.call('labels.importEvents', { path }));
      expect(err.code, where).toBe(code);
      expect(err.problems[0]?.where, where).toBe(where);
      expect(err.message + err.problems[0]!.message, where).toMatch(msg);
      expect(labelsContentHash(b.labelsPath), where).toBe(before);
    }
    // A reused event id with other content, after the file's valid events were applied in the same transaction.
    await b.call('labels.importEvents', { path: file });
    const afterGood = labelsContentHash(b.labelsPath);
    const clash = rewrite(file, name('clash.jsonl'), (ls) => [
      ...ls,
      { ...ls[7]!, eventId: uuid() },
      { ...ls[1]!, value: 0 },
    ]);
    const err = await rejection(b.call('labels.importEvents', { path: clash }));
    expect(err.problems[0]?.where).toBe('clash.jsonl:10:eventId');
    expect(err.message).toMatch(/already recorded here with other content \(value\)/);
    expect(labelsContentHash(b.labelsPath)).toBe(afterGood);
  });

  it('a refused import that had added a task leaves no trace: the next task made here (same id) is itself', async () => {
    const { a, file } = await labelled();
    const b = await teamWorkspace();
    // Found while applying (the task and 7 events were already in the transaction), not while reading.
    const bad = rewrite(file, join(a.dir, 'late.jsonl'), (ls) => [
      ...ls,
      { ...ls[1]!, eventId: uuid(), annotatorId: 'nobody-known' },
    ]);
    expect((await rejection(b.call('labels.importEvents', { path: bad }))).problems[0]?.where).toBe(
      'late.jsonl:9:annotatorId',
    );
    expect(await b.call('tasks.list', {})).toEqual([]);
    // SQLite hands out the rolled-back task's id again; nothing cached may describe the old task.
    const t = await b.call('tasks.create', { name: 'mine', from: { kind: 'turns', turnIds: ['s2#0'] } });
    expect(t).toMatchObject({ taskId: 1, turns: 1, candidates: 2 });
    await grade(b, t.taskId, 's2#0', 'f', 1);
    await grade(b, t.taskId, 's2#0', 'g', 0);
    expect((await b.call('tasks.get', { taskId: t.taskId })).progress[0]).toMatchObject({ turnsDone: 1, labels: 2 });
  });

  it('the CLI exports and imports', async () => {
    const { a, file } = await labelled();
    await a.b.close();
    const b = await teamWorkspace();
    await b.b.close();
    const out = join(a.dir, 'cli.jsonl');
    const run = (ws: string, ...args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args, '--workspace', join(ws, 'ws.db')], { encoding: 'utf8' });
    const ex = run(a.dir, 'labels', 'export-events', out);
    expect(ex.status, ex.stderr).toBe(0);
    expect(ex.stdout).toMatch(/wrote 7 label events \(format version 1; 1 annotators, 1 tasks, 2 scales\)/);
    expect(lines(out).slice(1)).toEqual(lines(file).slice(1));
    const im = run(b.dir, 'labels', 'import-events', out);
    expect(im.status, im.stderr).toBe(0);
    expect(im.stdout).toMatch(/7 events: 7 new, 0 already here/);
    const bad = run(
      b.dir,
      'labels',
      'import-events',
      rewrite(out, join(a.dir, 'v9.jsonl'), ([h, ...r]) => [{ ...h, version: 9 }, ...r]),
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/error \(unsupported\): v9\.jsonl is label-event format version 9/);
  });

  it('the JSON Schema in docs/schema says what the reader accepts (version, kinds)', () => {
    const schema = JSON.parse(
      readFileSync(
        join(import.meta.dirname, '..', '..', '..', 'docs', 'schema', 'label-events-v1.schema.json'),
        'utf8',
      ),
    ) as {
      $defs: {
        header: { properties: { version: { const: number } } };
        event: { properties: { kind: { enum: string[] } } };
      };
    };
    expect(schema.$defs.header.properties.version.const).toBe(EXCHANGE_VERSION);
    expect(schema.$defs.event.properties.kind.enum).toEqual([...EVENT_KINDS]);
  });
});
