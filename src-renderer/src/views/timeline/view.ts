// What every focus lane draws against: the zoomed x scale and the visible turn range. The composer
// (SessionTimeline.svelte) makes one per zoom/pan/selection change and hands it to each lane's draw().
import type { ScaleLinear } from 'd3';
import type { VisibleRange } from '../../lib/timeline-view.ts';

export interface FocusView {
  /** Current (zoomed) scale: x value (ms or turn position) → px inside the plot. */
  x: ScaleLinear<number, number>;
  /** px of the turn at a position in the session's turn array. */
  xOf: (pos: number) => number;
  range: VisibleRange;
  /** Zoomed far out: more than one turn per 6 px. */
  dense: boolean;
  focusH: number;
  innerW: number;
  /** px between the first visible turn and the next (turn-order dwell bars). */
  spacing: number;
}
