// Labels SQL for team sync and file exchange (docs/team.md): the sync state row, tasks by their
// global id, and the batches a push or an export reads. Events are written only through
// labels.ts's appendEventInTx (the path every label takes).
import { randomUUID } from 'node:crypto';
import type { SQLInputValue } from 'node:sqlite';
import type { LabelsDb } from './db.ts';
import {
  toStored,
  toTask,
  toTaskTurn,
  type EventDbRow,
  type StoredEvent,
  type TaskDbRow,
  type TaskTurnDbRow,
  type TaskTurnRow,
} from './labels.ts';
import type { LabelEvent, TaskSpec } from '../../../src-common/api/labeling-types.ts';

// ---- sync state ----

export interface SyncStateRow {
  url: string;
  serverId: string;
  clientId: string;
  pushedSeq: number;
  pushedTaskId: number;
  pulledEventId: number;
  pulledTaskId: number;
  lastSyncedAt: string | null;
  lastError: string | null;
  pausedReason: string | null;
  connectedAt: string;
}

export function syncState(l: LabelsDb): SyncStateRow | null {
  const r = l.db.prepare('SELECT * FROM team_sync WHERE one = 1').get() as Record<string, unknown> | undefined;
  if (!r) return null;
  return {
    url: r.url as string,
    serverId: r.server_id as string,
    clientId: r.client_id as string,
    pushedSeq: r.pushed_seq as number,
    pushedTaskId: r.pushed_task_id as number,
    pulledEventId: r.pulled_event_id as number,
    pulledTaskId: r.pulled_task_id as number,
    lastSyncedAt: (r.last_synced_at as string | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    pausedReason: (r.paused_reason as string | null) ?? null,
    connectedAt: r.connected_at as string,
  };
}

/** Points this labels file at a team database. A different server (or none before) starts the watermarks over. */
export function saveConnection(l: LabelsDb, url: string, serverId: string): void {
  const prior = syncState(l);
  if (prior && prior.serverId === serverId) {
    l.db.prepare('UPDATE team_sync SET url = ?, last_error = NULL, paused_reason = NULL WHERE one = 1').run(url);
    return;
  }
  l.db
    .prepare(
      `INSERT INTO team_sync (one, url, server_id, client_id, connected_at) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (one) DO UPDATE SET url = excluded.url, server_id = excluded.server_id, client_id = excluded.client_id, connected_at = excluded.connected_at,
         pushed_seq = 0, pushed_task_id = 0, pulled_event_id = 0, pulled_task_id = 0, last_synced_at = NULL, last_error = NULL, paused_reason = NULL`,
    )
    .run(url, serverId, randomUUID(), new Date().toISOString());
}

export function clearConnection(l: LabelsDb): void {
  l.db.prepare('DELETE FROM team_sync WHERE one = 1').run();
}

type Mark = Partial<
  Pick<
    SyncStateRow,
    'pushedSeq' | 'pushedTaskId' | 'pulledEventId' | 'pulledTaskId' | 'lastSyncedAt' | 'lastError' | 'pausedReason'
  >
>;
const COLUMN: Record<keyof Mark, string> = {
  pushedSeq: 'pushed_seq',
  pushedTaskId: 'pushed_task_id',
  pulledEventId: 'pulled_event_id',
  pulledTaskId: 'pulled_task_id',
  lastSyncedAt: 'last_synced_at',
  lastError: 'last_error',
  pausedReason: 'paused_reason',
};

/** Updates the sync row (watermarks only move forward: callers commit what they describe first). */
export function markSync(l: LabelsDb, m: Mark): void {
  const keys = Object.keys(m) as (keyof Mark)[];
  if (!keys.length) return;
  l.db
    .prepare(`UPDATE team_sync SET ${keys.map((k) => `${COLUMN[k]} = ?`).join(', ')} WHERE one = 1`)
    .run(...keys.map((k) => (m[k] ?? null) as SQLInputValue));
}

/** Events made or imported here that the server has not acknowledged yet. */
export function pendingCount(l: LabelsDb, afterSeq: number): number {
  return (
    l.db.prepare('SELECT count(*) AS n FROM label_events WHERE seq > ? AND remote_id IS NULL').get(afterSeq) as {
      n: number;
    }
  ).n;
}

// ---- tasks by global id ----

export function taskIdByUid(l: LabelsDb, taskUid: string): number | null {
  const r = l.db.prepare('SELECT task_id FROM tasks WHERE task_uid = ?').get(taskUid) as
    { task_id: number } | undefined;
  return r?.task_id ?? null;
}

export function taskUidMap(l: LabelsDb): Map<number, string> {
  return new Map(
    (l.db.prepare('SELECT task_id, task_uid FROM tasks').all() as { task_id: number; task_uid: string }[]).map((r) => [
      r.task_id,
      r.task_uid,
    ]),
  );
}

export interface TaskDefinition {
  taskUid: string;
  name: string;
  scale: string;
  spec: TaskSpec;
  instructions: string;
  hideScores: boolean;
  createdAt: string;
  turns: Omit<TaskTurnRow, 'ordinal'>[];
}

/** Task definitions with their turns: all of them, the given local ids, or those after a local id. */
export function taskDefinitions(
  l: LabelsDb,
  by: { afterTaskId: number; limit: number } | { taskIds: number[] } | 'all',
): (TaskDefinition & { taskId: number })[] {
  const rows = (by === 'all'
    ? l.db.prepare('SELECT * FROM tasks ORDER BY task_id').all()
    : 'afterTaskId' in by
      ? l.db.prepare('SELECT * FROM tasks WHERE task_id > ? ORDER BY task_id LIMIT ?').all(by.afterTaskId, by.limit)
      : by.taskIds.length === 0
        ? []
        : l.db
            .prepare(`SELECT * FROM tasks WHERE task_id IN (${by.taskIds.map(() => '?').join(',')}) ORDER BY task_id`)
            .all(...by.taskIds)) as unknown as (TaskDbRow & { task_uid: string })[];
  const turns = l.db.prepare(
    'SELECT ordinal, turn_id, kind, pool, rankings FROM task_turns WHERE task_id = ? ORDER BY ordinal',
  );
  return rows.map((r) => {
    const t = toTask(r);
    return {
      taskId: t.taskId,
      taskUid: r.task_uid,
      name: t.name,
      scale: t.scale,
      spec: t.spec,
      instructions: t.instructions,
      hideScores: t.hideScores,
      createdAt: t.createdAt,
      turns: (turns.all(r.task_id) as unknown as TaskTurnDbRow[]).map((row) => {
        const { ordinal: _ordinal, ...turn } = toTaskTurn(row);
        return turn;
      }),
    };
  });
}

/** A task name not used yet here: the given one, or it with the task's short id (a name clash from elsewhere). */
export function freeTaskName(l: LabelsDb, name: string, taskUid: string): string {
  const taken = (n: string) => l.db.prepare('SELECT 1 AS x FROM tasks WHERE name = ?').get(n) !== undefined;
  if (!taken(name)) return name;
  const alt = `${name} · ${taskUid.slice(0, 8)}`;
  return taken(alt) ? `${name} · ${taskUid}` : alt;
}

// ---- definitions from elsewhere (inside the caller's transaction) ----

/** Adds an annotator met in a file or on the server; `rename`: take its display name when it differs. */
export function mergeAnnotator(
  l: LabelsDb,
  a: { annotatorId: string; displayName: string },
  rename: boolean,
): 'added' | 'renamed' | 'same' {
  const r = l.db.prepare('SELECT display_name FROM annotators WHERE annotator_id = ?').get(a.annotatorId) as
    { display_name: string } | undefined;
  if (!r) {
    l.db
      .prepare('INSERT INTO annotators (annotator_id, display_name, created_at) VALUES (?, ?, ?)')
      .run(a.annotatorId, a.displayName, new Date().toISOString());
    return 'added';
  }
  if (rename && r.display_name !== a.displayName) {
    l.db.prepare('UPDATE annotators SET display_name = ? WHERE annotator_id = ?').run(a.displayName, a.annotatorId);
    return 'renamed';
  }
  return 'same';
}

export function insertForeignScale(l: LabelsDb, s: { name: string; description: string; levels: unknown }): void {
  l.db
    .prepare('INSERT INTO scales (name, builtin, description, levels, created_at) VALUES (?, 0, ?, ?, ?)')
    .run(s.name, s.description, JSON.stringify(s.levels), new Date().toISOString());
}

/** The local annotator ("me"), or null before one exists. */
export function localAnnotatorId(l: LabelsDb): string | null {
  const r = l.db.prepare('SELECT annotator_id FROM identity WHERE one = 1').get() as
    { annotator_id: string } | undefined;
  return r?.annotator_id ?? null;
}

export function customScales(l: LabelsDb): { name: string; description: string; levels: unknown }[] {
  return (
    l.db.prepare('SELECT name, description, levels FROM scales WHERE builtin = 0 ORDER BY name').all() as {
      name: string;
      description: string;
      levels: string;
    }[]
  ).map((r) => ({ name: r.name, description: r.description, levels: JSON.parse(r.levels) as unknown }));
}

// ---- event batches (push, export) ----

/** The next events to push: made or imported here (not pulled), after `afterSeq`, oldest first. */
export function eventsToPush(l: LabelsDb, afterSeq: number, limit: number): StoredEvent[] {
  return (
    l.db
      .prepare('SELECT * FROM label_events WHERE seq > ? AND remote_id IS NULL ORDER BY seq LIMIT ?')
      .all(afterSeq, limit) as unknown as EventDbRow[]
  ).map(toStored);
}

/** Events in local order for an export: everyone's, or one annotator's; a page after `afterSeq`. */
export function eventsPage(l: LabelsDb, afterSeq: number, limit: number, annotatorId?: string): StoredEvent[] {
  const rows =
    annotatorId === undefined
      ? l.db.prepare('SELECT * FROM label_events WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit)
      : l.db
          .prepare('SELECT * FROM label_events WHERE seq > ? AND annotator_id = ? ORDER BY seq LIMIT ?')
          .all(afterSeq, annotatorId, limit);
  return (rows as unknown as EventDbRow[]).map(toStored);
}

/** How many events an export writes: everyone's, or one annotator's. */
export function eventCountFor(l: LabelsDb, annotatorId?: string): number {
  const r =
    annotatorId === undefined
      ? l.db.prepare('SELECT count(*) AS n FROM label_events').get()
      : l.db.prepare('SELECT count(*) AS n FROM label_events WHERE annotator_id = ?').get(annotatorId);
  return (r as { n: number }).n;
}

/** Distinct tasks, annotators and grade scales some events refer to (an export's header). */
export function eventReferences(
  l: LabelsDb,
  annotatorId?: string,
): { taskIds: number[]; annotatorIds: string[]; scales: string[] } {
  const where = annotatorId === undefined ? '' : ' WHERE annotator_id = ?';
  const args: SQLInputValue[] = annotatorId === undefined ? [] : [annotatorId];
  const col = (sql: string) => l.db.prepare(sql).all(...args) as Record<string, unknown>[];
  return {
    taskIds: col(`SELECT DISTINCT task_id AS v FROM label_events${where}`)
      .map((r) => r.v as number)
      .filter((v) => v !== 0),
    annotatorIds: col(`SELECT DISTINCT annotator_id AS v FROM label_events${where}`).map((r) => r.v as string),
    scales: col(`SELECT DISTINCT scale AS v FROM label_events${where}`)
      .map((r) => r.v as string | null)
      .filter((v): v is string => v !== null),
  };
}

/** Every event id, sorted (convergence tests and the bench compare these sets). */
export function eventSet(l: LabelsDb): string[] {
  return (l.db.prepare('SELECT event_id FROM label_events ORDER BY event_id').all() as { event_id: string }[]).map(
    (r) => r.event_id,
  );
}
