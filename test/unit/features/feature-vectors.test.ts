// The shared feature vectors (test/fixtures/feature-vectors.json): trainer/tests/test_features.py
// checks the same file against the Python mirror, so features computed in either language agree.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  bm25,
  prepareQuery,
  prepareTitle,
  textFeatures,
  textStatsFromJson,
  textStatsFromTitles,
  textStatsToJson,
  type TextStatsJson,
} from '../../../src-common/features.ts';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/feature-vectors.json', import.meta.url), 'utf8')) as {
  titles: string[];
  stats: TextStatsJson;
  pairs: Array<{ query: string; title: string; features: Record<string, number> }>;
};

describe('text features', () => {
  it('reproduce the shared vectors', () => {
    const stats = textStatsFromTitles(fixture.titles);
    expect(textStatsToJson(stats)).toEqual(fixture.stats);
    for (const p of fixture.pairs) {
      const got = textFeatures(stats, prepareQuery(p.query), prepareTitle(p.title));
      for (const [name, want] of Object.entries(p.features))
        expect(got[name as keyof typeof got], `${p.query} | ${p.title} | ${name}`).toBeCloseTo(want, 12);
    }
  });

  it('BM25 matches a hand computation', () => {
    // Two titles; query "deck": df 1 of N 2 → idf = ln(1 + 1.5/1.5) = ln 2. Title "steam deck": tf 1,
    // len 2, avgLen 2.5 → norm = 1.2·(0.25 + 0.75·2/2.5) = 1.02; score = ln2·1·2.2/(1 + 1.02).
    const stats = textStatsFromTitles(['steam deck', 'steam deck dock review']);
    expect(stats.avgLen).toBe(3);
    const stats2 = textStatsFromTitles(['steam deck', 'steam console review']);
    expect(stats2.avgLen).toBe(2.5);
    const got = bm25(stats2, prepareQuery('deck'), prepareTitle('steam deck'));
    expect(got).toBeCloseTo((Math.LN2 * 2.2) / (1 + 1.02), 12);
  });

  it('an edited query moves the text features: "steam deck setup" lifts the setup tutorial', () => {
    const stats = textStatsFromJson(fixture.stats);
    const tutorial = prepareTitle('Steam Deck setup tutorial');
    const before = textFeatures(stats, prepareQuery('steam deck review'), tutorial);
    const after = textFeatures(stats, prepareQuery('steam deck setup'), tutorial);
    expect(after.bm25).toBeGreaterThan(before.bm25);
    expect(after.title_coverage).toBe(1);
    expect(before.exact_match).toBe(0);
    expect(after.exact_match).toBe(1);
  });

  it('counts a repeated query token once and matches across NFKC forms', () => {
    const stats = textStatsFromJson(fixture.stats);
    const t = prepareTitle('Ｆｕｌｌｗｉｄｔｈ　ＳＨＯＥＳ');
    expect(textFeatures(stats, prepareQuery('fullwidth shoes'), t).exact_match).toBe(1);
    expect(bm25(stats, prepareQuery('shoes shoes'), t)).toBeCloseTo(bm25(stats, prepareQuery('shoes'), t), 12);
  });

  it('an empty or punctuation-only query scores 0 everywhere', () => {
    const stats = textStatsFromJson(fixture.stats);
    for (const q of ['', '!!!'])
      expect(textFeatures(stats, prepareQuery(q), prepareTitle('Steam Deck setup tutorial'))).toEqual({
        bm25: 0,
        title_coverage: 0,
        exact_match: 0,
      });
  });

  it('refuses malformed statistics, naming the field', () => {
    const good = fixture.stats;
    expect(() => textStatsFromJson({ ...good, version: 'v0' }, 'features.json textStats')).toThrow(
      /features\.json textStats\.version/,
    );
    expect(() => textStatsFromJson({ ...good, docs: 0 })).toThrow(/textStats\.docs/);
    expect(() => textStatsFromJson({ ...good, avgLen: -1 })).toThrow(/textStats\.avgLen/);
    expect(() => textStatsFromJson({ ...good, df: { deck: good.docs + 1 } })).toThrow(/textStats\.df\["deck"\]/);
    expect(() => textStatsFromJson([])).toThrow(/not an object/);
  });
});
