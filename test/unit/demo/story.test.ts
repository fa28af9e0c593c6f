// The generative story behind the demo data: what a model can and cannot learn from it.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-common/prng.ts';
import { tokenize } from '../../../src-common/tokenizer.ts';
import { idf, prepareQuery, prepareTitle, textFeatures } from '../../../src-common/features.ts';
import { generateSessions, type GeneratedSession, type TurnTruth } from '../../../src-backend/data/demo/sessions.ts';
import { buildWorld } from '../../../src-backend/data/demo/world.ts';

const world = buildWorld(5);
const generated: GeneratedSession[] = [...generateSessions(world, 5, 1500)];

interface Result {
  item_id: string;
  title: string;
  features: Record<string, number>;
  click: boolean;
}
interface Row {
  features: Record<string, number>;
  grade: number;
  topic: number;
  title: string;
}
interface Turn {
  truth: TurnTruth;
  prevTopic: number | null;
  /** Queries typed earlier in the session, oldest first. */
  earlierQueries: string[];
  rows: Row[];
}
const logged = generated.map(
  (s) => JSON.parse(s.line) as { user_id: string; session_id: string; events: { query: string; results: Result[] }[] },
);
const turns: Turn[] = generated.flatMap((s, k) => {
  const events = logged[k]!.events;
  return s.turns.map((truth, e) => {
    const results = events[e]!.results;
    expect(results.map((r) => r.item_id)).toEqual(truth.itemIds);
    return {
      truth,
      prevTopic: e > 0 ? s.turns[e - 1]!.topic : null,
      earlierQueries: events.slice(0, e).map((ev) => ev.query),
      rows: results.map((r, i) => ({
        features: r.features,
        grade: truth.grades[i]!,
        topic: truth.itemTopics[i]!,
        title: r.title,
      })),
    };
  });
});
const of = (pred: (t: Turn) => boolean): Turn[] => turns.filter(pred);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** NDCG@10 of ordering a turn's candidates by a score (ties broken against the ideal order). */
function ndcgBy(turn: Turn, score: (r: Row) => number): number {
  const gain = (g: number): number => 2 ** g - 1;
  const dcg = (grades: number[]): number => grades.slice(0, 10).reduce((a, g, i) => a + gain(g) / Math.log2(i + 2), 0);
  const ranked = [...turn.rows].sort((a, b) => score(b) - score(a) || a.grade - b.grade);
  const ideal = dcg(turn.rows.map((r) => r.grade).sort((a, b) => b - a));
  return ideal > 0 ? dcg(ranked.map((r) => r.grade)) / ideal : 1;
}
const byFeature =
  (f: string) =>
  (r: Row): number =>
    r.features[f]!;
const ndcg = (ts: Turn[], score: (r: Row) => number): number => mean(ts.map((t) => ndcgBy(t, score)));

describe('demo world', () => {
  it('has several hundred topics, some Chinese, with unique item ids and readable titles', () => {
    expect(world.topics.length).toBeGreaterThanOrEqual(300);
    expect(world.topics.filter((t) => t.lang === 'zh').length).toBeGreaterThanOrEqual(50);
    expect(new Set(world.items.map((i) => i.id)).size).toBe(world.items.length);
    for (const item of world.items) {
      expect(item.title).not.toMatch(/\{|\}/); // every template slot filled
      expect(item.title.length).toBeGreaterThanOrEqual(4);
    }
  });

  it('PRNG is reproducible from the seed and differs across seeds', () => {
    const draw = (seed: number): number[] => {
      const r = new Rng(seed);
      return Array.from({ length: 5 }, () => r.u32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw(1)).not.toEqual(draw(2 ** 32 + 1));
    expect(draw(-1)).not.toEqual(draw(2 ** 32 - 1));
    const r = new Rng(9);
    const xs = Array.from({ length: 20_000 }, () => r.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean(xs)).toBeCloseTo(0.5, 1);
  });
});

describe('features: observable, recomputable', () => {
  it('logs bm25, title_coverage and exact_match exactly as the one feature module computes them', () => {
    let checked = 0;
    for (const s of logged) {
      for (const ev of s.events) {
        const q = prepareQuery(ev.query);
        for (const r of ev.results) {
          const f = textFeatures(world.textStats, q, prepareTitle(r.title));
          expect(r.features.bm25).toBe(Math.round(f.bm25 * 1e3) / 1e3);
          expect(r.features.title_coverage).toBe(Math.round(f.title_coverage * 1e3) / 1e3);
          expect(r.features.exact_match).toBe(f.exact_match);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50_000);
  });

  it("behavioural features are recomputed from the log alone (the user's earlier sessions and the titles), never from hidden state", () => {
    // Replay the log the way a real logger would see it: per user, the clicks of earlier sessions.
    const clicks = new Map<string, Map<string, number>>();
    const bags = new Map<string, Map<string, number>>();
    const tfidf = (title: string): Map<string, number> => {
      const v = new Map<string, number>();
      for (const [token, tf] of prepareTitle(title).tf) v.set(token, tf * idf(world.textStats, token));
      return v;
    };
    const norm = (v: Map<string, number>): number => Math.sqrt([...v.values()].reduce((a, w) => a + w * w, 0));
    let nonZero = 0;
    let rows = 0;
    for (const s of logged) {
      const userClicks = clicks.get(s.user_id) ?? new Map<string, number>();
      const bag = bags.get(s.user_id) ?? new Map<string, number>();
      const bagNorm = norm(bag);
      for (const ev of s.events) {
        for (const r of ev.results) {
          expect(r.features.user_item_clicks).toBe(userClicks.get(r.item_id) ?? 0);
          const v = tfidf(r.title);
          let dot = 0;
          for (const [token, w] of v) dot += w * (bag.get(token) ?? 0);
          const expected = bagNorm === 0 ? 0 : dot / (norm(v) * bagNorm);
          expect(r.features.user_title_affinity).toBeCloseTo(Math.round(expected * 1e4) / 1e4, 3);
          if (r.features.user_title_affinity! > 0) nonZero++;
          rows++;
        }
      }
      // This session's clicks count from the user's next session on.
      for (const ev of s.events) {
        for (const r of ev.results.filter((x) => x.click)) {
          userClicks.set(r.item_id, (userClicks.get(r.item_id) ?? 0) + 1);
          const v = tfidf(r.title);
          const n = norm(v);
          for (const [token, w] of v) bag.set(token, (bag.get(token) ?? 0) + w / n);
        }
      }
      clicks.set(s.user_id, userClicks);
      bags.set(s.user_id, bag);
    }
    expect(nonZero).toBeGreaterThan(rows / 3);
  });

  it('items with the same title and the same history get the same non-text features in a turn', () => {
    // Titles repeat across topics only by chance; where they do, hidden topics must not show through.
    let pairs = 0;
    for (const s of logged) {
      for (const ev of s.events) {
        const seen = new Map<string, Result>();
        for (const r of ev.results) {
          const twin = seen.get(r.title);
          if (twin && r.features.user_item_clicks === 0 && twin.features.user_item_clicks === 0) {
            expect(r.features.user_title_affinity).toBe(twin.features.user_title_affinity);
            expect(r.features.bm25).toBe(twin.features.bm25);
            pairs++;
          }
          seen.set(r.title, r);
        }
      }
    }
    expect(pairs).toBeGreaterThan(0);
  });
});

describe('sessions: refinements, switches and returns', () => {
  it('switches and returns change the topic; refinements keep it', () => {
    expect(of((t) => t.truth.kind === 'switch').length).toBeGreaterThan(turns.length / 5);
    expect(of((t) => t.truth.kind === 'refine').length).toBeGreaterThan(turns.length / 4);
    expect(of((t) => t.truth.kind === 'return').length).toBeGreaterThan(turns.length / 20);
    for (const t of turns) {
      if (t.truth.kind === 'first') expect(t.prevTopic).toBeNull();
      else if (t.truth.kind === 'refine') expect(t.truth.topic).toBe(t.prevTopic);
      else expect(t.truth.topic).not.toBe(t.prevTopic);
    }
  });

  it("right after a switch the previous topic's items are shown and are wrong", () => {
    const switches = of((t) => t.truth.kind === 'switch');
    let withStale = 0;
    for (const t of switches) {
      const stale = t.rows.filter((r) => r.topic === t.prevTopic);
      if (stale.length > 0) withStale++;
      for (const r of stale) expect(r.grade).toBe(0);
    }
    expect(withStale / switches.length).toBeGreaterThan(0.9);
  });

  it('about a fifth of the turns are ambiguous: intent-only follow-ups and shared short forms, also on returns', () => {
    const ambiguous = of((t) => t.truth.ambiguous);
    expect(ambiguous.length / turns.length).toBeGreaterThan(0.12);
    expect(ambiguous.length / turns.length).toBeLessThan(0.3);
    expect(ambiguous.every((t) => t.truth.kind === 'refine' || t.truth.kind === 'return')).toBe(true);
    expect(ambiguous.some((t) => t.truth.kind === 'return')).toBe(true);
    const follow = of((t) => t.truth.form === 'follow');
    expect(follow.length / of((t) => t.truth.kind === 'refine').length).toBeGreaterThan(0.3);
    // Other readings of the query are retrieved and are wrong.
    const otherReadings = ambiguous.flatMap((t) =>
      t.rows.filter((r) => r.topic !== t.truth.topic && r.topic !== t.prevTopic),
    );
    expect(otherReadings.length).toBeGreaterThan(2 * ambiguous.length);
    for (const r of otherReadings) expect(r.grade).toBe(0);
  });
});

describe('history carries what the features do not', () => {
  /** How many of the session's earlier query tokens a candidate's title contains: the history, read as text. */
  const historyOverlap =
    (t: Turn) =>
    (r: Row): number => {
      const earlier = new Set(t.earlierQueries.flatMap((q) => tokenize(q)));
      return tokenize(r.title).filter((x) => earlier.has(x)).length;
    };

  it('on ambiguous follow-ups the text features cannot tell the readings apart; the earlier queries can', () => {
    const ambiguous = of((t) => t.truth.ambiguous && t.truth.kind === 'refine');
    const text = ndcg(ambiguous, byFeature('title_coverage'));
    const withHistory = mean(
      ambiguous.map((t) => ndcgBy(t, (r) => r.features.title_coverage! + 0.5 * historyOverlap(t)(r))),
    );
    expect(withHistory).toBeGreaterThan(text + 0.1);
    // Where the query names its topic, the same history term adds little.
    const plain = of((t) => !t.truth.ambiguous && t.truth.kind === 'refine');
    const plainGain =
      mean(plain.map((t) => ndcgBy(t, (r) => r.features.title_coverage! + 0.5 * historyOverlap(t)(r)))) -
      ndcg(plain, byFeature('title_coverage'));
    expect(withHistory - text).toBeGreaterThan(plainGain + 0.05);
  });

  it('after a switch the earlier queries point at the wrong topic', () => {
    const after = of((t) => t.truth.kind === 'switch');
    const historyOnly = mean(after.map((t) => ndcgBy(t, historyOverlap(t))));
    expect(ndcg(after, byFeature('bm25'))).toBeGreaterThan(historyOnly + 0.2);
  });

  it('leaves headroom: no single feature is near perfect', () => {
    for (const f of Object.keys(turns[0]!.rows[0]!.features)) {
      expect(ndcg(turns, byFeature(f)), f).toBeLessThan(0.85);
    }
  });
});
