// How well rule v2 finds topic switches (docs/segmentation.md, "Measured"): floors on both labelled
// sets at the figures reached minus a small margin, so a change that loses quality fails here.
// `npm run bench -- segmentation` prints the same figures with throughput.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  boundaryV1,
  labelDemo,
  labelReformulations,
  readDemoTruth,
  readReformulations,
  readSessionLog,
  switchScores,
} from '../../../src-backend/data/segmentation-eval.ts';
import { classifyBoundary } from '../../../src-common/segmentation.ts';

const path = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
const HAND = path('test/fixtures/reformulations.tsv');
const DEMO_LOG = path('resources/demo/sessions.jsonl.gz');
const DEMO_TRUTH = path('resources/demo/turns.tsv');

describe('hand-built reformulation set', () => {
  const pairs = readReformulations(HAND);

  it('has at least 300 pairs covering every kind of reformulation, English and Chinese', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(300);
    const categories = new Set(pairs.map((p) => p.category));
    for (const c of ['typo', 'morphology', 'intent_only', 'specialisation', 'generalisation', 'sibling'])
      expect(categories, c).toContain(c);
    for (const c of [
      'switch_same_domain',
      'switch_cross_domain',
      'repeat',
      'zh_refinement',
      'zh_switch',
      'zh_intent',
      'long_gap',
    ])
      expect(categories, c).toContain(c);
    expect(new Set(pairs.map((p) => `${p.previous}\t${p.current}`)).size, 'no duplicate pairs').toBe(pairs.length);
  });

  it('switch precision and recall stay at or above 0.98 (v1: far below)', () => {
    const s = switchScores(labelReformulations(pairs));
    expect(s.precision).toBeGreaterThanOrEqual(0.98);
    expect(s.recall).toBeGreaterThanOrEqual(0.98);
    const v1 = switchScores(labelReformulations(pairs, (a, b) => boundaryV1(a.query, b.query)));
    expect(v1.precision).toBeLessThan(0.8);
  });

  it('gets at least 9 of 10 right in every category, and the v1 rule does not (what v2 fixed)', () => {
    const byCategory = new Map<string, { ok: number; n: number; v1ok: number }>();
    for (const p of pairs) {
      const c = byCategory.get(p.category) ?? { ok: 0, n: 0, v1ok: 0 };
      const kind = classifyBoundary(
        { query: p.previous, time: 0 },
        { query: p.current, time: p.gapMinutes * 60_000 },
      ).kind;
      c.ok += kind === p.gold ? 1 : 0;
      c.v1ok += boundaryV1(p.previous, p.current) === p.gold ? 1 : 0;
      c.n++;
      byCategory.set(p.category, c);
    }
    for (const [cat, c] of byCategory) expect(c.ok / c.n, cat).toBeGreaterThanOrEqual(0.9);
    // Intent-only follow-ups and word forms were v1's blind spots.
    expect(byCategory.get('intent_only')!.v1ok / byCategory.get('intent_only')!.n).toBeLessThan(0.1);
    expect(byCategory.get('morphology')!.v1ok / byCategory.get('morphology')!.n).toBeLessThan(0.8);
  });

  it('says where a malformed line is', () => {
    expect(() => readReformulations(path('test/fixtures/tiny-sessions.jsonl'))).toThrow(
      /tiny-sessions\.jsonl:1: expected the header/,
    );
  });
});

describe('held-out reformulation set (written after the rule was final, never tuned on)', () => {
  it('switch precision stays at or above 0.9 and recall at or above 0.95', () => {
    const pairs = readReformulations(path('test/fixtures/reformulations-holdout.tsv'));
    expect(pairs.length).toBeGreaterThanOrEqual(80);
    const s = switchScores(labelReformulations(pairs));
    expect(s.precision).toBeGreaterThanOrEqual(0.9);
    expect(s.recall).toBeGreaterThanOrEqual(0.95);
  });
});

describe('demo ground truth (resources/demo)', () => {
  // Floor = the target (0.95), below the figures reached (docs/segmentation.md): the demo is
  // regenerated from time to time, and this must hold on whatever demo ships.
  it('switch precision and recall both stay at or above 0.95', async () => {
    expect(
      existsSync(DEMO_LOG) && existsSync(DEMO_TRUTH),
      'resources/demo/sessions.jsonl.gz and turns.tsv are needed',
    ).toBe(true);
    const rows = labelDemo(await readSessionLog(DEMO_LOG), readDemoTruth(DEMO_TRUTH));
    expect(rows.length).toBeGreaterThan(1000);
    const s = switchScores(rows);
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
    expect(s.recall).toBeGreaterThanOrEqual(0.95);
  });
});
