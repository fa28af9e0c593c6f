// The one feature module (docs/features.md): how the query-dependent text-matching features are
// computed from a query and a result's title. The demo generator logs them with it and the backend
// recomputes them with it when a counterfactual edits the query, so an edited query moves these
// features exactly as a fresh log line would. trainer/features.py mirrors it; both are checked
// against test/fixtures/feature-vectors.json. Pure: runs in the backend, the renderer and the CLI.
import { tokenize } from './tokenizer.ts';

/** The features this module can compute from text, in the order they are usually logged. */
export const TEXT_FEATURES = ['bm25', 'title_coverage', 'exact_match'] as const;
export type TextFeature = (typeof TEXT_FEATURES)[number];
/** Version of the formulas below; a feature spec names it so a workspace knows what it can recompute. */
export const TEXT_FEATURES_VERSION = 'qgs-text-v1';

/** Okapi BM25 parameters (the classic defaults). */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/**
 * Corpus statistics BM25 needs: how many titles, their mean length in tokens, and in how many
 * titles each token occurs. They describe the collection the log was scored against, so they travel
 * with the log (the demo writes them next to the sessions), not recomputed from whatever subset of
 * items a workspace happens to hold.
 */
export interface TextStats {
  docs: number;
  avgLen: number;
  df: ReadonlyMap<string, number>;
}

/** JSON form of TextStats (`df` as an object; keys sorted so the file is byte-stable). */
export interface TextStatsJson {
  version: typeof TEXT_FEATURES_VERSION;
  docs: number;
  avgLen: number;
  df: Record<string, number>;
}

/** A query, tokenized once for scoring many titles. */
export interface PreparedQuery {
  /** Distinct tokens in first-seen order (BM25 and coverage count each query token once). */
  distinct: string[];
  /** Tokens joined by single spaces with a space at both ends, for phrase matching. */
  phrase: string;
}

/** A title, tokenized once. */
export interface PreparedTitle {
  tf: Map<string, number>;
  len: number;
  phrase: string;
}

export function prepareQuery(query: string): PreparedQuery {
  const tokens = tokenize(query);
  return { distinct: [...new Set(tokens)], phrase: ` ${tokens.join(' ')} ` };
}

export function prepareTitle(title: string): PreparedTitle {
  const tokens = tokenize(title);
  const tf = new Map<string, number>();
  for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
  return { tf, len: tokens.length, phrase: ` ${tokens.join(' ')} ` };
}

/** Statistics of a collection of titles (each title one document). */
export function textStatsFromTitles(titles: Iterable<string>): TextStats {
  const df = new Map<string, number>();
  let docs = 0;
  let total = 0;
  for (const title of titles) {
    const t = prepareTitle(title);
    docs++;
    total += t.len;
    for (const token of t.tf.keys()) df.set(token, (df.get(token) ?? 0) + 1);
  }
  return { docs, avgLen: docs > 0 ? total / docs : 0, df };
}

export function textStatsToJson(stats: TextStats): TextStatsJson {
  const df: Record<string, number> = {};
  for (const key of [...stats.df.keys()].sort()) df[key] = stats.df.get(key)!;
  return { version: TEXT_FEATURES_VERSION, docs: stats.docs, avgLen: stats.avgLen, df };
}

/** Parses TextStatsJson, naming the first thing that is wrong (`where` prefixes the field path). */
export function textStatsFromJson(value: unknown, where = 'textStats'): TextStats {
  const fail = (field: string, msg: string): never => {
    throw new Error(`${where}.${field}: ${msg}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: not an object`);
  const v = value as Record<string, unknown>;
  if (v['version'] !== TEXT_FEATURES_VERSION)
    fail('version', `expected ${JSON.stringify(TEXT_FEATURES_VERSION)}, got ${JSON.stringify(v['version'])}`);
  const docs = v['docs'];
  if (typeof docs !== 'number' || !Number.isInteger(docs) || docs < 1) fail('docs', 'must be an integer ≥ 1');
  const avgLen = v['avgLen'];
  if (typeof avgLen !== 'number' || !Number.isFinite(avgLen) || avgLen <= 0) fail('avgLen', 'must be a number > 0');
  const rawDf = v['df'];
  if (typeof rawDf !== 'object' || rawDf === null || Array.isArray(rawDf)) fail('df', 'must be an object');
  const df = new Map<string, number>();
  for (const [token, n] of Object.entries(rawDf as Record<string, unknown>)) {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > (docs as number))
      fail(`df[${JSON.stringify(token)}]`, `must be an integer in 1..docs`);
    df.set(token, n as number);
  }
  return { docs: docs as number, avgLen: avgLen as number, df };
}

/** BM25's IDF, Lucene's non-negative form: ln(1 + (N − df + 0.5) / (df + 0.5)); unseen tokens use df 0. */
export function idf(stats: TextStats, token: string): number {
  const f = stats.df.get(token) ?? 0;
  return Math.log(1 + (stats.docs - f + 0.5) / (f + 0.5));
}

/** Okapi BM25 (k1 1.2, b 0.75) of the query's distinct tokens against the title. */
export function bm25(stats: TextStats, q: PreparedQuery, t: PreparedTitle): number {
  const norm = BM25_K1 * (1 - BM25_B + (BM25_B * t.len) / stats.avgLen);
  let s = 0;
  for (const token of q.distinct) {
    const tf = t.tf.get(token);
    if (tf === undefined) continue;
    s += (idf(stats, token) * tf * (BM25_K1 + 1)) / (tf + norm);
  }
  return s;
}

/** Share of the query's distinct tokens that occur in the title (0 for an empty query). */
export function titleCoverage(q: PreparedQuery, t: PreparedTitle): number {
  if (q.distinct.length === 0) return 0;
  let covered = 0;
  for (const token of q.distinct) if (t.tf.has(token)) covered++;
  return covered / q.distinct.length;
}

/** 1 when the query's whole token sequence occurs in the title's, else 0 (0 for an empty query). */
export function exactMatch(q: PreparedQuery, t: PreparedTitle): number {
  return q.phrase.length > 2 && t.phrase.includes(q.phrase) ? 1 : 0;
}

/** Every text feature of one (query, title) pair. */
export function textFeatures(stats: TextStats, q: PreparedQuery, t: PreparedTitle): Record<TextFeature, number> {
  return { bm25: bm25(stats, q, t), title_coverage: titleCoverage(q, t), exact_match: exactMatch(q, t) };
}
