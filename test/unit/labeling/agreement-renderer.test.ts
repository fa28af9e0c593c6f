// The renderer's logic for agreement and adjudication (docs/agreement.md): routes, the consensus
// choices of the grades-source picker (ranking, diff and dataset views), how statistics are printed
// and coloured, and what a key does on the disagreement list.
import { describe, expect, it } from 'vitest';
import type { Scale, TaskSummary } from '../../../src-common/api/labeling-types.ts';
import {
  agreementWord,
  disagreementKey,
  formatStat,
  pairOf,
  statColour,
} from '../../../src-renderer/src/lib/agreement-view.ts';
import {
  editTarget,
  kindOf,
  parseGradesParam,
  resolveSetName,
  sourceLabel,
  sourceOptions,
} from '../../../src-renderer/src/lib/grades-source.ts';
import { labelHash, parseLabelHash } from '../../../src-renderer/src/lib/label-routes.ts';

const scale: Scale = {
  name: 'graded-0-3',
  builtin: true,
  description: '',
  levels: [0, 1, 2, 3].map((v) => ({ key: String(v), value: v, gain: v, label: `L${v}`, description: '' })),
};
const progress = (ids: string[]) =>
  ids.map((id) => ({ annotatorId: id, displayName: id, turnsDone: 0, labels: 3, skipped: 0, flagged: 0, pairwise: 0 }));
const task = (taskId: number, name: string, annotators: string[]) =>
  ({ taskId, name, scale: 'graded-0-3', progress: progress(annotators) }) as unknown as TaskSummary;

describe('routes', () => {
  it('#/task/<id>/agreement and /disagreements round-trip; other words are not labeling routes', () => {
    expect(parseLabelHash('#/task/4/agreement')).toEqual({ name: 'agreement', taskId: 4 });
    expect(parseLabelHash('#/task/4/disagreements?x=1')).toEqual({ name: 'disagreements', taskId: 4 });
    expect(labelHash({ name: 'agreement', taskId: 4 })).toBe('#/task/4/agreement');
    expect(labelHash({ name: 'disagreements', taskId: 12 })).toBe('#/task/12/disagreements');
    expect(parseLabelHash('#/task/0/agreement')).toBeNull();
    expect(parseLabelHash('#/task/4/agree')).toBeNull();
  });
});

describe('consensus in the grades-source picker', () => {
  it('offers majority, median and adjudicated per task once two annotators labelled it; read-only', () => {
    const opts = sourceOptions(['trec'], null, [task(1, 'Solo', ['a']), task(2, 'Team', ['a', 'b'])]);
    expect(opts.map((o) => o.value)).toEqual([
      'trec',
      'labels:task:1',
      'labels:task:2',
      'labels:consensus:2:majority',
      'labels:consensus:2:median',
      'labels:consensus:2:adjudicated',
    ]);
    expect(opts.at(-1)).toMatchObject({ label: 'Adjudicated, else median: Team', kind: 'consensus', taskId: 2 });
    expect(kindOf('labels:consensus:2:median')).toBe('consensus');
    // A consensus is one value per item from several people: nobody grades it in place.
    expect(editTarget('labels:consensus:2:median', [task(2, 'Team', ['a', 'b'])], [scale])).toBeNull();
  });

  it('keeps a consensus source from a link (g=) and sends it to the backend as is', () => {
    expect(parseGradesParam('labels:consensus:7:adjudicated')).toBe('labels:consensus:7:adjudicated');
    expect(parseGradesParam('labels:consensus:7:mean')).toBeNull(); // not a rule: ignored, not sent
    expect(resolveSetName('labels:consensus:7:majority', null)).toBe('labels:consensus:7:majority');
    expect(sourceLabel('labels:consensus:7:median', [])).toBe('Median: task #7');
  });
});

describe('agreement view helpers', () => {
  it('prints two decimals or "—", and colours from red (≤ 0) to green (1), grey when undefined', () => {
    expect(formatStat({ value: 0.4915 })).toBe('0.49');
    expect(formatStat({ value: null, reason: 'x' })).toBe('—');
    expect(statColour(-0.3)).toBe(statColour(0));
    expect(statColour(0)).toMatch(/^hsl\(0 /);
    expect(statColour(1)).toMatch(/^hsl\(120 /);
    expect(statColour(null)).toMatch(/0%/);
    expect([-0.1, 0.1, 0.3, 0.5, 0.7, 0.9, null].map(agreementWord)).toEqual([
      'worse than chance',
      'slight',
      'fair',
      'moderate',
      'substantial',
      'almost perfect',
      'undefined',
    ]);
  });

  it('finds a pair in either order', () => {
    const p = { a: 'x', b: 'y', n: 3, observed: 1, kappa: { value: 1 }, kappaQuadratic: { value: 1 } };
    expect(pairOf([p], 'y', 'x')).toBe(p);
    expect(pairOf([p], 'x', 'z')).toBeNull();
  });

  it('disagreement keys: scale keys grade, j/k/arrows move, u undo, e note, n/p page; modified keys never act', () => {
    const k = (key: string, mod = false) =>
      disagreementKey({ key, altKey: false, ctrlKey: mod, metaKey: false }, scale);
    expect(k('2')).toEqual({ kind: 'grade', value: 2 });
    expect(k('j')).toEqual({ kind: 'move', delta: 1 });
    expect(k('ArrowUp')).toEqual({ kind: 'move', delta: -1 });
    expect(k('u')).toEqual({ kind: 'undo' });
    expect(k('e')).toEqual({ kind: 'note' });
    expect(k('n')).toEqual({ kind: 'page', delta: 1 });
    expect(k('2', true)).toBeNull();
    expect(k('x')).toBeNull();
  });
});
