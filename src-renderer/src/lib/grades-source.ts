// Grades sources of the ranking and diff views (docs/labeling.md "Inline grading in the ranking
// view"): a qrels set, "My labels" or a label task. Pure logic — the options of the picker, the
// `g=` URL value and its resolution to the set name `qrels.turn` takes, which source can be graded
// inline and on which scale, and what a key press means. Unit-tested in test/unit/renderer/.
import type { Annotator, Scale, ScaleLevel, TaskSummary } from '../../../src-common/api/labeling-types.ts';
import {
  CONSENSUS_RULES,
  CONSENSUS_SOURCE,
  taskGradesSource,
  type ConsensusRuleName,
} from '../../../src-common/api/labeling-types.ts';

/** `g=` value of "My labels": machine-independent (the annotator id differs per machine), so a link stays valid. */
export const MINE = 'labels:mine';
/** The scale of an inline label outside any task (the backend's default too). */
export const INLINE_SCALE = 'graded-0-3';
const TASK = /^labels:task:([1-9]\d{0,9})$/;
const ANNOTATOR = /^labels:annotator:([0-9A-Za-z_-]{4,64})$/;

export type SourceKind = 'qrels' | 'mine' | 'task' | 'annotator' | 'consensus';

/** How the picker names each consensus rule of a task (docs/agreement.md). */
export const CONSENSUS_LABELS: Record<ConsensusRuleName, string> = {
  majority: 'Majority',
  median: 'Median',
  adjudicated: 'Adjudicated, else median',
};

export interface SourceOption {
  /** The choice as kept in the URL (`g=`). */
  value: string;
  label: string;
  kind: SourceKind;
  taskId?: number;
}

/** The picker's list: every qrels set, "My labels", then every task ("Task: <name>"). */
export function sourceOptions(
  sets: readonly string[],
  me: Annotator | null,
  tasks: readonly TaskSummary[],
): SourceOption[] {
  const out: SourceOption[] = sets.map((s) => ({ value: s, label: s, kind: 'qrels' as const }));
  if (me) out.push({ value: MINE, label: 'My labels', kind: 'mine' });
  for (const t of tasks)
    out.push({ value: taskGradesSource(t.taskId), label: `Task: ${t.name}`, kind: 'task', taskId: t.taskId });
  // A task's consensus, once several annotators labelled it (read-only: one value per item).
  for (const t of tasks)
    if ((t.progress ?? []).filter((p) => p.labels > 0).length >= 2)
      for (const rule of CONSENSUS_RULES)
        out.push({
          value: taskGradesSource(t.taskId, rule),
          label: `${CONSENSUS_LABELS[rule]}: ${t.name}`,
          kind: 'consensus',
          taskId: t.taskId,
        });
  return out;
}

/** Kind of a `g=` value (a qrels set name unless it has the labels prefix). */
export function kindOf(value: string): SourceKind {
  if (value === MINE) return 'mine';
  if (TASK.test(value)) return 'task';
  if (ANNOTATOR.test(value)) return 'annotator';
  if (CONSENSUS_SOURCE.test(value)) return 'consensus';
  return 'qrels';
}

/** A `g=` value from the URL, or null when it is malformed (then the default set is used). */
export function parseGradesParam(raw: string | null): string | null {
  if (raw === null) return null;
  const v = raw.trim();
  if (!v || v.length > 256 || /[\u0000-\u001f]/.test(v)) return null;
  // A malformed labels source would be refused by the backend; treat it as absent instead.
  if (v.startsWith('labels:') && v !== MINE && !TASK.test(v) && !ANNOTATOR.test(v) && !CONSENSUS_SOURCE.test(v))
    return null;
  return v;
}

/** The set name for `qrels.turn` / `metrics.turns`; null while "My labels" waits for the annotator. */
export function resolveSetName(value: string | null, me: Annotator | null): string | null {
  if (value === null) return null;
  if (value === MINE) return me ? `labels:annotator:${me.annotatorId}` : null;
  return value;
}

/** How the picker names a choice (also for a task or set not in the lists, e.g. from an old link). */
export function sourceLabel(value: string | null, options: readonly SourceOption[]): string {
  if (value === null) return 'no grades';
  const o = options.find((x) => x.value === value);
  if (o) return o.label;
  const t = TASK.exec(value);
  if (t) return `Task #${t[1]}`;
  const a = ANNOTATOR.exec(value);
  if (a) return `labels of ${a[1]}`;
  const c = CONSENSUS_SOURCE.exec(value);
  if (c) return `${CONSENSUS_LABELS[c[2] as ConsensusRuleName]}: task #${c[1]}`;
  return value;
}

/** Where an inline grade goes: outside any task (`taskId` undefined) or into a task, on `scale`. */
export interface EditTarget {
  taskId?: number;
  scale: Scale;
}

/**
 * Which choice can be graded in place: "My labels" (labels outside any task, on graded-0-3) and a
 * task (on the task's scale). qrels sets are imported ground truth and someone else's labels are
 * theirs: read-only. null also while the scales are not loaded or the scale is unknown.
 */
export function editTarget(
  value: string | null,
  tasks: readonly TaskSummary[],
  scales: readonly Scale[] | null,
): EditTarget | null {
  if (value === null || !scales) return null;
  if (value === MINE) {
    const scale = scales.find((s) => s.name === INLINE_SCALE);
    return scale ? { scale } : null;
  }
  const t = TASK.exec(value);
  if (!t) return null;
  const task = tasks.find((x) => x.taskId === Number(t[1]));
  const scale = task && scales.find((s) => s.name === task.scale);
  return task && scale ? { taskId: task.taskId, scale } : null;
}

/**
 * Keys of inline grading on a focused ranking row, for a shortcut sheet (the shared lib/shortcuts.ts
 * is not on this branch; judge mode's list is lib/label-keys.ts). None of them is a page shortcut
 * (j/k/J/K/W), and they act only on a focused row.
 */

export type GradeKeyAction = { kind: 'grade'; level: ScaleLevel } | { kind: 'undo' } | null;

/**
 * What a key pressed on a focused ranking row does: a scale key grades it, `u` undoes the last
 * inline label on the turn. Modified keys never act (browser and app shortcuts keep working).
 */
export function gradeKey(
  e: { key: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean },
  scale: Scale,
): GradeKeyAction {
  if (e.altKey || e.ctrlKey || e.metaKey) return null;
  const level = scale.levels.find((l) => l.key === e.key);
  if (level) return { kind: 'grade', level };
  if (e.key === 'u') return { kind: 'undo' };
  return null;
}

/** The default choice: the route's, else the remembered one, else the first qrels set (ground-truth first). */
export function initialChoice(
  fromRoute: string | null,
  remembered: string | null,
  fallback: string | null,
): string | null {
  return fromRoute ?? remembered ?? fallback;
}

/** An inline grade's state: shown at once, "saved" only after the backend's acknowledgement. */
export interface InlineMark {
  value: number;
  state: 'saving' | 'saved' | 'failed' | 'undone';
  eventId: string;
}

/** What the ranking table needs to take grades in place. */
export interface InlineGrading {
  scale: Scale;
  /** This annotator's current values on the turn (item → value). */
  mine: ReadonlyMap<string, number>;
  /** Grades written from this view and their save state. */
  marks: ReadonlyMap<string, InlineMark>;
  ongrade: (itemId: string, value: number) => void;
  onundo: () => void;
}
