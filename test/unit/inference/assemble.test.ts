// Feature assembly: TypeScript tensors must equal trainer/data.py's (test/fixtures/assembly-vectors.json)
// and hand-computed ones; missing features and truncation are reported, never silent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ACTION_CLICK,
  ACTION_LONG_CLICK,
  ACTION_NO_CLICK,
  assembleHistory,
  assembleTurn,
  type HistoryTurn,
  type ModelInputSpec,
} from '../../../src-backend/inference/assemble.ts';
import { packBatch } from '../../../src-backend/inference/batch.ts';
import { encodeItemId, encodeText, type TokenizerParams } from '../../../src-common/tokenizer.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

interface FixtureResult {
  item_id: string;
  title?: string;
  position: number;
  click?: boolean;
  dwell_ms?: number;
}
interface Fixture {
  tokenizer: TokenizerParams;
  long_click_ms: number;
  sessions: { session_id: string; events: { query: string; results: FixtureResult[] }[] }[];
  cases: {
    session_id: string;
    turn: number;
    max_steps: number;
    history_query_tokens: number[][];
    history_item_tokens: number[][];
    history_item_ids: number[];
    history_actions: number[];
  }[];
}

const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/assembly-vectors.json'), 'utf8')) as Fixture;

/** A logged session's events → the HistoryTurn shape the store reader produces. */
function toHistory(events: Fixture['sessions'][number]['events']): HistoryTurn[] {
  return events.map((e, index) => ({
    index,
    query: e.query,
    clicks: e.results
      .filter((r) => r.click)
      .map((r) => ({ itemId: r.item_id, title: r.title ?? '', position: r.position, dwellMs: r.dwell_ms ?? null })),
  }));
}

const rows = (a: Int32Array, width: number) =>
  Array.from({ length: a.length / width }, (_, i) => Array.from(a.subarray(i * width, (i + 1) * width)));

describe('history assembly matches the Python reference (assembly-vectors.json)', () => {
  it.each(fixture.cases.map((c) => [`${c.session_id} turn ${c.turn} max ${c.max_steps}`, c] as const))('%s', (_, c) => {
    const session = fixture.sessions.find((s) => s.session_id === c.session_id)!;
    const earlier = toHistory(session.events).slice(0, c.turn);
    const h = assembleHistory(earlier, fixture.tokenizer, { maxHistory: c.max_steps });
    expect(rows(h.query, fixture.tokenizer.queryTokens)).toEqual(c.history_query_tokens);
    expect(rows(h.item, fixture.tokenizer.titleTokens)).toEqual(c.history_item_tokens);
    expect(Array.from(h.ids)).toEqual(c.history_item_ids);
    expect(Array.from(h.actions)).toEqual(c.history_actions);
    expect(h.steps.length).toBe(c.history_item_ids.length);
    expect(h.truncated).toBe(h.total - c.history_item_ids.length);
  });

  it('covers truncation in at least one case (the fixture is not trivially short)', () => {
    expect(fixture.cases.some((c) => c.history_item_ids.length === c.max_steps && c.max_steps < 8)).toBe(true);
  });
});

const TOK: TokenizerParams = { tokenBuckets: 101, itemBuckets: 53, queryTokens: 3, titleTokens: 2 };
const SPEC: ModelInputSpec = {
  tokenizer: TOK,
  groups: [
    { name: 'text', features: ['bm25', 'exact'] },
    { name: 'stats', features: ['ctr'] },
  ],
};

describe('hand-computed cases', () => {
  const earlier: HistoryTurn[] = [
    // clicks out of position order: assembly sorts them by position
    {
      index: 0,
      query: 'red shoes',
      clicks: [
        { itemId: 'B', title: 'b title', position: 3, dwellMs: 45_000 },
        { itemId: 'A', title: 'a', position: 1, dwellMs: null },
      ],
    },
    { index: 1, query: 'blue', clicks: [] },
    { index: 2, query: 'green hat', clicks: [{ itemId: 'C', title: 'hat hat hat', position: 2, dwellMs: 29_999 }] },
  ];

  it('one step per click in position order, a no-click step for a turn without clicks, long click at ≥ 30 s', () => {
    const h = assembleHistory(earlier, TOK, { maxHistory: 10 });
    expect(h.steps.map((s) => [s.step, s.turnIndex, s.itemId, s.action])).toEqual([
      [0, 0, 'A', 'click'],
      [1, 0, 'B', 'long_click'],
      [2, 1, null, 'no_click'],
      [3, 2, 'C', 'click'],
    ]);
    expect(Array.from(h.actions)).toEqual([ACTION_CLICK, ACTION_LONG_CLICK, ACTION_NO_CLICK, ACTION_CLICK]);
    expect(Array.from(h.ids)).toEqual([encodeItemId('A', 53), encodeItemId('B', 53), 0, encodeItemId('C', 53)]);
    // title tokens: 'a' + padding; no-click row all zeros; 'hat hat hat' truncated to 2 tokens
    const hat = encodeText('hat', 2, 101)[0]!;
    expect(rows(h.item, 2)).toEqual([
      [encodeText('a', 2, 101)[0], 0],
      encodeText('b title', 2, 101),
      [0, 0],
      [hat, hat],
    ]);
    expect(rows(h.query, 3)[2]).toEqual(encodeText('blue', 3, 101));
  });

  it('keeps the most recent maxHistory steps and reports how many were dropped', () => {
    const h = assembleHistory(earlier, TOK, { maxHistory: 2 });
    expect(h.steps.map((s) => s.step)).toEqual([2, 3]);
    expect(h.total).toBe(4);
    expect(h.truncated).toBe(2);
    const none = assembleHistory(earlier, TOK, { maxHistory: 0 });
    expect(none.steps).toEqual([]);
    expect(none.truncated).toBe(4);
  });

  it('removing steps (counterfactual) renumbers nothing and shrinks the tensors', () => {
    const h = assembleHistory(earlier, TOK, { maxHistory: 10, removeSteps: new Set([1, 2]) });
    expect(h.steps.map((s) => s.step)).toEqual([0, 3]);
    expect(Array.from(h.actions)).toEqual([ACTION_CLICK, ACTION_CLICK]);
  });

  it('omitted older steps keep step numbers and the truncation count right', () => {
    const h = assembleHistory(earlier.slice(1), TOK, { maxHistory: 10, omittedSteps: 2 });
    expect(h.steps.map((s) => s.step)).toEqual([2, 3]);
    expect(h.total).toBe(4);
    expect(h.truncated).toBe(2);
  });

  it('candidate features follow the model order; a missing feature is filled with 0 and reported', () => {
    const a = assembleTurn(
      earlier,
      'red hat',
      [
        { itemId: 'X', title: 'x', position: 1, features: { ctr: 0.5, bm25: 7, unknown: 1 } },
        { itemId: 'Y', title: 'y', position: 2, features: { exact: 1 } },
      ],
      SPEC,
      { maxHistory: 10 },
    );
    expect(Array.from(a.tensors.candidateFeatures)).toEqual([7, 0, 0.5, 0, 1, 0]);
    expect(a.report.missingFeatures).toEqual([
      { feature: 'bm25', candidates: 1, fill: 0 },
      { feature: 'exact', candidates: 1, fill: 0 },
      { feature: 'ctr', candidates: 1, fill: 0 },
    ]);
    expect(Array.from(a.tensors.targetQueryTokens)).toEqual(encodeText('red hat', 3, 101));
    expect(Array.from(a.tensors.candidateItemIds)).toEqual([encodeItemId('X', 53), encodeItemId('Y', 53)]);
  });

  it('packs a batch with right padding, masks and int64 values like the Python collate', () => {
    const one = assembleTurn(earlier, 'q', [{ itemId: 'X', title: 'x', position: 1, features: {} }], SPEC, {
      maxHistory: 10,
    }).tensors;
    const two = assembleTurn(
      [],
      'q',
      [
        { itemId: 'X', title: 'x', position: 1, features: {} },
        { itemId: 'Y', title: 'y', position: 2, features: { ctr: 2 } },
      ],
      SPEC,
      { maxHistory: 10 },
    ).tensors;
    const { feeds, shape } = packBatch([one, two], { Tq: 3, Ti: 2, F: 3 });
    expect(shape).toMatchObject({ B: 2, L: 4, C: 2 });
    expect(Array.from(feeds.history_mask!.data as Uint8Array)).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(Array.from(feeds.candidate_mask!.data as Uint8Array)).toEqual([1, 0, 1, 1]);
    expect(Array.from(feeds.history_actions!.data as BigInt64Array)).toEqual([2n, 3n, 1n, 2n, 0n, 0n, 0n, 0n]);
    expect(Array.from(feeds.candidate_features!.data as Float32Array)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    // a batch of turns without history still has L = 1 (all masked), as in trainer/data.py collate
    expect(packBatch([two], { Tq: 3, Ti: 2, F: 3 }).shape.L).toBe(1);
  });
});
