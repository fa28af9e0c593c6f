// A small synthetic world for the counterfactual tests: a catalogue of titles (English and Chinese),
// sessions whose logged text features (bm25, title_coverage, exact_match) are written by the one
// feature module with the catalogue's corpus statistics — as the demo generator logs them — plus the
// other nine features the shipped models read, and a version 2 feature spec next to the log.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  prepareQuery,
  prepareTitle,
  textFeatures,
  textStatsFromTitles,
  textStatsToJson,
  type TextStats,
} from '../../../src-common/features.ts';
import { Rng } from '../../../src-common/prng.ts';

export const CATALOGUE: { id: string; title: string }[] = [
  { id: 'sd-setup', title: 'Steam deck setup tutorial' },
  { id: 'sd-review', title: 'Steam deck review after one year' },
  { id: 'switch-oled', title: 'Nintendo switch oled handheld console review' },
  { id: 'rog-ally', title: 'ROG ally handheld console benchmark' },
  { id: 'handheld-best', title: 'Best handheld gaming console 2026' },
  { id: 'dock', title: 'Docking station for handheld console' },
  { id: 'case', title: 'Carrying case for handheld consoles' },
  { id: 'sd-ssd', title: 'Upgrade the steam deck ssd' },
  { id: 'shoes-1', title: 'Trail running shoes review' },
  { id: 'shoes-2', title: 'Best road running shoes' },
  { id: 'zh-1', title: '跑步鞋推荐 2026' },
  { id: 'zh-2', title: '登山鞋 防水 测评' },
];

export const STATS: TextStats = textStatsFromTitles(CATALOGUE.map((c) => c.title));

export const TEXT = ['bm25', 'title_coverage', 'exact_match'] as const;
export const OTHER = [
  'semantic_sim',
  'item_ctr',
  'log_popularity',
  'freshness',
  'title_len',
  'user_item_clicks',
  'user_topic_affinity',
  'session_topic_sim',
  'recent_click_sim',
] as const;

export const GROUPS = [
  { name: 'text_match', features: ['bm25', 'title_coverage', 'exact_match', 'semantic_sim'] },
  { name: 'statistical', features: ['item_ctr', 'log_popularity', 'freshness', 'title_len'] },
  {
    name: 'behavioural',
    features: ['user_item_clicks', 'user_topic_affinity', 'session_topic_sim', 'recent_click_sim'],
  },
];

/** The spec of this world: the three text features recomputable, semantic_sim query-dependent but logged. */
export function specJson(stats: TextStats = STATS): Record<string, unknown> {
  return {
    version: 2,
    groups: GROUPS,
    queryDependence: {
      bm25: 'qgs-text-v1',
      title_coverage: 'qgs-text-v1',
      exact_match: 'qgs-text-v1',
      semantic_sim: 'logged',
    },
    textStats: textStatsToJson(stats),
  };
}

/** Logged features of one result: text ones from the feature module, the rest seeded noise. */
export function loggedFeatures(query: string, title: string, rng: Rng): Record<string, number> {
  const text = textFeatures(STATS, prepareQuery(query), prepareTitle(title));
  return {
    ...text,
    semantic_sim: rng.uniform(0.2, 0.6),
    item_ctr: rng.uniform(0.02, 0.08),
    log_popularity: rng.uniform(2, 4),
    freshness: rng.uniform(0.3, 0.7),
    title_len: prepareTitle(title).len,
    user_item_clicks: 0,
    user_topic_affinity: rng.uniform(0.1, 0.3),
    session_topic_sim: rng.uniform(0.1, 0.3),
    recent_click_sim: rng.uniform(0.1, 0.3),
  };
}

export const TURNS: { query: string; results: string[]; click?: string }[] = [
  { query: 'handheld console', results: ['switch-oled', 'rog-ally', 'handheld-best', 'sd-review'], click: 'sd-review' },
  {
    query: 'handheld console review',
    results: ['switch-oled', 'handheld-best', 'rog-ally', 'dock', 'case', 'sd-setup', 'sd-ssd', 'sd-review'],
  },
  { query: '跑步鞋', results: ['zh-1', 'zh-2', 'shoes-1', 'shoes-2'] },
];

/** Writes the world's log (one session, the turns above) and spec into `dir`. */
export function writeWorld(dir: string): { log: string; spec: string; turnId: (i: number) => string } {
  const rng = new Rng(13);
  const title = new Map(CATALOGUE.map((c) => [c.id, c.title]));
  const events = TURNS.map((t, i) => ({
    ts: new Date(Date.UTC(2026, 2, 1, 9, i)).toISOString().replace('.000Z', 'Z'),
    query: t.query,
    results: t.results.map((id, r) => ({
      item_id: id,
      title: title.get(id)!,
      position: r + 1,
      features: loggedFeatures(t.query, title.get(id)!, rng),
      ...(t.click === id ? { click: true, dwell_ms: 40_000 } : {}),
    })),
  }));
  const log = join(dir, 'world.jsonl');
  writeFileSync(log, JSON.stringify({ v: 1, session_id: 'w1', user_id: 'u1', split: 'test', events }) + '\n');
  const spec = join(dir, 'features.json');
  writeFileSync(spec, JSON.stringify(specJson()));
  return { log, spec, turnId: (i) => `w1#${i}` };
}
