// Window size and position, remembered across launches (userData/window-state.json). The saved
// state is untrusted input (hand-edited, from another monitor layout): it is validated and only
// used when the window would be visible on one of the current displays.
export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_STATE: WindowState = { width: 1440, height: 900, maximized: false };
const MIN = { width: 900, height: 600 };
/** At least this much of the title bar must be on a display, or the window could not be grabbed. */
const VISIBLE_MARGIN = 64;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Parses saved JSON; anything malformed gives the defaults. */
export function parseWindowState(text: string | null): WindowState {
  if (!text) return { ...DEFAULT_STATE };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ...DEFAULT_STATE };
  }
  const o = v as Partial<Record<keyof WindowState, unknown>>;
  if (!o || typeof o !== 'object' || !finite(o.width) || !finite(o.height)) return { ...DEFAULT_STATE };
  const s: WindowState = {
    width: Math.round(Math.min(Math.max(o.width, MIN.width), 10_000)),
    height: Math.round(Math.min(Math.max(o.height, MIN.height), 10_000)),
    maximized: o.maximized === true,
  };
  if (finite(o.x) && finite(o.y)) {
    s.x = Math.round(o.x);
    s.y = Math.round(o.y);
  }
  return s;
}

/** Drops the position when the window's top edge would not be reachable on any display. */
export function fitToDisplays(state: WindowState, workAreas: Rect[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const { x, y, width } = state;
  const visible = workAreas.some(
    (a) =>
      x + width - VISIBLE_MARGIN >= a.x &&
      x + VISIBLE_MARGIN <= a.x + a.width &&
      y >= a.y &&
      y + VISIBLE_MARGIN <= a.y + a.height,
  );
  if (visible) {
    // Shrink to the display it is on, so a state saved on a bigger monitor still fits.
    const area = workAreas.find(
      (a) => x + VISIBLE_MARGIN <= a.x + a.width && x + width - VISIBLE_MARGIN >= a.x && y >= a.y && y < a.y + a.height,
    )!;
    return { ...state, width: Math.min(state.width, area.width), height: Math.min(state.height, area.height) };
  }
  const { x: _x, y: _y, ...rest } = state;
  return rest;
}

/** What to save from a window: its normal (un-maximized) bounds and whether it is maximized. */
export function captureWindowState(win: { getNormalBounds(): Rect; isMaximized(): boolean }): WindowState {
  const b = win.getNormalBounds();
  return { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
}

export interface StateStore {
  read(): string | null;
  write(text: string): void;
}

/** Loads, validates and fits the state; `save` writes it (debounce the caller's resize events). */
export function windowStateKeeper(store: StateStore, workAreas: () => Rect[]) {
  return {
    load: (): WindowState => fitToDisplays(parseWindowState(store.read()), workAreas()),
    save: (state: WindowState): void => store.write(JSON.stringify(state)),
  };
}
