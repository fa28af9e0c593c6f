// A deterministic, very long session (default 2,000 events) in session-log JSONL v1, for the
// timeline's readability test (e2e) and draw-time figure (bench group `ui`). Topics change every few
// turns (query switches), queries are refined and repeated in between, about a third of the turns
// get one or two clicks with a dwell, ~10 results each with the demo's twelve feature names.
//   node test/e2e/long-session.ts OUT.jsonl [events]
import { writeFileSync } from 'node:fs';
import { Rng } from '../../src-common/prng.ts';

export const LONG_SESSION_ID = 'zz-long-session-2000';

const TOPICS = [
  'trail running shoes',
  'espresso grinder',
  'sourdough starter',
  'kyoto travel itinerary',
  'rust borrow checker',
  'tomato blight',
  'cat litter',
  'index fund fees',
  'black hole images',
  'jazz piano voicings',
  'mechanical keyboard switches',
  'bathroom tile grout',
];
const INTENTS = ['best', 'review', 'cheap', 'guide', 'compare', 'how to fix', 'for beginners'];
const FEATURES = [
  'bm25',
  'title_coverage',
  'exact_match',
  'semantic_sim',
  'item_ctr',
  'log_popularity',
  'freshness',
  'title_len',
  'user_item_clicks',
  'user_topic_affinity',
  'session_topic_sim',
  'recent_click_sim',
];

export function longSessionLine(
  events = 2000,
  sessionId = LONG_SESSION_ID,
  seed = 2000,
  resultsPerEvent = 10,
  lastEventResults = resultsPerEvent,
): string {
  const rng = new Rng(seed);
  const rnd = () => rng.next();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  let t = Date.parse('2026-05-04T08:00:00.000Z');
  let topic = pick(TOPICS);
  let query = topic;
  const out = [];
  for (let e = 0; e < events; e++) {
    if (e > 0) {
      const r = rnd();
      if (r < 0.2) {
        let next = pick(TOPICS);
        while (next === topic) next = pick(TOPICS);
        topic = next;
        query = rnd() < 0.5 ? topic : `${pick(INTENTS)} ${topic}`;
      } else if (r < 0.85) {
        query = `${pick(INTENTS)} ${topic}`;
      } // else: the same query again (repeat)
    }
    const clickAt = rnd() < 0.35 ? 1 + Math.floor(rnd() * 10) : 0;
    const clickAt2 = clickAt && rnd() < 0.25 ? 1 + Math.floor(rnd() * 10) : 0;
    const tk = TOPICS.indexOf(topic);
    const results = Array.from({ length: e === events - 1 ? lastEventResults : resultsPerEvent }, (_, k) => {
      const position = k + 1;
      const features = Object.fromEntries(FEATURES.map((f) => [f, Math.round(rnd() * 1000) / 100]));
      const click = position === clickAt || position === clickAt2;
      return {
        item_id: `lt${tk}-${Math.floor(rnd() * 40)}-${k}`,
        title: `${topic} result ${position}`,
        position,
        features,
        ...(click ? { click: true, dwell_ms: Math.floor(2000 + rnd() * 88_000) } : {}),
      };
    });
    out.push({ ts: new Date(t).toISOString(), query, results });
    t += Math.floor(5_000 + rnd() * 85_000);
  }
  return JSON.stringify({ v: 1, session_id: sessionId, user_id: 'u-long', events: out });
}

export function writeLongSession(path: string, events = 2000): void {
  writeFileSync(path, longSessionLine(events) + '\n');
}

/** For the counterfactual bench at the size: 600 events, the last with 100 results (turn 599: > 512 history steps, C = 100). */
export const WIDE_SESSION_ID = 'zz-wide-session-600';
export function writeWideSession(path: string): void {
  writeFileSync(path, longSessionLine(600, WIDE_SESSION_ID, 600, 10, 100) + '\n');
}

if (import.meta.main) {
  const [out, n] = process.argv.slice(2);
  if (!out) {
    console.error('usage: node test/e2e/long-session.ts OUT.jsonl [events]');
    process.exit(2);
  }
  writeLongSession(out, n ? Number(n) : 2000);
}
