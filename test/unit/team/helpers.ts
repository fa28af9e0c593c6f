// Team tests: tiny workspaces (the labeling tests' three sessions) opened with team sync options,
// and small readers over their labels.
import { join } from 'node:path';
import type { Backend, BackendOptions } from '../../../src-backend/backend.ts';
import * as T from '../../../src-backend/store/labels/team.ts';
import { backendIn, caller, tinyWorkspace, uuid, type Call } from '../labeling/helpers.ts';

export { uuid, rejection } from '../labeling/helpers.ts';

export interface Ws {
  b: Backend;
  call: Call;
  dir: string;
  labelsPath: string;
}

/** The labeling tests' tiny workspace, reopened with the given team sync options. */
export async function teamWorkspace(teamSync: BackendOptions['teamSync'] = { background: false }): Promise<Ws> {
  const t = await tinyWorkspace();
  await t.b.close();
  const b = backendIn(t.dir, { teamSync });
  return { b, call: caller(b), dir: t.dir, labelsPath: join(t.dir, 'ws.db.labels.db') };
}

export const eventSet = (w: Ws) => T.eventSet(w.b.labeling.labels);

/** Every current label, in an order that does not depend on local seq or task ids. */
export async function currentLabels(w: Ws): Promise<string[]> {
  const out: string[] = [];
  const uidOf = T.taskUidMap(w.b.labeling.labels);
  for (const turnId of ['s1#0', 's1#1', 's1#2', 's2#0', 's3#0']) {
    const r = await w.call('labels.forTurn', { turnId });
    for (const c of r.current)
      out.push(
        [c.taskId === null ? '-' : uidOf.get(c.taskId), c.annotatorId, turnId, c.itemId, c.value, c.eventId].join('|'),
      );
  }
  return out.sort();
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const grade = (w: Ws, taskId: number | undefined, turnId: string, itemId: string, value: number) =>
  w.call('labels.record', {
    eventId: uuid(),
    ...(taskId !== undefined ? { taskId } : {}),
    turnId,
    kind: 'grade',
    itemId,
    value,
  });
