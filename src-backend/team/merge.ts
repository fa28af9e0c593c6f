// Merging label events and definitions made elsewhere — from an exchange file or pulled from the
// team server — into this labels database (docs/team.md). Runs inside the caller's transaction, so
// a file is applied whole or not at all and a pulled batch commits with its watermark. Events go
// through labels.ts's appendEventInTx, the path every label takes, so current labels and turn
// status are derived the same way as for a label given here.
import type { Problem } from '../../src-common/errors.ts';
import type { Scale } from '../../src-common/api/labeling-types.ts';
import { inTransaction, type LabelsDb } from '../store/labels/db.ts';
import * as L from '../store/labels/labels.ts';
import * as T from '../store/labels/team.ts';
import type { Store } from '../store/store.ts';
import { findTurn, loggedItems } from '../store/sessions.ts';
import type { WireAnnotator, WireEvent, WireScale, WireTask } from './format.ts';

/** A merge transaction: rolled back whole on any throw, and then no cache remembers its tasks. */
export function inTransactionForgetting<T>(l: LabelsDb, fn: () => T): T {
  try {
    return inTransaction(l, fn);
  } catch (err) {
    L.forgetCachesAfterRollback(l);
    throw err;
  }
}

/** How many missing turns / items a report lists by name (the counts are always whole). */
const LIST_AT_MOST = 100;

export interface MergeCounts {
  inserted: number;
  duplicates: number;
  annotatorsAdded: number;
  scalesAdded: number;
  tasksAdded: { taskUid: string; name: string; taskId: number }[];
  /** Events stored for turns this workspace does not hold (they show once the sessions are imported). */
  missingTurns: { events: number; turnIds: string[] };
  /** Events stored for items that are not a candidate of their turn here. */
  missingItems: { events: number; items: { turnId: string; itemId: string }[] };
}

export function emptyCounts(): MergeCounts {
  return {
    inserted: 0,
    duplicates: 0,
    annotatorsAdded: 0,
    scalesAdded: 0,
    tasksAdded: [],
    missingTurns: { events: 0, turnIds: [] },
    missingItems: { events: 0, items: [] },
  };
}

const SAME_FIELDS = [
  'annotatorId',
  'taskId',
  'turnId',
  'itemId',
  'kind',
  'value',
  'outcome',
  'note',
  'undoes',
] as const;

export class Merger {
  readonly counts = emptyCounts();
  private readonly l: LabelsDb;
  private readonly store: Store | null;
  private readonly uidToTask = new Map<string, number>();
  private readonly candidates = new Map<string, Set<string> | null>();
  private readonly missingTurnSet = new Set<string>();
  private readonly missingItemSet = new Set<string>();

  /** `store`: the workspace, to report events for turns or items it lacks (null: do not check). */
  constructor(l: LabelsDb, store: Store | null) {
    this.l = l;
    this.store = store;
  }

  /** Adds an annotator; `rename`: its display name replaces ours (the server is authoritative for others). */
  annotator(a: WireAnnotator, rename: boolean): void {
    const me = T.localAnnotatorId(this.l);
    if (T.mergeAnnotator(this.l, a, rename && a.annotatorId !== me) === 'added') this.counts.annotatorsAdded++;
  }

  /** Adds a custom scale; the same name with other levels is a problem (a scale never changes). */
  scale(s: WireScale): string | null {
    const have = L.findScale(this.l, s.name);
    if (!have) {
      T.insertForeignScale(this.l, s);
      this.counts.scalesAdded++;
      return null;
    }
    return sameLevels(have, s)
      ? null
      : `scale "${s.name}" exists here with other levels (${describeLevels(have.levels)}) than given (${describeLevels(s.levels)})`;
  }

  /** Adds a task by its global id (a clash of names gets the id appended); returns the local task id. */
  task(t: WireTask): { taskId: number } | { problem: string } {
    const known = this.taskId(t.taskUid);
    if (known !== null) return { taskId: known };
    if (!L.findScale(this.l, t.scale))
      return { problem: `task "${t.name}" uses scale "${t.scale}", which is not defined` };
    const name = T.freeTaskName(this.l, t.name, t.taskUid);
    const taskId = L.insertTaskInTx(
      this.l,
      { name, scale: t.scale, spec: t.spec, instructions: t.instructions, hideScores: t.hideScores },
      t.turns,
      { taskUid: t.taskUid, createdAt: t.createdAt },
    );
    this.uidToTask.set(t.taskUid, taskId);
    this.counts.tasksAdded.push({ taskUid: t.taskUid, name, taskId });
    return { taskId };
  }

  taskId(taskUid: string): number | null {
    let id = this.uidToTask.get(taskUid);
    if (id === undefined) {
      const found = T.taskIdByUid(this.l, taskUid);
      if (found === null) return null;
      this.uidToTask.set(taskUid, (id = found));
    }
    return id;
  }

  /**
   * Applies one event, or returns the problems that keep it out (unknown annotator, scale, task or
   * undone event; a value not on its scale; an event id already recorded with other content).
   */
  event(e: WireEvent, remoteId: number | null = null): Problem[] {
    const problems: Problem[] = [];
    if (!L.findAnnotator(this.l, e.annotatorId))
      problems.push({
        where: 'annotatorId',
        message: `unknown annotator "${e.annotatorId}" (not in the header, not known here)`,
      });
    let taskId = 0;
    if (e.taskUid !== null) {
      const id = this.taskId(e.taskUid);
      if (id === null)
        problems.push({ where: 'taskUid', message: `unknown task "${e.taskUid}" (not in the header, not known here)` });
      else taskId = id;
    }
    if (e.kind === 'grade' || e.kind === 'adjudicate') {
      const scale = L.findScale(this.l, e.scale!);
      if (!scale)
        problems.push({ where: 'scale', message: `unknown scale "${e.scale}" (not in the header, not known here)` });
      else if (!scale.levels.some((lv) => lv.value === e.value))
        problems.push({
          where: 'value',
          message: `${e.value} is not on scale ${scale.name} (values: ${scale.levels.map((lv) => lv.value).join(', ')})`,
        });
    }
    if (problems.length) return problems;
    const ev: L.NewEvent = {
      eventId: e.eventId,
      annotatorId: e.annotatorId,
      taskId,
      turnId: e.turnId,
      itemId: e.itemId,
      kind: e.kind,
      scale: e.scale,
      value: e.value,
      gain: e.gain,
      outcome: e.outcome,
      modelA: e.modelA,
      modelB: e.modelB,
      tags: e.tags,
      note: e.note,
      undoes: e.undoes,
    };
    const prior = L.findEvent(this.l, e.eventId);
    if (prior) {
      const diff: string[] = SAME_FIELDS.filter((f) => prior[f] !== ev[f]);
      if (JSON.stringify(prior.tags) !== JSON.stringify(ev.tags)) diff.push('tags');
      if (diff.length)
        return [
          {
            where: 'eventId',
            message: `event ${e.eventId} is already recorded here with other content (${diff.join(', ')})`,
          },
        ];
      this.counts.duplicates++;
      return [];
    }
    if (e.kind === 'undo' && !L.findEvent(this.l, e.undoes!))
      return [
        {
          where: 'undoes',
          message: `undoes event "${e.undoes}", which is neither earlier in the events nor known here`,
        },
      ];
    this.checkWorkspace(taskId, e);
    L.appendEventInTx(this.l, ev, { createdAt: e.createdAt, remoteId });
    this.counts.inserted++;
    return [];
  }

  /** Reports (never drops) an event for a turn or item this workspace lacks. */
  private checkWorkspace(taskId: number, e: WireEvent): void {
    if (!this.store) return;
    const key = `${taskId}\n${e.turnId}`;
    let cands = this.candidates.get(key);
    if (cands === undefined) {
      const turn = findTurn(this.store, e.turnId);
      if (!turn) cands = null;
      else if (taskId !== 0) cands = new Set(L.taskTurnById(this.l, taskId, e.turnId)?.pool ?? []);
      else cands = new Set(loggedItems(this.store, turn.turnPk));
      this.candidates.set(key, cands);
    }
    if (cands === null) {
      this.counts.missingTurns.events++;
      if (!this.missingTurnSet.has(e.turnId) && this.missingTurnSet.size < LIST_AT_MOST) {
        this.missingTurnSet.add(e.turnId);
        this.counts.missingTurns.turnIds.push(e.turnId);
      }
    } else if (e.itemId !== null && !cands.has(e.itemId)) {
      this.counts.missingItems.events++;
      const k = `${e.turnId}\n${e.itemId}`;
      if (!this.missingItemSet.has(k) && this.missingItemSet.size < LIST_AT_MOST) {
        this.missingItemSet.add(k);
        this.counts.missingItems.items.push({ turnId: e.turnId, itemId: e.itemId });
      }
    }
  }
}

function sameLevels(a: Scale, b: WireScale): boolean {
  const norm = (lv: WireScale['levels']) =>
    JSON.stringify(
      lv.map((x) => [x.key, x.value, x.gain, x.label]).sort((p, q) => (p[1] as number) - (q[1] as number)),
    );
  return norm(a.levels) === norm(b.levels);
}

function describeLevels(levels: WireScale['levels']): string {
  return levels.map((lv) => `${lv.key}=${lv.value}`).join(' ');
}

/** A stored event in the wire shape (task by its global id). */
export function toWire(e: L.StoredEvent, uidOf: (taskId: number) => string | undefined): WireEvent {
  return {
    eventId: e.eventId,
    annotatorId: e.annotatorId,
    createdAt: e.createdAt,
    taskUid: e.taskId === 0 ? null : (uidOf(e.taskId) ?? null),
    turnId: e.turnId,
    itemId: e.itemId,
    kind: e.kind,
    scale: e.scale,
    value: e.value,
    gain: e.gain,
    outcome: e.outcome as WireEvent['outcome'],
    modelA: e.modelA,
    modelB: e.modelB,
    tags: e.tags,
    note: e.note,
    undoes: e.undoes,
  };
}
