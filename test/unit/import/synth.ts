// Tiny deterministic session-log line maker for tests and the store bench (independent of the
// demo generator, so importer tests do not depend on its realism or its speed).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const SYNTH_FEATURES = [
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
const TOPICS = [
  'trail running shoes',
  'espresso machine',
  'python tutorial',
  '北京 天气',
  'used cars',
  'gardening tips',
  'mortgage rates',
  'jazz guitar chords',
];

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

export interface SynthOptions {
  sessions: number;
  turns?: number;
  results?: number;
  seed?: number;
  /** Session id prefix, to make different files with disjoint ids. */
  prefix?: string;
}

/** One v1 session object (as written to a line). */
export function synthSession(i: number, o: SynthOptions) {
  const r = rng((o.seed ?? 1) * 100_003 + i);
  const turns = o.turns ?? 5;
  const results = o.results ?? 10;
  const t0 = Date.UTC(2026, 2, 1) + i * 60_000;
  let topic = Math.floor(r() * TOPICS.length);
  const events = [];
  for (let t = 0; t < turns; t++) {
    if (t > 0 && r() < 0.3) topic = Math.floor(r() * TOPICS.length);
    const query = r() < 0.5 ? TOPICS[topic]! : `${TOPICS[topic]} ${['best', 'cheap', 'review', '2026'][t % 4]}`;
    events.push({
      ts: new Date(t0 + t * 5000).toISOString(),
      query,
      results: Array.from({ length: results }, (_, k) => {
        const click = r() < 0.2;
        return {
          item_id: `i${(topic * 1000 + Math.floor(r() * 500)).toString().padStart(5, '0')}-${k}`,
          title: `${TOPICS[topic]} result ${k}`,
          position: k + 1,
          features: Object.fromEntries(SYNTH_FEATURES.map((f) => [f, Math.round(r() * 1e6) / 1e4])),
          click,
          ...(click ? { dwell_ms: Math.floor(r() * 60_000) } : {}),
        };
      }),
    });
  }
  return {
    v: 1,
    session_id: `${o.prefix ?? 's'}${i.toString().padStart(7, '0')}`,
    user_id: `u${(i % 997).toString().padStart(4, '0')}`,
    split: (['train', 'valid', 'test'] as const)[i % 3],
    events,
  };
}

export async function writeSynthLog(path: string, o: SynthOptions): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < o.sessions; i++) {
    if (!out.write(JSON.stringify(synthSession(i, o)) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
