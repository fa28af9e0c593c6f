// The generative story behind the demo data: what a model can and cannot learn from it.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-common/prng.ts';
import { generateSessions, type GeneratedSession, type TurnTruth } from '../../../src-backend/data/demo/sessions.ts';
import { buildWorld } from '../../../src-backend/data/demo/world.ts';

const world = buildWorld(5);
const generated: GeneratedSession[] = [...generateSessions(world, 5, 1500)];

interface Row {
  features: Record<string, number>;
  grade: number;
  topic: number;
}
interface Turn {
  truth: TurnTruth;
  prevTopic: number | null;
  rows: Row[];
}
const turns: Turn[] = generated.flatMap((s) => {
  const parsed = JSON.parse(s.line) as {
    events: { results: { item_id: string; features: Record<string, number> }[] }[];
  };
  return s.turns.map((truth, e) => {
    const results = parsed.events[e]!.results;
    expect(results.map((r) => r.item_id)).toEqual(truth.itemIds);
    return {
      truth,
      prevTopic: e > 0 ? s.turns[e - 1]!.topic : null,
      rows: results.map((r, i) => ({ features: r.features, grade: truth.grades[i]!, topic: truth.itemTopics[i]! })),
    };
  });
});
const of = (pred: (t: Turn) => boolean): Turn[] => turns.filter(pred);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** NDCG@10 of ordering a turn's candidates by one feature (ties broken against the ideal order). */
function ndcgBy(turn: Turn, feature: string): number {
  const gain = (g: number): number => 2 ** g - 1;
  const dcg = (grades: number[]): number => grades.slice(0, 10).reduce((a, g, i) => a + gain(g) / Math.log2(i + 2), 0);
  const ranked = [...turn.rows].sort((a, b) => b.features[feature]! - a.features[feature]! || a.grade - b.grade);
  const ideal = dcg(turn.rows.map((r) => r.grade).sort((a, b) => b - a));
  return ideal > 0 ? dcg(ranked.map((r) => r.grade)) / ideal : 1;
}

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

describe('sessions: refinements and switches', () => {
  it('switches and returns change the topic; refinements keep it', () => {
    expect(of((t) => t.truth.kind === 'switch').length).toBeGreaterThan(turns.length / 5);
    expect(of((t) => t.truth.kind === 'refine').length).toBeGreaterThan(turns.length / 4);
    expect(of((t) => t.truth.kind === 'return').length).toBeGreaterThan(0);
    for (const t of turns) {
      if (t.truth.kind === 'first') expect(t.prevTopic).toBeNull();
      else if (t.truth.kind === 'refine') expect(t.truth.topic).toBe(t.prevTopic);
      else expect(t.truth.topic).not.toBe(t.prevTopic);
    }
  });

  it("right after a switch the previous topic's items are shown, are wrong, and history features favour them", () => {
    const switches = of((t) => t.truth.kind === 'switch');
    let withStale = 0;
    const staleSim: number[] = [];
    const currentSim: number[] = [];
    for (const t of switches) {
      const stale = t.rows.filter((r) => r.topic === t.prevTopic);
      if (stale.length > 0) withStale++;
      for (const r of stale) expect(r.grade).toBe(0);
      staleSim.push(...stale.map((r) => r.features.session_topic_sim!));
      currentSim.push(...t.rows.filter((r) => r.topic === t.truth.topic).map((r) => r.features.session_topic_sim!));
    }
    expect(withStale / switches.length).toBeGreaterThan(0.9);
    expect(mean(staleSim)).toBeGreaterThan(mean(currentSim) + 0.2);
  });

  it('has ambiguous follow-up queries that only the session context resolves', () => {
    const ambiguous = of((t) => t.truth.ambiguous);
    expect(ambiguous.length).toBeGreaterThan(turns.length / 20);
    expect(ambiguous.every((t) => t.truth.kind === 'refine')).toBe(true);
    expect(of((t) => t.truth.form === 'follow').length).toBeGreaterThan(0);
    // Other readings of the query are retrieved and are wrong.
    const otherReadings = ambiguous.flatMap((t) =>
      t.rows.filter((r) => r.topic !== t.truth.topic && r.topic !== t.prevTopic),
    );
    expect(otherReadings.length).toBeGreaterThan(ambiguous.length);
  });

  it('query conditioning matters: history misleads after a switch, text misleads on ambiguous turns', () => {
    const after = of((t) => t.truth.kind === 'switch' || t.truth.kind === 'return');
    const ambiguous = of((t) => t.truth.ambiguous);
    const continuation = of((t) => t.truth.kind === 'refine');
    const ndcg = (ts: Turn[], f: string): number => mean(ts.map((t) => ndcgBy(t, f)));
    // After a switch the query's text finds the new topic; the session's history points back.
    expect(ndcg(after, 'bm25')).toBeGreaterThan(ndcg(after, 'session_topic_sim') + 0.3);
    expect(ndcg(after, 'semantic_sim')).toBeGreaterThan(ndcg(after, 'recent_click_sim') + 0.3);
    // On an ambiguous follow-up ("review", "手机") the history knows what the text cannot.
    expect(ndcg(ambiguous, 'session_topic_sim')).toBeGreaterThan(ndcg(ambiguous, 'bm25') + 0.15);
    // Within a topic, history is a strong signal on its own.
    expect(ndcg(continuation, 'session_topic_sim')).toBeGreaterThan(ndcg(after, 'session_topic_sim') + 0.3);
  });
});
