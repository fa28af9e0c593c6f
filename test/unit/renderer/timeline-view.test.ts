// Geometry of the timeline's focus view (src-renderer/src/lib/timeline-view.ts): x values, visible
// range, lane positions, segment labels, dwell bars, weight bars, hit-testing and tooltips.
import { describe, expect, it } from 'vitest';
import type { ResultRow, Turn } from '../../../src-common/api/types.ts';
import { sessionSteps } from '../../../src-renderer/src/lib/timeline.ts';
import {
  dwellWidth,
  focusHeight,
  isDense,
  LAYOUT,
  lowerBound,
  maxClickPosition,
  maxZoom,
  NO_CLICK_Y,
  segmentExtent,
  segmentLabel,
  stepStarts,
  stepUnder,
  turnTipLines,
  visibleRange,
  weightBarHeight,
  weightSlots,
  xDomain,
  xValues,
  yOfPosition,
} from '../../../src-renderer/src/lib/timeline-view.ts';

function r(itemId: string, position: number, click = false, dwellMs: number | null = null): ResultRow {
  return { itemId, title: `title ${itemId}`, position, click, dwellMs, features: {} };
}
function turn(index: number, ts: string, results: ResultRow[], query = `q${index}`): Turn {
  return { turnId: `s#${index}`, index, ts, query, boundary: index ? 'refinement' : 'start', results };
}

describe('x values and domain', () => {
  it('time axis: ms since epoch, never going back; a bad timestamp takes the previous one', () => {
    const ts = ['2026-01-01T00:00:10Z', '2026-01-01T00:00:05Z', 'not a date', '2026-01-01T00:01:00Z'];
    const xs = xValues(
      ts.map((t) => ({ ts: t })),
      'time',
    );
    const t0 = Date.parse(ts[0]!);
    expect([...xs]).toEqual([t0, t0, t0, t0 + 50_000]);
    expect(xDomain(xs, 'time')).toEqual([t0 - 15_000, t0 + 50_000 + 15_000]);
  });
  it('turn-order axis: positions, padded by 0.6', () => {
    const xs = xValues([{ ts: 'x' }, { ts: 'y' }, { ts: 'z' }], 'order');
    expect([...xs]).toEqual([0, 1, 2]);
    expect(xDomain(xs, 'order')).toEqual([-0.6, 2.6]);
    expect(xDomain(new Float64Array(0), 'order')).toEqual([0, 1]);
    expect(maxZoom([0, 600], 'order')).toBe(100);
    expect(maxZoom([0, 6], 'order')).toBe(2);
  });
});

describe('visible range', () => {
  const xs = Float64Array.from([0, 10, 20, 30, 40, 50]);
  it('draws one turn beyond each edge and reports the turns actually inside', () => {
    expect(lowerBound(xs, 25)).toBe(3);
    expect(visibleRange(xs, 15, 35)).toEqual({ from: 1, to: 4, firstSeen: 2, lastSeen: 3 });
    expect(visibleRange(xs, -5, 55)).toEqual({ from: 0, to: 5, firstSeen: 0, lastSeen: 5 });
  });
  it('is dense beyond one turn per 6 px', () => {
    expect(isDense({ from: 0, to: 99 }, 600)).toBe(false);
    expect(isDense({ from: 0, to: 100 }, 600)).toBe(true);
  });
});

describe('lanes', () => {
  it('the weight lane adds height only when there are weights', () => {
    expect(focusHeight(false)).toBe(LAYOUT.clicksTop + LAYOUT.clicksH + 4);
    expect(focusHeight(true)).toBe(LAYOUT.weightTop + LAYOUT.weightH + 4);
  });
  it('clicks: position 1 at the top, the deepest at the bottom, deeper ones clamped', () => {
    const turns = [turn(0, 'x', [r('a', 1, true), r('b', 14, true), r('c', 30)])];
    expect(maxClickPosition(turns)).toBe(14);
    expect(maxClickPosition([turn(0, 'x', [r('a', 2, true)])])).toBe(10);
    expect(yOfPosition(1, 14)).toBe(LAYOUT.clicksTop + 4);
    expect(yOfPosition(14, 14)).toBe(LAYOUT.clicksTop + 4 + LAYOUT.clicksH - 18);
    expect(yOfPosition(40, 14)).toBe(yOfPosition(14, 14));
  });
  it('segment labels fit their band or are cut with an ellipsis', () => {
    expect(segmentLabel('trail shoes', 200)).toBe('trail shoes');
    expect(segmentLabel('trail running shoes for winter', 80)).toBe('trail runn…'); // (80 − 8) / 6.4 → 11 characters;
    expect(segmentLabel('trail running shoes', 20)).toBe('');
  });
  it('a segment spans from its first turn to the next segment’s, the ends to the domain', () => {
    const segs = [
      { n: 0, first: 0, last: 1, from: 0, to: 1, query: 'a', opener: 'start' as const },
      { n: 1, first: 2, last: 3, from: 2, to: 3, query: 'b', opener: 'switch' as const },
    ];
    const xOf = (p: number) => p * 100;
    expect(segmentExtent(segs[0]!, segs, xOf, [-10, 400])).toEqual([-10, 200]);
    expect(segmentExtent(segs[1]!, segs, xOf, [-10, 400])).toEqual([200, 400]);
  });
  it('dwell bars: time on the time axis, dwell/60 s of the spacing in turn order, never under 2 px', () => {
    expect(dwellWidth(30_000, 'time', 0, (ms) => ms / 1000)).toBe(30);
    expect(dwellWidth(null, 'time', 0, (ms) => ms / 1000)).toBe(2);
    expect(dwellWidth(30_000, 'order', 40, () => 0)).toBe(18);
    expect(dwellWidth(600_000, 'order', 40, () => 0)).toBe(36);
  });
  it('weight bars of one turn stand side by side; heights relative to the largest weight', () => {
    const slots = weightSlots([
      { step: 3, turnPos: 1 },
      { step: 4, turnPos: 1 },
      { step: 5, turnPos: 2 },
    ]);
    expect([...slots]).toEqual([
      [3, 0],
      [4, 1],
      [5, 0],
    ]);
    expect(weightBarHeight(0.5, 0.5)).toBe(LAYOUT.weightH);
    expect(weightBarHeight(0.25, 0.5)).toBe(LAYOUT.weightH / 2);
    expect(weightBarHeight(0, 0.5)).toBe(1);
  });
});

describe('pointer and tooltip', () => {
  const turns = [
    turn(0, '2026-01-01T00:00:00Z', [r('a', 1, true, 40_000), r('b', 9, true, 500), r('c', 3)]),
    turn(1, '2026-01-01T00:01:00Z', [r('d', 1)]),
  ];
  const steps = sessionSteps(turns);
  const starts = stepStarts(turns.length, steps);
  const own0 = steps.slice(starts[0]!, starts[1]!);
  it('steps of each turn start where the previous turn’s end', () => {
    expect([...starts]).toEqual([0, 2, 3]);
  });
  it('picks the click nearest in y in the clicks lane, the bar slot in the weight lane, nothing above', () => {
    expect(stepUnder(own0, 0, yOfPosition(1, 10), 10)?.itemId).toBe('a');
    expect(stepUnder(own0, 0, yOfPosition(9, 10), 10)?.itemId).toBe('b');
    expect(stepUnder(own0, 4, LAYOUT.weightTop + 5, 10)?.itemId).toBe('b');
    expect(stepUnder(own0, 0, LAYOUT.weightTop + 5, 10)?.itemId).toBe('a');
    expect(stepUnder(own0, 0, LAYOUT.queryY, 10)).toBeNull();
    expect(stepUnder(steps.slice(2), 0, NO_CLICK_Y, 10)?.action).toBe('no_click');
  });
  it('tooltip: counts, clicks with dwell, weights per step and what a click does', () => {
    const lines = turnTipLines(turns[0]!, own0, new Map([[0, 0.25]]), { step: 1, removed: false });
    expect(lines).toEqual([
      '3 results · 2 clicks',
      'pos 1 long click 40.0 s — title a',
      'pos 9 click 500 ms — title b',
      'history weight step 0 (a): 0.2500',
      'click: remove step 1 from the history',
    ]);
    expect(turnTipLines(turns[1]!, steps.slice(2), null, { step: 2, removed: true })).toEqual([
      '1 results · 0 clicks',
      'click: restore step 2',
    ]);
  });
});
