// src-common/history.ts gives the shared history-step vectors (trainer/tests/test_history.py checks
// trainer/history.py on the same file). The backend's assembly and the renderer's timeline are both
// checked too, so the three places that show or use step numbers cannot drift apart.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { historySteps, LONG_CLICK_MS, type StepClick } from '../../../src-common/history.ts';
import { historySteps as assemblySteps, type HistoryTurn } from '../../../src-backend/inference/assemble.ts';
import { sessionSteps } from '../../../src-renderer/src/lib/timeline.ts';
import type { Turn } from '../../../src-common/api/types.ts';

interface LoggedResult {
  item_id: string;
  title: string;
  position: number;
  click?: boolean;
  dwell_ms?: number | null;
}
interface Case {
  name: string;
  events: { query: string; results: LoggedResult[] }[];
  steps: {
    step: number;
    turn: number;
    item_id: string | null;
    title: string;
    position: number | null;
    dwell_ms: number | null;
    action: string;
  }[];
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/history-steps.json', import.meta.url), 'utf8')) as {
  long_click_ms: number;
  cases: Case[];
};

const clicksOf = (e: Case['events'][number]): StepClick[] =>
  e.results
    .filter((r) => r.click)
    .map((r) => ({ itemId: r.item_id, title: r.title, position: r.position, dwellMs: r.dwell_ms ?? null }));
const expected = (c: Case) =>
  c.steps.map((s) => ({
    step: s.step,
    turnIndex: s.turn,
    turnPos: s.turn,
    itemId: s.item_id,
    title: s.title,
    position: s.position,
    dwellMs: s.dwell_ms,
    action: s.action,
  }));

describe('history steps (shared vectors)', () => {
  it('uses the trainer’s long-click threshold', () => {
    expect(LONG_CLICK_MS).toBe(fixture.long_click_ms);
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const turns = c.events.map((e, index) => ({ index, e }));
      expect(historySteps(turns, (t) => clicksOf(t.e))).toEqual(expected(c));

      // The backend's history assembly: same steps with the turn's query, titles alongside.
      const earlier: HistoryTurn[] = c.events.map((e, index) => ({ index, query: e.query, clicks: clicksOf(e) }));
      const a = assemblySteps(earlier);
      expect(a.steps).toEqual(
        c.steps.map((s) => ({
          step: s.step,
          turnIndex: s.turn,
          query: c.events[s.turn]!.query,
          itemId: s.item_id,
          action: s.action,
        })),
      );
      expect(a.titles).toEqual(c.steps.map((s) => s.title));

      // The renderer's timeline, from the API's Turn shape.
      const apiTurns: Turn[] = c.events.map((e, index) => ({
        turnId: `s#${index}`,
        index,
        ts: '2026-03-01T09:00:00Z',
        query: e.query,
        boundary: index === 0 ? 'start' : 'refinement',
        results: e.results.map((r) => ({
          itemId: r.item_id,
          title: r.title,
          position: r.position,
          click: !!r.click,
          dwellMs: r.dwell_ms ?? null,
          features: {},
        })),
      }));
      expect(sessionSteps(apiTurns)).toEqual(expected(c));
    });
  }

  it('numbers from firstStep when older turns were left out', () => {
    const c = fixture.cases[0]!;
    const turns = c.events.map((e, index) => ({ index, e }));
    expect(historySteps(turns, (t) => clicksOf(t.e), 7).map((s) => s.step)).toEqual(c.steps.map((s) => s.step + 7));
  });
});
