// Hash routes of the labeling views (docs/labeling.md), kept apart from lib/routes.ts:
//   #/tasks                       task list with progress (and the "new task" form: #/tasks/new)
//   #/task/<id>/judge[/<ordinal>] judge mode on one turn of a task (no ordinal: first unfinished)
//   #/task/<id>/arena[/<ordinal>] pairwise judgments (arena) of a two-model task
//   #/task/<id>/agreement         agreement between the task's annotators (docs/agreement.md)
//   #/task/<id>/disagreements     items where they differ; the lead adjudicates
export type LabelRoute =
  | { name: 'tasks'; create?: boolean }
  | { name: 'judge'; taskId: number; ordinal: number | null }
  | { name: 'arena'; taskId: number; ordinal: number | null }
  | { name: 'agreement'; taskId: number }
  | { name: 'disagreements'; taskId: number };

const INT = /^\d{1,9}$/;

/** The labeling route of a hash, or null when the hash belongs to another view. */
export function parseLabelHash(hash: string): LabelRoute | null {
  const raw = hash.replace(/^#\/?/, '').split('?')[0]!;
  const parts = raw.split('/');
  if (parts[0] === 'tasks') return parts[1] === 'new' ? { name: 'tasks', create: true } : { name: 'tasks' };
  if (
    parts[0] === 'task' &&
    parts[1] &&
    INT.test(parts[1]) &&
    Number(parts[1]) >= 1 &&
    (parts[2] === 'judge' || parts[2] === 'arena')
  ) {
    const ordinal = parts[3] !== undefined && INT.test(parts[3]) ? Number(parts[3]) : null;
    return { name: parts[2], taskId: Number(parts[1]), ordinal };
  }
  if (
    parts[0] === 'task' &&
    parts[1] &&
    INT.test(parts[1]) &&
    Number(parts[1]) >= 1 &&
    (parts[2] === 'agreement' || parts[2] === 'disagreements')
  )
    return { name: parts[2], taskId: Number(parts[1]) };
  return null;
}

export function labelHash(r: LabelRoute): string {
  if (r.name === 'tasks') return r.create ? '#/tasks/new' : '#/tasks';
  const base = `#/task/${r.taskId}/${r.name}`;
  if (r.name === 'agreement' || r.name === 'disagreements') return base;
  return r.ordinal === null ? base : `${base}/${r.ordinal}`;
}
