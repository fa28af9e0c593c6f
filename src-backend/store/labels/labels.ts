// Every SQL statement on the labels database (docs/labeling.md): scales, annotators, tasks, the
// append-only label events and the derived current labels. Domain rules (what may be recorded,
// pooling, ordering, arena placement) are in src-backend/labeling/.
import { randomUUID } from 'node:crypto';
import type { SQLInputValue } from 'node:sqlite';
import { ApiError } from '../../../src-common/errors.ts';
import type {
  AnnotatorProgress,
  Annotator,
  LabelEvent,
  Scale,
  ScaleLevel,
  TaskSpec,
  TurnFlag,
  TurnKindL,
} from '../../../src-common/api/labeling-types.ts';
import { inTransaction, type LabelsDb } from './db.ts';

const now = () => new Date().toISOString();

// ---- Scales ----

/** Built-in scales, created on first use of a labels database. */
export const BUILTIN_SCALES: Scale[] = [
  {
    name: 'graded-0-3',
    builtin: true,
    description: 'Four-level graded relevance (TREC Deep Learning / T2Ranking).',
    levels: [
      { key: '0', value: 0, gain: 0, label: 'Irrelevant', description: 'Has nothing to do with the query.' },
      { key: '1', value: 1, gain: 1, label: 'Related', description: 'On the topic, but does not answer the query.' },
      {
        key: '2',
        value: 2,
        gain: 2,
        label: 'Highly relevant',
        description: 'Answers the query, partly or with extra effort.',
      },
      { key: '3', value: 3, gain: 3, label: 'Perfectly relevant', description: 'Exactly what the query asks for.' },
    ],
  },
  {
    name: 'esci',
    builtin: true,
    description:
      'Shopping queries (Amazon ESCI): Exact, Substitute, Complement, Irrelevant. Gains 3/2/1/0 so Exact counts most and Irrelevant not at all.',
    levels: [
      {
        key: '1',
        value: 3,
        gain: 3,
        label: 'Exact',
        description: 'The item matches the query in every specified attribute.',
      },
      {
        key: '2',
        value: 2,
        gain: 2,
        label: 'Substitute',
        description: 'Fails some aspect of the query but can stand in for it.',
      },
      {
        key: '3',
        value: 1,
        gain: 1,
        label: 'Complement',
        description: 'Does not match, but goes with an exact item (an accessory).',
      },
      {
        key: '4',
        value: 0,
        gain: 0,
        label: 'Irrelevant',
        description: 'Irrelevant, or fails a central aspect of the query.',
      },
    ],
  },
  {
    name: 'binary',
    builtin: true,
    description: 'Relevant or not.',
    levels: [
      { key: '0', value: 0, gain: 0, label: 'Not relevant', description: '' },
      { key: '1', value: 1, gain: 1, label: 'Relevant', description: '' },
    ],
  },
];

const seeded = new WeakSet<LabelsDb>();
/** Once per connection (not per call: INSERT OR IGNORE would take the write lock every time). */
function ensureBuiltins(l: LabelsDb): void {
  if (seeded.has(l)) return;
  seeded.add(l);
  const ins = l.db.prepare(
    'INSERT OR IGNORE INTO scales (name, builtin, description, levels, created_at) VALUES (?, 1, ?, ?, ?)',
  );
  for (const s of BUILTIN_SCALES) ins.run(s.name, s.description, JSON.stringify(s.levels), now());
}

interface ScaleRow {
  name: string;
  builtin: number;
  description: string;
  levels: string;
}
const toScale = (r: ScaleRow): Scale => ({
  name: r.name,
  builtin: r.builtin === 1,
  description: r.description,
  levels: JSON.parse(r.levels) as ScaleLevel[],
});

export function listScales(l: LabelsDb): Scale[] {
  ensureBuiltins(l);
  return (
    l.db
      .prepare('SELECT name, builtin, description, levels FROM scales ORDER BY builtin DESC, name')
      .all() as unknown as ScaleRow[]
  ).map(toScale);
}

export function findScale(l: LabelsDb, name: string): Scale | null {
  ensureBuiltins(l);
  const r = l.db.prepare('SELECT name, builtin, description, levels FROM scales WHERE name = ?').get(name) as
    ScaleRow | undefined;
  return r ? toScale(r) : null;
}

export function insertScale(l: LabelsDb, s: Omit<Scale, 'builtin'>): void {
  l.db
    .prepare('INSERT INTO scales (name, builtin, description, levels, created_at) VALUES (?, 0, ?, ?, ?)')
    .run(s.name, s.description, JSON.stringify(s.levels), now());
}

// ---- Annotators ----

export function findAnnotator(l: LabelsDb, id: string): Annotator | null {
  const r = l.db.prepare('SELECT annotator_id, display_name FROM annotators WHERE annotator_id = ?').get(id) as
    { annotator_id: string; display_name: string } | undefined;
  return r ? { annotatorId: r.annotator_id, displayName: r.display_name } : null;
}

/** "Me" on this machine, created (display name "Annotator") on first use. */
export function localAnnotator(l: LabelsDb): Annotator {
  const r = l.db.prepare('SELECT annotator_id FROM identity WHERE one = 1').get() as
    { annotator_id: string } | undefined;
  if (r) return findAnnotator(l, r.annotator_id)!;
  return inTransaction(l, () => {
    const again = l.db.prepare('SELECT annotator_id FROM identity WHERE one = 1').get() as
      { annotator_id: string } | undefined;
    if (again) return findAnnotator(l, again.annotator_id)!;
    const id = randomUUID();
    l.db
      .prepare('INSERT INTO annotators (annotator_id, display_name, created_at) VALUES (?, ?, ?)')
      .run(id, 'Annotator', now());
    l.db.prepare('INSERT INTO identity (one, annotator_id) VALUES (1, ?)').run(id);
    return { annotatorId: id, displayName: 'Annotator' };
  });
}

/** Renames an annotator (default: me), creating it when the id is new. `makeLocal`: becomes "me". */
export function upsertAnnotator(l: LabelsDb, a: Annotator, makeLocal: boolean): Annotator {
  return inTransaction(l, () => {
    l.db
      .prepare(
        'INSERT INTO annotators (annotator_id, display_name, created_at) VALUES (?, ?, ?) ON CONFLICT (annotator_id) DO UPDATE SET display_name = excluded.display_name',
      )
      .run(a.annotatorId, a.displayName, now());
    if (makeLocal)
      l.db
        .prepare(
          'INSERT INTO identity (one, annotator_id) VALUES (1, ?) ON CONFLICT (one) DO UPDATE SET annotator_id = excluded.annotator_id',
        )
        .run(a.annotatorId);
    return a;
  });
}

export function listAnnotators(l: LabelsDb): Annotator[] {
  return (
    l.db.prepare('SELECT annotator_id, display_name FROM annotators ORDER BY created_at, annotator_id').all() as {
      annotator_id: string;
      display_name: string;
    }[]
  ).map((r) => ({
    annotatorId: r.annotator_id,
    displayName: r.display_name,
  }));
}

// ---- Tasks ----

export interface TaskRow {
  taskId: number;
  name: string;
  scale: string;
  spec: TaskSpec;
  instructions: string;
  hideScores: boolean;
  createdAt: string;
}

export interface TaskTurnRow {
  ordinal: number;
  turnId: string;
  kind: TurnKindL;
  /** Pooled item ids, frozen at creation, in the pool's model order (or logged order). */
  pool: string[];
  /** Each pool model's top k (sha256 → item ids, best first); empty for logged pools. */
  rankings: Record<string, string[]>;
}

export function taskNameTaken(l: LabelsDb, name: string): boolean {
  return l.db.prepare('SELECT 1 AS x FROM tasks WHERE name = ?').get(name) !== undefined;
}

export function insertTask(
  l: LabelsDb,
  t: Omit<TaskRow, 'taskId' | 'createdAt'>,
  turns: Omit<TaskTurnRow, 'ordinal'>[],
): number {
  return inTransaction(l, () => insertTaskInTx(l, t, turns, { taskUid: randomUUID(), createdAt: now() }));
}

/**
 * insertTask inside the caller's transaction, with the task's global id and creation time given:
 * a task made here gets a new UUID; one from an exchange file or the team server keeps its own
 * (docs/team.md).
 */
export function insertTaskInTx(
  l: LabelsDb,
  t: Omit<TaskRow, 'taskId' | 'createdAt'>,
  turns: Omit<TaskTurnRow, 'ordinal'>[],
  origin: { taskUid: string; createdAt: string },
): number {
  const r = l.db
    .prepare(
      'INSERT INTO tasks (name, scale, spec, instructions, hide_scores, created_at, task_uid) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    .run(
      t.name,
      t.scale,
      JSON.stringify(t.spec),
      t.instructions,
      t.hideScores ? 1 : 0,
      origin.createdAt,
      origin.taskUid,
    );
  const taskId = Number(r.lastInsertRowid);
  const ins = l.db.prepare(
    'INSERT INTO task_turns (task_id, ordinal, turn_id, kind, pool, rankings) VALUES (?, ?, ?, ?, ?, ?)',
  );
  turns.forEach((tt, i) =>
    ins.run(taskId, i, tt.turnId, tt.kind, JSON.stringify(tt.pool), JSON.stringify(tt.rankings)),
  );
  return taskId;
}

/** A `tasks` row as SQLite returns it (`SELECT *`). */
export interface TaskDbRow {
  task_id: number;
  name: string;
  scale: string;
  spec: string;
  instructions: string;
  hide_scores: number;
  created_at: string;
}
export const toTask = (r: TaskDbRow): TaskRow => ({
  taskId: r.task_id,
  name: r.name,
  scale: r.scale,
  spec: JSON.parse(r.spec) as TaskSpec,
  instructions: r.instructions,
  hideScores: r.hide_scores === 1,
  createdAt: r.created_at,
});

export function listTaskRows(l: LabelsDb): TaskRow[] {
  return (l.db.prepare('SELECT * FROM tasks ORDER BY task_id DESC').all() as unknown as TaskDbRow[]).map(toTask);
}

export function findTask(l: LabelsDb, taskId: number): TaskRow | null {
  const r = l.db.prepare('SELECT * FROM tasks WHERE task_id = ?').get(taskId) as TaskDbRow | undefined;
  return r ? toTask(r) : null;
}

/** A `task_turns` row as SQLite returns it. */
export interface TaskTurnDbRow {
  ordinal: number;
  turn_id: string;
  kind: TurnKindL;
  pool: string;
  rankings: string;
}
export const toTaskTurn = (r: TaskTurnDbRow): TaskTurnRow => ({
  ordinal: r.ordinal,
  turnId: r.turn_id,
  kind: r.kind,
  pool: JSON.parse(r.pool) as string[],
  rankings: JSON.parse(r.rankings) as Record<string, string[]>,
});

export function taskTurnAt(l: LabelsDb, taskId: number, ordinal: number): TaskTurnRow | null {
  const r = l.db
    .prepare('SELECT ordinal, turn_id, kind, pool, rankings FROM task_turns WHERE task_id = ? AND ordinal = ?')
    .get(taskId, ordinal) as TaskTurnDbRow | undefined;
  return r ? toTaskTurn(r) : null;
}

export function taskTurnById(l: LabelsDb, taskId: number, turnId: string): TaskTurnRow | null {
  const r = l.db
    .prepare('SELECT ordinal, turn_id, kind, pool, rankings FROM task_turns WHERE task_id = ? AND turn_id = ?')
    .get(taskId, turnId) as TaskTurnDbRow | undefined;
  return r ? toTaskTurn(r) : null;
}

export function taskTurnCount(l: LabelsDb, taskId: number): number {
  return (l.db.prepare('SELECT count(*) AS n FROM task_turns WHERE task_id = ?').get(taskId) as { n: number }).n;
}

/** Pool size per turn id, and the total (frozen: cached per task). */
const poolSizes = new WeakMap<
  LabelsDb,
  Map<number, { byTurn: Map<string, number>; total: number; kinds: Map<string, TurnKindL> }>
>();
/**
 * Forgets this connection's caches after a rolled-back transaction (a refused import or pull): the
 * built-in scales may have been seeded inside it, and SQLite hands a rolled-back task's id out
 * again, so nothing cached may describe what was rolled back.
 */
export function forgetCachesAfterRollback(l: LabelsDb): void {
  poolSizes.delete(l);
  seeded.delete(l);
}

export function taskPoolSizes(
  l: LabelsDb,
  taskId: number,
): { byTurn: Map<string, number>; total: number; kinds: Map<string, TurnKindL> } {
  let per = poolSizes.get(l);
  if (!per) poolSizes.set(l, (per = new Map()));
  let hit = per.get(taskId);
  if (!hit) {
    const byTurn = new Map<string, number>();
    const kinds = new Map<string, TurnKindL>();
    let total = 0;
    for (const r of l.db
      .prepare('SELECT turn_id, kind, json_array_length(pool) AS n FROM task_turns WHERE task_id = ?')
      .all(taskId) as { turn_id: string; kind: TurnKindL; n: number }[]) {
      byTurn.set(r.turn_id, r.n);
      kinds.set(r.turn_id, r.kind);
      total += r.n;
    }
    per.set(taskId, (hit = { byTurn, total, kinds }));
  }
  return hit;
}

// ---- Events ----

/** A label_events row as SQLite returns it (store/labels/team.ts reads batches of them too). */
export interface EventDbRow {
  seq: number;
  event_id: string;
  annotator_id: string;
  created_at: string;
  task_id: number;
  turn_id: string;
  item_id: string | null;
  kind: LabelEvent['kind'];
  scale: string | null;
  value: number | null;
  gain: number | null;
  outcome: string | null;
  model_a: string | null;
  model_b: string | null;
  tags: string | null;
  note: string | null;
  undoes: string | null;
}

export interface NewEvent {
  eventId: string;
  annotatorId: string;
  taskId: number;
  turnId: string;
  itemId: string | null;
  kind: LabelEvent['kind'];
  scale: string | null;
  value: number | null;
  gain: number | null;
  outcome: string | null;
  modelA: string | null;
  modelB: string | null;
  tags: string[] | null;
  note: string | null;
  undoes: string | null;
}

export interface StoredEvent extends NewEvent {
  seq: number;
  createdAt: string;
}

export const toStored = (r: EventDbRow): StoredEvent => ({
  seq: r.seq,
  createdAt: r.created_at,
  eventId: r.event_id,
  annotatorId: r.annotator_id,
  taskId: r.task_id,
  turnId: r.turn_id,
  itemId: r.item_id,
  kind: r.kind,
  scale: r.scale,
  value: r.value,
  gain: r.gain,
  outcome: r.outcome,
  modelA: r.model_a,
  modelB: r.model_b,
  tags: r.tags === null ? null : (JSON.parse(r.tags) as string[]),
  note: r.note,
  undoes: r.undoes,
});

export function publicEvent(e: StoredEvent): LabelEvent {
  return {
    seq: e.seq,
    eventId: e.eventId,
    annotatorId: e.annotatorId,
    createdAt: e.createdAt,
    taskId: e.taskId === 0 ? null : e.taskId,
    turnId: e.turnId,
    itemId: e.itemId,
    kind: e.kind,
    scale: e.scale,
    value: e.value,
    outcome: e.outcome,
    note: e.note,
    tags: e.tags,
    undoes: e.undoes,
  };
}

export function findEvent(l: LabelsDb, eventId: string): StoredEvent | null {
  const r = l.db.prepare('SELECT * FROM label_events WHERE event_id = ?').get(eventId) as EventDbRow | undefined;
  return r ? toStored(r) : null;
}

/** The key's events (task, annotator, turn), oldest first. */
function keyEvents(l: LabelsDb, taskId: number, annotatorId: string, turnId: string): StoredEvent[] {
  return (
    l.db
      .prepare('SELECT * FROM label_events WHERE task_id = ? AND annotator_id = ? AND turn_id = ? ORDER BY seq')
      .all(taskId, annotatorId, turnId) as unknown as EventDbRow[]
  ).map(toStored);
}

/** Current grade of one item from the key's events: the latest grade event not undone. */
function refreshCurrent(
  l: LabelsDb,
  taskId: number,
  annotatorId: string,
  turnId: string,
  itemId: string,
  events: StoredEvent[],
): void {
  const undone = new Set(events.filter((e) => e.kind === 'undo' && e.undoes !== null).map((e) => e.undoes!));
  let cur: StoredEvent | null = null;
  for (const e of events) if (e.kind === 'grade' && e.itemId === itemId && !undone.has(e.eventId)) cur = e;
  if (cur === null) {
    l.db
      .prepare('DELETE FROM current_labels WHERE task_id = ? AND annotator_id = ? AND turn_id = ? AND item_id = ?')
      .run(taskId, annotatorId, turnId, itemId);
  } else {
    l.db
      .prepare(
        `INSERT INTO current_labels (annotator_id, task_id, turn_id, item_id, scale, value, gain, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (task_id, annotator_id, turn_id, item_id) DO UPDATE SET scale = excluded.scale, value = excluded.value, gain = excluded.gain, seq = excluded.seq`,
      )
      .run(annotatorId, taskId, turnId, itemId, cur.scale!, cur.value!, cur.gain!, cur.seq);
  }
}

/**
 * Appends one event and updates the derived current labels, in one transaction (committed with
 * synchronous=FULL before this returns). For undo, `undoes` must already be resolved.
 */
export function appendEvent(l: LabelsDb, e: NewEvent): StoredEvent {
  return inTransaction(l, () => appendEventInTx(l, e));
}

/**
 * appendEvent inside the caller's transaction. Every event takes this path — recorded here, imported
 * from a file or pulled from the team server (docs/team.md) — so current_labels and turn_status are
 * derived the same way. `origin`: an event made elsewhere keeps its creation time; `remoteId` is the
 * team server's id of a pulled event (never pushed back).
 */
export function appendEventInTx(
  l: LabelsDb,
  e: NewEvent,
  origin?: { createdAt: string; remoteId?: number | null },
): StoredEvent {
  const createdAt = origin?.createdAt ?? now();
  const r = l.db
    .prepare(
      `INSERT INTO label_events (event_id, annotator_id, created_at, task_id, turn_id, item_id, kind, scale, value, gain, outcome, model_a, model_b, tags, note, undoes, remote_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      e.eventId,
      e.annotatorId,
      createdAt,
      e.taskId,
      e.turnId,
      e.itemId,
      e.kind,
      e.scale,
      e.value,
      e.gain,
      e.outcome,
      e.modelA,
      e.modelB,
      e.tags === null ? null : JSON.stringify(e.tags),
      e.note,
      e.undoes,
      origin?.remoteId ?? null,
    );
  const stored: StoredEvent = { ...e, seq: Number(r.lastInsertRowid), createdAt };
  const undone = e.kind === 'undo' ? findEvent(l, e.undoes!) : null;
  const target = undone ?? stored;
  const events = keyEvents(l, e.taskId, e.annotatorId, e.turnId);
  if (target.kind === 'grade') refreshCurrent(l, e.taskId, e.annotatorId, e.turnId, target.itemId!, events);
  else if (target.kind === 'adjudicate') refreshAdjudication(l, e.taskId, e.turnId, target.itemId!);
  if (e.taskId !== 0) refreshStatus(l, e.taskId, e.annotatorId, e.turnId, events);
  return stored;
}

/** The final grade of one task item: the latest adjudicate event on it not undone, whoever the lead. */
function refreshAdjudication(l: LabelsDb, taskId: number, turnId: string, itemId: string): void {
  const evs = (
    l.db
      .prepare(
        `SELECT * FROM label_events e WHERE task_id = ? AND turn_id = ? AND item_id = ? AND kind = 'adjudicate'
           AND NOT EXISTS (SELECT 1 FROM label_events u WHERE u.undoes = e.event_id) ORDER BY seq DESC LIMIT 1`,
      )
      .all(taskId, turnId, itemId) as unknown as EventDbRow[]
  ).map(toStored);
  const cur = evs[0];
  if (!cur) {
    l.db
      .prepare('DELETE FROM adjudications WHERE task_id = ? AND turn_id = ? AND item_id = ?')
      .run(taskId, turnId, itemId);
    return;
  }
  l.db
    .prepare(
      `INSERT INTO adjudications (task_id, turn_id, item_id, value, gain, note, annotator_id, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (task_id, turn_id, item_id) DO UPDATE SET value = excluded.value, gain = excluded.gain, note = excluded.note, annotator_id = excluded.annotator_id, seq = excluded.seq`,
    )
    .run(taskId, turnId, itemId, cur.value!, cur.gain!, cur.note ?? '', cur.annotatorId, cur.seq);
}

function refreshStatus(l: LabelsDb, taskId: number, annotatorId: string, turnId: string, events: StoredEvent[]): void {
  const st = stateOf(events);
  const graded = Object.keys(st.labels).length;
  const size = taskPoolSizes(l, taskId).byTurn.get(turnId) ?? 0;
  const done = st.skipped || (size > 0 && graded >= size) ? 1 : 0;
  l.db
    .prepare(
      `INSERT INTO turn_status (task_id, annotator_id, turn_id, graded, skipped, flagged, pairwise, done) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (task_id, annotator_id, turn_id) DO UPDATE SET graded = excluded.graded, skipped = excluded.skipped, flagged = excluded.flagged, pairwise = excluded.pairwise, done = excluded.done`,
    )
    .run(taskId, annotatorId, turnId, graded, st.skipped ? 1 : 0, st.flag ? 1 : 0, st.pairwise ? 1 : 0, done);
}

export interface TurnState {
  labels: Record<string, number>;
  skipped: boolean;
  flag: TurnFlag | null;
  pairwise: StoredEvent | null;
  /** Events still in effect (not undone, not undo events), oldest first: what undo walks back. */
  undoable: StoredEvent[];
}

/** One annotator's state on one turn of a task, from the events. */
export function turnState(l: LabelsDb, taskId: number, annotatorId: string, turnId: string): TurnState {
  return stateOf(keyEvents(l, taskId, annotatorId, turnId));
}

function stateOf(events: StoredEvent[]): TurnState {
  const undone = new Set(events.filter((e) => e.kind === 'undo' && e.undoes !== null).map((e) => e.undoes!));
  const live = events.filter((e) => e.kind !== 'undo' && !undone.has(e.eventId));
  const labels: Record<string, number> = {};
  let skipped = false;
  let flag: TurnFlag | null = null;
  let pairwise: StoredEvent | null = null;
  for (const e of live) {
    if (e.kind === 'grade') labels[e.itemId!] = e.value!;
    else if (e.kind === 'skip') skipped = true;
    else if (e.kind === 'flag') flag = { tags: e.tags ?? [], note: e.note ?? '', eventId: e.eventId };
    else if (e.kind === 'pairwise') pairwise = e;
  }
  return { labels, skipped, flag, pairwise, undoable: live };
}

/** Per-annotator progress of a task (from turn_status). `only`: just this annotator (judge mode's header). */
export function taskProgress(l: LabelsDb, taskId: number, only?: string): AnnotatorProgress[] {
  const filter = only === undefined ? '' : ' AND s.annotator_id = ?';
  const args: SQLInputValue[] = only === undefined ? [taskId] : [taskId, only];
  return (
    l.db
      .prepare(
        `SELECT s.annotator_id, a.display_name, sum(s.done) AS done, sum(s.graded) AS graded, sum(s.skipped) AS skipped, sum(s.flagged) AS flagged, sum(s.pairwise) AS pairwise
       FROM turn_status s JOIN annotators a ON a.annotator_id = s.annotator_id WHERE s.task_id = ?${filter} GROUP BY s.annotator_id ORDER BY min(a.created_at), s.annotator_id`,
      )
      .all(...args) as {
      annotator_id: string;
      display_name: string;
      done: number;
      graded: number;
      skipped: number;
      flagged: number;
      pairwise: number;
    }[]
  )
    .filter((r) => r.graded + r.skipped + r.flagged + r.pairwise > 0)
    .map((r) => ({
      annotatorId: r.annotator_id,
      displayName: r.display_name,
      turnsDone: r.done,
      labels: r.graded,
      skipped: r.skipped,
      flagged: r.flagged,
      pairwise: r.pairwise,
    }));
}

/** First ordinal at or after `from` (wrapping) that this annotator has not finished; null when all are. */
export function nextOpenOrdinal(
  l: LabelsDb,
  taskId: number,
  annotatorId: string,
  from: number,
  pairwiseOnly: boolean,
): number | null {
  const col = pairwiseOnly ? 'pairwise' : 'done';
  const open = `SELECT t.ordinal FROM task_turns t LEFT JOIN turn_status s ON s.task_id = t.task_id AND s.annotator_id = ? AND s.turn_id = t.turn_id
     WHERE t.task_id = ? AND coalesce(s.${col}, 0) = 0`;
  const after = l.db.prepare(`${open} AND t.ordinal >= ? ORDER BY t.ordinal LIMIT 1`).get(annotatorId, taskId, from) as
    { ordinal: number } | undefined;
  if (after) return after.ordinal;
  const first = l.db.prepare(`${open} ORDER BY t.ordinal LIMIT 1`).get(annotatorId, taskId) as
    { ordinal: number } | undefined;
  return first?.ordinal ?? null;
}

export function currentForTurn(
  l: LabelsDb,
  turnId: string,
  taskId?: number,
  annotatorId?: string,
): {
  annotatorId: string;
  taskId: number | null;
  itemId: string;
  scale: string;
  value: number;
  gain: number;
  eventId: string;
}[] {
  const where = ['c.turn_id = ?'];
  const args: SQLInputValue[] = [turnId];
  if (taskId !== undefined) {
    where.push('c.task_id = ?');
    args.push(taskId);
  }
  if (annotatorId !== undefined) {
    where.push('c.annotator_id = ?');
    args.push(annotatorId);
  }
  return (
    l.db
      .prepare(
        `SELECT c.annotator_id, c.task_id, c.item_id, c.scale, c.value, c.gain, e.event_id FROM current_labels c JOIN label_events e ON e.seq = c.seq WHERE ${where.join(' AND ')} ORDER BY c.seq`,
      )
      .all(...args) as {
      annotator_id: string;
      task_id: number;
      item_id: string;
      scale: string;
      value: number;
      gain: number;
      event_id: string;
    }[]
  ).map((r) => ({
    annotatorId: r.annotator_id,
    taskId: r.task_id === 0 ? null : r.task_id,
    itemId: r.item_id,
    scale: r.scale,
    value: r.value,
    gain: r.gain,
    eventId: r.event_id,
  }));
}

export function eventsForTurn(l: LabelsDb, turnId: string, taskId?: number, annotatorId?: string): LabelEvent[] {
  const where = ['turn_id = ?'];
  const args: SQLInputValue[] = [turnId];
  if (taskId !== undefined) {
    where.push('task_id = ?');
    args.push(taskId);
  }
  if (annotatorId !== undefined) {
    where.push('annotator_id = ?');
    args.push(annotatorId);
  }
  return (
    l.db
      .prepare(`SELECT * FROM label_events WHERE ${where.join(' AND ')} ORDER BY seq`)
      .all(...args) as unknown as EventDbRow[]
  ).map((r) => publicEvent(toStored(r)));
}

/**
 * Grades from labels for metrics: turn id → item id → gain. A task: mean gain over its annotators'
 * current labels; an annotator: the latest current label per turn and item over all tasks.
 */
export function gradesFromLabels(
  l: LabelsDb,
  by: { taskId: number } | { annotatorId: string },
): { grades: Map<string, Map<string, number>>; version: string } {
  const rows =
    'taskId' in by
      ? (l.db
          .prepare(
            'SELECT turn_id, item_id, avg(gain) AS g FROM current_labels WHERE task_id = ? GROUP BY turn_id, item_id',
          )
          .all(by.taskId) as { turn_id: string; item_id: string; g: number }[])
      : (l.db
          .prepare(
            `SELECT turn_id, item_id, gain AS g FROM current_labels c WHERE annotator_id = ?
               AND seq = (SELECT max(seq) FROM current_labels d WHERE d.annotator_id = c.annotator_id AND d.turn_id = c.turn_id AND d.item_id = c.item_id)`,
          )
          .all(by.annotatorId) as { turn_id: string; item_id: string; g: number }[]);
  const grades = new Map<string, Map<string, number>>();
  for (const r of rows) {
    let m = grades.get(r.turn_id);
    if (!m) grades.set(r.turn_id, (m = new Map()));
    m.set(r.item_id, r.g);
  }
  const v = l.db.prepare('SELECT coalesce(max(seq), 0) AS s, count(*) AS n FROM label_events').get() as {
    s: number;
    n: number;
  };
  return { grades, version: `${v.s}/${v.n}` };
}

export function labelsSourceExists(l: LabelsDb, by: { taskId: number } | { annotatorId: string }): boolean {
  return 'taskId' in by ? findTask(l, by.taskId) !== null : findAnnotator(l, by.annotatorId) !== null;
}

/** Current pairwise judgments (latest not undone per task, annotator, turn), for arena stats. */
export function currentPairwise(
  l: LabelsDb,
  taskId?: number,
): { taskId: number; turnId: string; modelA: string; modelB: string; outcome: string }[] {
  const where = taskId === undefined ? '' : ' AND task_id = ?';
  const args: SQLInputValue[] = taskId === undefined ? [] : [taskId];
  const evs = l.db
    .prepare(
      `SELECT event_id, task_id, annotator_id, turn_id, kind, outcome, model_a, model_b, undoes FROM label_events WHERE kind IN ('pairwise', 'undo')${where} ORDER BY seq`,
    )
    .all(...args) as {
    event_id: string;
    task_id: number;
    annotator_id: string;
    turn_id: string;
    kind: string;
    outcome: string | null;
    model_a: string | null;
    model_b: string | null;
    undoes: string | null;
  }[];
  const undone = new Set(evs.filter((e) => e.kind === 'undo').map((e) => e.undoes));
  const latest = new Map<string, { taskId: number; turnId: string; modelA: string; modelB: string; outcome: string }>();
  for (const e of evs) {
    if (e.kind !== 'pairwise' || undone.has(e.event_id)) continue;
    latest.set(`${e.task_id}\n${e.annotator_id}\n${e.turn_id}`, {
      taskId: e.task_id,
      turnId: e.turn_id,
      modelA: e.model_a!,
      modelB: e.model_b!,
      outcome: e.outcome!,
    });
  }
  return [...latest.values()];
}

/** For tests: is an event id present? */
export function eventCount(l: LabelsDb, eventId?: string): number {
  return eventId === undefined
    ? (l.db.prepare('SELECT count(*) AS n FROM label_events').get() as { n: number }).n
    : (l.db.prepare('SELECT count(*) AS n FROM label_events WHERE event_id = ?').get(eventId) as { n: number }).n;
}

export function notFoundTask(taskId: number): ApiError {
  return new ApiError('not_found', `no labeling task ${taskId}`, [
    { where: 'taskId', message: `unknown task ${taskId}` },
  ]);
}

/** A current label with who gave it and when (exports). */
export interface LabelRow {
  turnId: string;
  itemId: string;
  annotatorId: string;
  taskId: number | null;
  scale: string;
  value: number;
  gain: number;
  at: string;
}

const LABEL_ROW_SQL = `SELECT c.turn_id, c.item_id, c.annotator_id, c.task_id, c.scale, c.value, c.gain, e.created_at AS at
  FROM current_labels c JOIN label_events e ON e.seq = c.seq`;

/**
 * Current labels for exports: a task's labels from all its annotators, one annotator's latest label
 * per turn and item over all tasks, or every current label there is ('all': the Parquet export).
 */
export function labelRows(l: LabelsDb, by: { taskId: number } | { annotatorId: string } | 'all'): LabelRow[] {
  const rows =
    by === 'all'
      ? l.db.prepare(`${LABEL_ROW_SQL} ORDER BY c.turn_id, c.item_id, c.annotator_id, c.task_id`).all()
      : 'taskId' in by
        ? l.db
            .prepare(`${LABEL_ROW_SQL} WHERE c.task_id = ? ORDER BY c.turn_id, c.item_id, c.annotator_id`)
            .all(by.taskId)
        : l.db
            .prepare(
              `${LABEL_ROW_SQL} WHERE c.annotator_id = ?
                 AND c.seq = (SELECT max(seq) FROM current_labels d WHERE d.annotator_id = c.annotator_id AND d.turn_id = c.turn_id AND d.item_id = c.item_id)
               ORDER BY c.turn_id, c.item_id`,
            )
            .all(by.annotatorId);
  return (
    rows as {
      turn_id: string;
      item_id: string;
      annotator_id: string;
      task_id: number;
      scale: string;
      value: number;
      gain: number;
      at: string;
    }[]
  ).map((r) => ({
    turnId: r.turn_id,
    itemId: r.item_id,
    annotatorId: r.annotator_id,
    taskId: r.task_id === 0 ? null : r.task_id,
    scale: r.scale,
    value: r.value,
    gain: r.gain,
    at: r.at,
  }));
}

// ---- Agreement and adjudication (docs/agreement.md) ----

/** A task's current labels, compact (agreement, disagreements, consensus): one row per annotator, turn and item. */
export interface TaskLabelValue {
  annotatorId: string;
  turnId: string;
  itemId: string;
  value: number;
  gain: number;
}

export function taskLabelValues(l: LabelsDb, taskId: number): TaskLabelValue[] {
  const q = l.db.prepare(
    'SELECT annotator_id, turn_id, item_id, value, gain FROM current_labels WHERE task_id = ? ORDER BY turn_id, item_id, annotator_id',
  );
  // Rows as arrays: measured about twice as fast as row objects for 100,000 labels (agreement.task).
  q.setReturnArrays(true);
  return (q.all(taskId) as unknown as [string, string, string, number, number][]).map((r) => ({
    annotatorId: r[0],
    turnId: r[1],
    itemId: r[2],
    value: r[3],
    gain: r[4],
  }));
}

export interface AdjudicationRow {
  turnId: string;
  itemId: string;
  value: number;
  gain: number;
  note: string;
  annotatorId: string;
  eventId: string;
  at: string;
}

/** A task's adjudications in effect (latest not undone per turn and item), keyed `turnId \0 itemId`. */
export function taskAdjudications(l: LabelsDb, taskId: number): Map<string, AdjudicationRow> {
  const out = new Map<string, AdjudicationRow>();
  for (const r of l.db
    .prepare(
      `SELECT a.turn_id, a.item_id, a.value, a.gain, a.note, a.annotator_id, e.event_id, e.created_at
       FROM adjudications a JOIN label_events e ON e.seq = a.seq WHERE a.task_id = ?`,
    )
    .all(taskId) as {
    turn_id: string;
    item_id: string;
    value: number;
    gain: number;
    note: string;
    annotator_id: string;
    event_id: string;
    created_at: string;
  }[])
    out.set(`${r.turn_id}\u0000${r.item_id}`, {
      turnId: r.turn_id,
      itemId: r.item_id,
      value: r.value,
      gain: r.gain,
      note: r.note,
      annotatorId: r.annotator_id,
      eventId: r.event_id,
      at: r.created_at,
    });
  return out;
}

/** The labels database's version (last event seq and count): changes with every event, adjudications included. */
export function labelsVersion(l: LabelsDb): string {
  const v = l.db.prepare('SELECT coalesce(max(seq), 0) AS s, count(*) AS n FROM label_events').get() as {
    s: number;
    n: number;
  };
  return `${v.s}/${v.n}`;
}

/** Turn id → ordinal in the task (frozen at creation). */
export function taskTurnOrdinals(l: LabelsDb, taskId: number): Map<string, number> {
  return new Map(
    (
      l.db.prepare('SELECT turn_id, ordinal FROM task_turns WHERE task_id = ?').all(taskId) as {
        turn_id: string;
        ordinal: number;
      }[]
    ).map((r) => [r.turn_id, r.ordinal]),
  );
}

/** Every adjudication in effect, for the Parquet export (by task, turn, item). */
export function allAdjudications(l: LabelsDb): {
  taskId: number;
  turnId: string;
  itemId: string;
  value: number;
  gain: number;
  annotatorId: string;
  scale: string;
  at: string;
}[] {
  return (
    l.db
      .prepare(
        `SELECT a.task_id, a.turn_id, a.item_id, a.value, a.gain, a.annotator_id, e.scale, e.created_at
         FROM adjudications a JOIN label_events e ON e.seq = a.seq ORDER BY a.task_id, a.turn_id, a.item_id`,
      )
      .all() as {
      task_id: number;
      turn_id: string;
      item_id: string;
      value: number;
      gain: number;
      annotator_id: string;
      scale: string;
      created_at: string;
    }[]
  ).map((r) => ({
    taskId: r.task_id,
    turnId: r.turn_id,
    itemId: r.item_id,
    value: r.value,
    gain: r.gain,
    annotatorId: r.annotator_id,
    scale: r.scale,
    at: r.created_at,
  }));
}
