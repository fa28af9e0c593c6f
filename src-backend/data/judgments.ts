// A grades source resolved into judgments for the exporters (training JSONL, qrels, Parquet): a
// qrels set by name, or labels (`labels:task:<id>`, `labels:annotator:<id>`; docs/labeling.md), or a
// task's consensus (`labels:consensus:<id>:majority|median|adjudicated`; docs/agreement.md).
// Per (turn, item): `gain` is the grade the metrics use (a task's annotators averaged, as
// metrics.turns averages them), `label` the value on the scale (the lower median when annotators
// differ), `values` every annotator's value.
import { ApiError } from '../../src-common/errors.ts';
import { parseGradesSource } from '../../src-common/api/labeling-types.ts';
import type { LabelingService } from '../labeling/service.ts';
import { findScale, findTask, labelRows } from '../store/labels/labels.ts';
import { qrelsEntries, qrelsSetExists } from '../store/qrels.ts';
import type { Store } from '../store/store.ts';
import { writeLinesAtomically } from './atomic-write.ts';

export interface Judgment {
  label: number;
  gain: number;
  values: number[];
  /** How many annotators labelled it (0 for a qrels set: its judges are not recorded). */
  annotators: number;
}

export interface Judgments {
  source: string;
  scale: { name: string; levels: { value: number; label: string; gain: number }[] };
  annotators: string[];
  /** turn id → item id → judgment. */
  byTurn: Map<string, Map<string, Judgment>>;
  count: number;
}

export function resolveJudgments(store: Store, labeling: LabelingService, source: string, where = 'source'): Judgments {
  const parsed = parseGradesSource(source);
  const byTurn = new Map<string, Map<string, Judgment>>();
  const put = (turnId: string, itemId: string, j: Judgment) => {
    let m = byTurn.get(turnId);
    if (!m) byTurn.set(turnId, (m = new Map()));
    m.set(itemId, j);
  };
  if (parsed.kind === 'qrels') {
    if (!qrelsSetExists(store.db, parsed.setName)) {
      throw new ApiError(
        'not_found',
        `no judgment set "${parsed.setName}" in this workspace and no labels source of that name`,
        [{ where, message: `unknown source ${JSON.stringify(source)}` }],
      );
    }
    const grades = new Set<number>();
    let count = 0;
    for (const e of qrelsEntries(store.db, parsed.setName)) {
      put(e.qid, e.docno, { label: e.grade, gain: Math.max(e.grade, 0), values: [e.grade], annotators: 0 });
      grades.add(e.grade);
      count++;
    }
    const levels = [...grades].sort((a, b) => a - b).map((g) => ({ value: g, label: String(g), gain: Math.max(g, 0) }));
    return { source, scale: { name: `qrels:${parsed.setName}`, levels }, annotators: [], byTurn, count };
  }
  const by = labeling.labelsSource(source, where)!; // not_found for an unknown task or annotator
  if ('rule' in by) {
    // A task's consensus (docs/agreement.md): one value per item, its gain from the task's scale.
    const c = labeling.consensus(by.taskId, by.rule);
    for (const [turnId, items] of c.byTurn)
      for (const [itemId, j] of items)
        put(turnId, itemId, { label: j.value, gain: j.gain, values: j.values, annotators: j.annotators });
    return {
      source,
      scale: {
        name: c.scale.name,
        levels: c.scale.levels.map((l) => ({ value: l.value, label: l.label, gain: l.gain })),
      },
      annotators: c.annotatorIds,
      byTurn,
      count: c.count,
    };
  }
  const rows = labelRows(labeling.labels, by);
  const grouped = new Map<string, typeof rows>();
  for (const r of rows) {
    const key = `${r.turnId}\u0000${r.itemId}`;
    const g = grouped.get(key);
    if (g) g.push(r);
    else grouped.set(key, [r]);
  }
  for (const rs of grouped.values()) {
    const values = rs.map((r) => r.value).sort((a, b) => a - b);
    put(rs[0]!.turnId, rs[0]!.itemId, {
      label: values[(values.length - 1) >> 1]!,
      gain: rs.reduce((s, r) => s + r.gain, 0) / rs.length,
      values,
      annotators: new Set(rs.map((r) => r.annotatorId)).size,
    });
  }
  const scaleNames =
    parsed.kind === 'task' ? [findTask(labeling.labels, parsed.taskId)!.scale] : [...new Set(rows.map((r) => r.scale))];
  const one = scaleNames.length === 1 ? findScale(labeling.labels, scaleNames[0]!) : null;
  const scale = one
    ? { name: one.name, levels: one.levels.map((l) => ({ value: l.value, label: l.label, gain: l.gain })) }
    : { name: scaleNames.length ? `mixed:${scaleNames.join('+')}` : 'none', levels: [] };
  return {
    source,
    scale,
    annotators: [...new Set(rows.map((r) => r.annotatorId))].sort(),
    byTurn,
    count: grouped.size,
  };
}

/** Judgments as TREC qrels (`qid 0 docno value`, by turn then docno): the label value on the scale, an integer. */
export function exportJudgmentsAsQrels(j: Judgments, path: string): Promise<number> {
  function* rows(): Iterable<string> {
    for (const turnId of [...j.byTurn.keys()].sort()) {
      const items = j.byTurn.get(turnId)!;
      for (const itemId of [...items.keys()].sort()) yield `${turnId} 0 ${itemId} ${items.get(itemId)!.label}`;
    }
  }
  return writeLinesAtomically(path, rows());
}
