// Grades sources of the ranking / diff views (lib/grades-source.ts, lib/grades.svelte.ts): the
// picker's options, the `g=` URL param, which source is editable and on which scale, what a key
// does, and the inline-grading state against a scripted backend through the real ApiClient and the
// real label outbox: "saved" only after the acknowledgement, grades re-read after it, same-id retry.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, type Transport } from '../../../src-common/api/client.ts';
import type { Scale, TaskSummary } from '../../../src-common/api/labeling-types.ts';
import { ApiError } from '../../../src-common/errors.ts';
import {
  editTarget,
  gradeKey,
  kindOf,
  MINE,
  parseGradesParam,
  resolveSetName,
  sourceLabel,
  sourceOptions,
} from '../../../src-renderer/src/lib/grades-source.ts';
import { GradeSource } from '../../../src-renderer/src/lib/grades.svelte.ts';
import { LabelOutbox } from '../../../src-renderer/src/lib/label-outbox.ts';
import { parseHash, routeHash } from '../../../src-renderer/src/lib/routes.ts';

const level = (key: string, value: number, gain = value) => ({ key, value, gain, label: `L${key}`, description: '' });
const graded: Scale = {
  name: 'graded-0-3',
  builtin: true,
  description: '',
  levels: [level('0', 0), level('1', 1), level('2', 2), level('3', 3)],
};
const esci: Scale = {
  name: 'esci',
  builtin: true,
  description: '',
  levels: [level('1', 3), level('2', 2), level('3', 1), level('4', 0)],
};
const me = { annotatorId: 'ann-1234', displayName: 'Ada' };
const task = (taskId: number, name: string, scale: string) => ({ taskId, name, scale }) as unknown as TaskSummary;
const tasks = [task(7, 'switch turns', 'esci'), task(9, 'regressions', 'graded-0-3')];
const key = (k: string, mod: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) => ({
  key: k,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  ...mod,
});

describe('grades source options and resolution', () => {
  it('lists every qrels set, then My labels, then each task', () => {
    expect(sourceOptions(['ground-truth', 'click-qrels'], me, tasks)).toEqual([
      { value: 'ground-truth', label: 'ground-truth', kind: 'qrels' },
      { value: 'click-qrels', label: 'click-qrels', kind: 'qrels' },
      { value: MINE, label: 'My labels', kind: 'mine' },
      { value: 'labels:task:7', label: 'Task: switch turns', kind: 'task', taskId: 7 },
      { value: 'labels:task:9', label: 'Task: regressions', kind: 'task', taskId: 9 },
    ]);
    // Without an annotator (labels database unavailable) there is no "My labels".
    expect(sourceOptions(['ground-truth'], null, []).map((o) => o.kind)).toEqual(['qrels']);
  });

  it('resolves My labels to this annotator, leaves qrels sets and tasks as they are', () => {
    expect(resolveSetName(MINE, me)).toBe('labels:annotator:ann-1234');
    expect(resolveSetName(MINE, null)).toBeNull();
    expect(resolveSetName('labels:task:7', me)).toBe('labels:task:7');
    expect(resolveSetName('ground-truth', me)).toBe('ground-truth');
    expect(resolveSetName(null, me)).toBeNull();
    expect(kindOf('labels:annotator:ann-9999')).toBe('annotator');
    expect(kindOf('ground-truth')).toBe('qrels');
  });

  it('names choices, also ones not in the lists (an old link)', () => {
    const opts = sourceOptions(['ground-truth'], me, tasks);
    expect(sourceLabel('labels:task:7', opts)).toBe('Task: switch turns');
    expect(sourceLabel('labels:task:42', opts)).toBe('Task #42');
    expect(sourceLabel('labels:annotator:bob-1', opts)).toBe('labels of bob-1');
    expect(sourceLabel(null, opts)).toBe('no grades');
  });

  it('is editable for My labels (graded-0-3) and tasks (their scale); qrels and other annotators are read-only', () => {
    const scales = [graded, esci];
    expect(editTarget(MINE, tasks, scales)).toEqual({ scale: graded });
    expect(editTarget('labels:task:7', tasks, scales)).toEqual({ taskId: 7, scale: esci });
    expect(editTarget('labels:task:8', tasks, scales)).toBeNull();
    expect(editTarget('ground-truth', tasks, scales)).toBeNull();
    expect(editTarget('labels:annotator:bob-1', tasks, scales)).toBeNull();
    expect(editTarget(MINE, tasks, null)).toBeNull();
  });

  it('maps keys: the scale keys grade with the level value, u undoes, modified keys and others do nothing', () => {
    expect(gradeKey(key('2'), graded)).toEqual({ kind: 'grade', level: graded.levels[2] });
    // ESCI: key 1 is Exact, stored value 3.
    expect(gradeKey(key('1'), esci)).toEqual({ kind: 'grade', level: esci.levels[0] });
    expect(gradeKey(key('4'), graded)).toBeNull();
    expect(gradeKey(key('u'), graded)).toEqual({ kind: 'undo' });
    expect(gradeKey(key('2', { ctrlKey: true }), graded)).toBeNull();
    expect(gradeKey(key('u', { metaKey: true }), graded)).toBeNull();
    for (const k of ['j', 'k', 'J', 'K', 'W', 'n', 'Enter']) expect(gradeKey(key(k), graded)).toBeNull();
  });
});

describe('g= in the session route', () => {
  it('round-trips qrels sets, My labels and tasks next to the models', () => {
    for (const grades of ['click qrels', MINE, 'labels:task:12', 'labels:annotator:ann-1234']) {
      const r = { name: 'session' as const, sessionId: 's1', turn: 3, models: ['84f4e9a9175e'], grades };
      expect(parseHash(routeHash(r))).toEqual(r);
    }
    expect(routeHash({ name: 'session', sessionId: 's1', turn: 3, grades: MINE })).toBe(
      '#/session/s1/turn/3?g=labels:mine',
    );
    expect(routeHash({ name: 'session', sessionId: 's1', turn: 3, models: ['84f4e9a9175e'] })).toBe(
      '#/session/s1/turn/3?m=84f4e9a9175e',
    );
  });

  it('drops a malformed g (the default set is used instead)', () => {
    expect(parseHash('#/session/s1/turn/3?g=labels:task:abc')).toEqual({ name: 'session', sessionId: 's1', turn: 3 });
    expect(parseHash('#/session/s1/turn/3?g=')).toEqual({ name: 'session', sessionId: 's1', turn: 3 });
    expect(parseGradesParam('labels:whatever')).toBeNull();
    expect(parseGradesParam('x'.repeat(257))).toBeNull();
    expect(parseGradesParam(' ground-truth ')).toBe('ground-truth');
  });
});

describe('GradeSource inline grading', () => {
  let calls: { method: string; input: any }[];
  /** Labels the scripted backend holds for the turn: item → value (one annotator, outside tasks). */
  let stored: Map<string, number>;
  let history: [string, number | undefined][];
  let recorded: Set<string>;
  let unreachable: number;
  let refuse: boolean;
  let src: GradeSource;

  const transport: Transport = {
    async call(method, input: any) {
      calls.push({ method, input });
      switch (method) {
        case 'workspace.stats':
          return { qrelsSets: ['ground-truth'] };
        case 'annotator.get':
          return { ...me, all: [me] };
        case 'tasks.list':
          return tasks;
        case 'scales.list':
          return [graded, esci];
        case 'qrels.turn':
          if (input.setName === 'ground-truth')
            return { turnId: input.turnId, setName: input.setName, grades: [{ itemId: 'a', grade: 3 }] };
          return {
            turnId: input.turnId,
            setName: input.setName,
            grades: [...stored].map(([itemId, grade]) => ({ itemId, grade })),
          };
        case 'labels.forTurn':
          return {
            turnId: input.turnId,
            current: [...stored].map(([itemId, value]) => ({
              annotatorId: me.annotatorId,
              taskId: null,
              itemId,
              scale: 'graded-0-3',
              value,
              gain: value,
              eventId: 'e',
            })),
          };
        case 'labels.record': {
          if (unreachable > 0) {
            unreachable--;
            throw new ApiError('internal', 'cannot reach the backend');
          }
          if (refuse)
            throw new ApiError('invalid_input', 'item "zz" is not a candidate of turn s#1', [
              { where: 'itemId', message: 'not a candidate' },
            ]);
          if (!recorded.has(input.eventId)) {
            recorded.add(input.eventId);
            history.push([input.itemId, stored.get(input.itemId)]);
            stored.set(input.itemId, input.value);
          }
          return {
            eventId: input.eventId,
            seq: calls.length,
            duplicate: false,
            recordedAt: '',
            labels: Object.fromEntries(stored),
            skipped: false,
            flag: null,
          };
        }
        case 'labels.undo': {
          const [item, was] = history.pop()!;
          if (was === undefined) stored.delete(item);
          else stored.set(item, was);
          return {
            eventId: input.eventId,
            seq: calls.length,
            duplicate: false,
            recordedAt: '',
            labels: Object.fromEntries(stored),
            skipped: false,
            flag: null,
            undid: 'x',
          };
        }
      }
      throw new Error(`unexpected ${method}`);
    },
  };
  const sent = (m: string) => calls.filter((c) => c.method === m);
  const settle = () => vi.advanceTimersByTimeAsync(5);

  beforeEach(async () => {
    vi.useFakeTimers();
    calls = [];
    stored = new Map();
    history = [];
    recorded = new Set();
    unreachable = 0;
    refuse = false;
    const client = new ApiClient(transport);
    const outbox = new LabelOutbox(() => client, null);
    outbox.backoff = () => 50;
    src = new GradeSource(client, { outbox, choice: null });
    await src.loadSets();
    src.load('s#1');
    await settle();
  });
  afterEach(() => {
    src.dispose();
    vi.useRealTimers();
  });

  it('defaults to the first qrels set, read-only', () => {
    expect(src.choice).toBe('ground-truth');
    expect(src.target).toBeNull();
    expect(src.grades).toEqual(new Map([['a', 3]]));
    expect(src.options.map((o) => o.label)).toEqual([
      'ground-truth',
      'My labels',
      'Task: switch turns',
      'Task: regressions',
    ]);
  });

  it('My labels: reads this annotator’s labels, a grade is "saving" until acknowledged, then grades are re-read', async () => {
    src.choose(MINE);
    await settle();
    expect(sent('qrels.turn').at(-1)!.input).toEqual({ turnId: 's#1', setName: 'labels:annotator:ann-1234' });
    expect(src.target?.scale.name).toBe('graded-0-3');
    expect(src.grades).toEqual(new Map());

    unreachable = 1; // first try fails to reach the backend: kept and retried with the same event id
    const done = src.grade('b', 2);
    expect(src.marks.get('b')?.state).toBe('saving');
    await settle();
    expect(src.marks.get('b')?.state).toBe('saving');
    expect(src.grades).toEqual(new Map()); // NDCG does not move before the acknowledgement
    await vi.advanceTimersByTimeAsync(60);
    expect(await done).toBe(true);
    const records = sent('labels.record');
    expect(records).toHaveLength(2);
    expect(records[0]!.input.eventId).toBe(records[1]!.input.eventId);
    expect(records[0]!.input).toMatchObject({
      turnId: 's#1',
      kind: 'grade',
      itemId: 'b',
      value: 2,
      scale: 'graded-0-3',
    });
    expect(records[0]!.input.taskId).toBeUndefined();
    expect(src.marks.get('b')?.state).toBe('saved');
    await settle();
    expect(src.grades).toEqual(new Map([['b', 2]]));
    expect(src.mine).toEqual(new Map([['b', 2]]));
  });

  it('undo goes through the outbox, marks the item undone and re-reads the grades', async () => {
    src.choose(MINE);
    await settle();
    await src.grade('b', 2);
    await src.grade('c', 1);
    await settle();
    expect(await src.undo()).toBe(true);
    await settle();
    expect(sent('labels.undo')[0]!.input).toMatchObject({ turnId: 's#1' });
    expect(sent('labels.undo')[0]!.input.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(src.marks.get('c')?.state).toBe('undone');
    expect(src.mine).toEqual(new Map([['b', 2]]));
    expect(src.grades).toEqual(new Map([['b', 2]]));
  });

  it('a task source writes into the task on its scale', async () => {
    src.choose('labels:task:7');
    await settle();
    expect(src.target).toEqual({ taskId: 7, scale: esci });
    expect(sent('labels.forTurn').at(-1)!.input).toEqual({ turnId: 's#1', annotatorId: me.annotatorId, taskId: 7 });
    await src.grade('b', 3);
    expect(sent('labels.record').at(-1)!.input).toMatchObject({ taskId: 7, itemId: 'b', value: 3 });
    expect(sent('labels.record').at(-1)!.input.scale).toBeUndefined();
  });

  it('a refused grade is marked "not saved" and changes no grade', async () => {
    src.choose(MINE);
    await settle();
    refuse = true;
    expect(await src.grade('zz', 1)).toBe(false);
    expect(src.marks.get('zz')?.state).toBe('failed');
    await settle();
    expect(src.grades).toEqual(new Map());
  });

  it('a read-only source writes nothing', async () => {
    expect(await src.grade('a', 1)).toBe(false);
    expect(await src.undo()).toBe(false);
    expect(sent('labels.record')).toHaveLength(0);
    expect(sent('labels.undo')).toHaveLength(0);
  });
});
