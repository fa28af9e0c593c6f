// Geometry of the session timeline's focus view (views/timeline/): the lane layout, x values of the
// turns, the visible range, where each mark goes, and what the pointer is over. Numbers in, numbers
// out — no DOM, no d3 — so the lanes stay small and this is unit-tested
// (test/unit/renderer/timeline-view.test.ts). Data (segments, steps) comes from lib/timeline.ts.
import type { Turn } from '../../../src-common/api/types.ts';
import { fmtDwell } from './format.ts';
import type { HistoryStep, Segment } from './timeline.ts';

/** Vertical layout of the focus view (px): segment band, query lane, clicks lane, weight lane. */
export const LAYOUT = {
  left: 62,
  right: 14,
  segH: 16,
  queryY: 30,
  clicksTop: 46,
  clicksH: 48,
  weightTop: 46 + 48 + 8,
  weightH: 34,
  overviewH: 26,
} as const;

export type AxisMode = 'time' | 'order';

/** Height of the focus area: the weight lane only when there are weights to draw. */
export function focusHeight(hasWeights: boolean): number {
  return hasWeights ? LAYOUT.weightTop + LAYOUT.weightH + 4 : LAYOUT.clicksTop + LAYOUT.clicksH + 4;
}

/**
 * x value of each turn: ms since epoch (time axis; never earlier than the turn before, a bad
 * timestamp takes the previous one) or its position (turn-order axis).
 */
export function xValues(turns: readonly Pick<Turn, 'ts'>[], mode: AxisMode): Float64Array {
  const a = new Float64Array(turns.length);
  if (mode === 'order') turns.forEach((_, p) => (a[p] = p));
  else {
    turns.forEach((t, p) => {
      const ms = Date.parse(t.ts);
      a[p] = Number.isFinite(ms) ? Math.max(ms, p > 0 ? a[p - 1]! : ms) : p > 0 ? a[p - 1]! : 0;
    });
  }
  return a;
}

/** The x domain with a little padding either side (at least 15 s on the time axis). */
export function xDomain(xs: ArrayLike<number>, mode: AxisMode): [number, number] {
  if (xs.length === 0) return [0, 1];
  const a = xs[0]!;
  const b = xs[xs.length - 1]!;
  const pad = mode === 'order' ? 0.6 : Math.max(15_000, (b - a) * 0.015);
  return [a - pad, b + pad];
}

/** Smallest span the zoom may show (6 turns or 20 s), as the largest zoom factor. */
export function maxZoom(domain: [number, number], mode: AxisMode): number {
  const span = domain[1] - domain[0];
  return Math.max(2, span / (mode === 'order' ? 6 : 20_000));
}

/** Index of the first step of each turn position; starts[turnCount] = steps.length. */
export function stepStarts(turnCount: number, steps: readonly Pick<HistoryStep, 'turnPos'>[]): Int32Array {
  const a = new Int32Array(turnCount + 1);
  let k = 0;
  for (let p = 0; p < turnCount; p++) {
    a[p] = k;
    while (k < steps.length && steps[k]!.turnPos === p) k++;
  }
  a[turnCount] = steps.length;
  return a;
}

/** First index in sorted `xs` whose value is ≥ x. */
export function lowerBound(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface VisibleRange {
  /** Turn positions drawn: the visible ones plus one either side (marks stay continuous while panning). */
  from: number;
  to: number;
  /** Turn positions actually inside [d0, d1] (for the caption). */
  firstSeen: number;
  lastSeen: number;
}

/** Which turns to draw for the visible x range [d0, d1]. */
export function visibleRange(xs: ArrayLike<number>, d0: number, d1: number): VisibleRange {
  const n = xs.length;
  const slack = (d1 - d0) * 0.02;
  const from = Math.max(0, lowerBound(xs, d0 - slack) - 1);
  const to = Math.min(n - 1, lowerBound(xs, d1 + slack));
  const firstSeen = Math.max(0, lowerBound(xs, d0));
  const lastSeen = Math.min(n - 1, lowerBound(xs, d1) - 1);
  return { from, to, firstSeen, lastSeen: Math.max(firstSeen, lastSeen) };
}

/** Zoomed far out (more than one turn per 6 px): switch rules shrink to the query lane. */
export function isDense(range: Pick<VisibleRange, 'from' | 'to'>, innerW: number): boolean {
  return range.to - range.from + 1 > innerW / 6;
}

/** Largest clicked position in the session (at least 10): the clicks lane's y scale. */
export function maxClickPosition(turns: readonly Turn[]): number {
  let m = 10;
  for (const t of turns) for (const r of t.results) if (r.click && r.position > m) m = r.position;
  return m;
}

/** y of a click at a result position (1 at the top of the clicks lane; deeper ones clamp to the bottom). */
export function yOfPosition(position: number, maxPos: number): number {
  return LAYOUT.clicksTop + 4 + ((Math.min(position, maxPos) - 1) / Math.max(1, maxPos - 1)) * (LAYOUT.clicksH - 18);
}

/** y of the no-click dot of a turn. */
export const NO_CLICK_Y = LAYOUT.clicksTop + LAYOUT.clicksH - 5;

/** A segment label cut to `widthPx` (about 6.4 px a character), with an ellipsis; '' when nothing fits. */
export function segmentLabel(query: string, widthPx: number): string {
  const room = Math.floor((widthPx - 8) / 6.4);
  return room >= query.length ? query : room > 2 ? query.slice(0, room - 1) + '…' : '';
}

/** Pixel extent [start, end) of each segment: from its first turn to the next segment's first turn. */
export function segmentExtent(
  s: Segment,
  segments: readonly Segment[],
  xOfPos: (p: number) => number,
  domainPx: [number, number],
): [number, number] {
  const next = segments[s.n + 1];
  return [s.n === 0 ? domainPx[0] : xOfPos(s.from), next ? xOfPos(next.from) : domainPx[1]];
}

/**
 * Width of a click's bar: its dwell on the time axis (ms → px through `px`), or dwell/60 s of the
 * turn spacing on the turn-order axis; never under 2 px.
 */
export function dwellWidth(
  dwellMs: number | null,
  mode: AxisMode,
  spacingPx: number,
  msToPx: (ms: number) => number,
): number {
  const d = dwellMs ?? 0;
  if (mode === 'order') return Math.max(2, Math.min(1, d / 60_000) * spacingPx * 0.9);
  return Math.max(2, msToPx(d));
}

/** Weight bars of one turn sit side by side, 4 px apart: the slot of each step within its turn. */
export function weightSlots(steps: readonly Pick<HistoryStep, 'step' | 'turnPos'>[]): Map<number, number> {
  const slots = new Map<number, number>();
  const perTurn = new Map<number, number>();
  for (const s of steps) {
    const k = perTurn.get(s.turnPos) ?? 0;
    perTurn.set(s.turnPos, k + 1);
    slots.set(s.step, k);
  }
  return slots;
}

/** Height of a weight bar relative to the largest weight (at least 1 px so a zero still shows). */
export function weightBarHeight(w: number, maxWeight: number): number {
  return Math.max(1, (w / Math.max(1e-9, maxWeight)) * LAYOUT.weightH);
}

/**
 * The history step under the pointer among a turn's own steps: in the weight lane the bar slot
 * (px offset from the turn's x), elsewhere the click nearest in y. null above the clicks lane.
 */
export function stepUnder(own: readonly HistoryStep[], dxPx: number, py: number, maxPos: number): HistoryStep | null {
  if (py < LAYOUT.clicksTop - 4 || own.length === 0) return null;
  if (py >= LAYOUT.weightTop - 2 && own.length > 1) {
    return own[Math.max(0, Math.min(own.length - 1, Math.floor((dxPx + 1.5) / 4)))]!;
  }
  const yOf = (s: HistoryStep) => (s.itemId === null ? NO_CLICK_Y : yOfPosition(s.position ?? 1, maxPos));
  let best = own[0]!;
  for (const s of own) if (Math.abs(yOf(s) - py) < Math.abs(yOf(best) - py)) best = s;
  return best;
}

/** Tooltip lines of a turn: counts, each click, each step's history weight, and what a click would do. */
export function turnTipLines(
  t: Turn,
  own: readonly HistoryStep[],
  weights: ReadonlyMap<number, number> | null,
  hovered: { step: number; removed: boolean } | null,
): string[] {
  const lines = [`${t.results.length} results · ${own.filter((s) => s.itemId !== null).length} clicks`];
  for (const s of own) {
    if (s.itemId === null) continue;
    lines.push(
      `pos ${s.position} ${s.action === 'long_click' ? 'long click' : 'click'} ${fmtDwell(s.dwellMs)} — ${s.title}`,
    );
  }
  if (weights) {
    for (const s of own) {
      const w = weights.get(s.step);
      if (w !== undefined)
        lines.push(`history weight step ${s.step}${s.itemId ? ` (${s.itemId})` : ' (no click)'}: ${w.toFixed(4)}`);
    }
  }
  if (hovered)
    lines.push(
      hovered.removed ? `click: restore step ${hovered.step}` : `click: remove step ${hovered.step} from the history`,
    );
  return lines.slice(0, 8);
}
