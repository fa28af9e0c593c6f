// The demo world: topics (one per subject of a domain) with latent vectors, and a pool of items
// per topic with titles, static quality signals and each title prepared once for the one feature
// module (src-common/features.ts), whose corpus statistics are those of the whole item collection.
// Built once per seed (~12k items, a few MB); sessions are streamed on top of it.

import {
  idf as tokenIdf,
  prepareTitle,
  textStatsFromTitles,
  type PreparedTitle,
  type TextStats,
} from '../../../src-common/features.ts';
import { Rng } from '../../../src-common/prng.ts';
import { DOMAINS, type DomainDef } from './vocab.ts';

export const DIM = 16;
/** Items per (topic, aspect) with titles built from the aspect's templates. */
const ITEMS_PER_ASPECT = 6;
/** Extra items per topic whose title paraphrases (no query words): relevant but BM25-blind. */
const VAGUE_ITEMS_PER_TOPIC = 4;

export interface Topic {
  index: number;
  domain: number;
  subject: string;
  /** What people type for it once the context is clear ("running shoes"); null when none. */
  short: string | null;
  lang: 'en' | 'zh';
  vec: Float64Array;
  /** Item indices; itemsByAspect[a] are the items written for aspect a. */
  items: number[];
  itemsByAspect: number[][];
}

export interface Item {
  index: number;
  id: string;
  topic: number;
  aspect: number;
  title: string;
  /** `{"item_id":"…","title":"…"` — the JSON prefix of every result row for this item. */
  jsonHead: string;
  quality: number; // 0..1, drives graded relevance and the statistical signals
  ctr: number;
  logPopularity: number;
  freshness: number;
  titleLen: number;
  /** The four statistical features as JSON members: they never change, so they are formatted once. */
  statsJson: string;
  vec: Float64Array;
  /** The title tokenized once for the text features (src-common/features.ts). */
  prepared: PreparedTitle;
  /** The title's tokens weighted by tf·idf, and that vector's length: for title-to-title similarity. */
  tfidf: Map<string, number>;
  tfidfNorm: number;
}

export interface World {
  topics: Topic[];
  items: Item[];
  domains: readonly DomainDef[];
  topicsByDomain: number[][];
  /** aspectVecs[domain][aspect]: the direction an intent moves a query or an item. */
  aspectVecs: Float64Array[][];
  /** Corpus statistics of every item title: what BM25 was logged with (features.json's textStats). */
  textStats: TextStats;
}

export function randomUnit(rng: Rng): Float64Array {
  const v = new Float64Array(DIM);
  for (let i = 0; i < DIM; i++) v[i] = rng.normal();
  return normalise(v);
}

export function normalise(v: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / n;
  return v;
}

/** a·wa + b·wb, normalised (a new vector). */
export function mix(a: Float64Array, wa: number, b: Float64Array, wb: number): Float64Array {
  const v = new Float64Array(DIM);
  for (let i = 0; i < DIM; i++) v[i] = wa * a[i]! + wb * b[i]!;
  return normalise(v);
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < DIM; i++) s += a[i]! * b[i]!;
  return s;
}

export function fill(template: string, parts: { s: string; b: string; b2: string; y: number; n: number }): string {
  return template
    .replace('{s}', parts.s)
    .replace('{b2}', parts.b2)
    .replace('{b}', parts.b)
    .replace('{y}', String(parts.y))
    .replace('{n}', String(parts.n));
}

export function twoBrands(rng: Rng, brands: readonly string[]): [string, string] {
  const [b, b2] = rng.sample(brands, 2);
  return [b ?? '', b2 ?? b ?? ''];
}

function capitalise(s: string): string {
  return s.length > 0 ? s[0]!.toUpperCase() + s.slice(1) : s;
}

export function buildWorld(seed: number): World {
  const rng = new Rng(seed, 1);
  const topics: Topic[] = [];
  const items: Item[] = [];
  const topicsByDomain: number[][] = [];
  const aspectVecs: Float64Array[][] = [];

  DOMAINS.forEach((domain, d) => {
    const domainVec = randomUnit(rng);
    aspectVecs.push(domain.aspects.map(() => randomUnit(rng)));
    const ids: number[] = [];
    for (const entry of domain.subjects) {
      const [subject = entry, short = null] = entry.split('|');
      const topic: Topic = {
        index: topics.length,
        domain: d,
        subject,
        short,
        lang: domain.lang,
        // Same-domain topics share a direction (cosine ≈ 0.35), so neighbours are plausible confusions.
        vec: mix(domainVec, 0.6, randomUnit(rng), 0.8),
        items: [],
        itemsByAspect: domain.aspects.map(() => []),
      };
      topics.push(topic);
      ids.push(topic.index);
      const nAspects = domain.aspects.length;
      const plan: Array<{ aspect: number; vague: boolean }> = [];
      for (let a = 0; a < nAspects; a++)
        for (let k = 0; k < ITEMS_PER_ASPECT; k++) plan.push({ aspect: a, vague: false });
      for (let k = 0; k < VAGUE_ITEMS_PER_TOPIC; k++) plan.push({ aspect: rng.int(0, nAspects - 1), vague: true });
      for (const { aspect, vague } of plan) {
        const aspectDef = domain.aspects[aspect]!;
        const [b, b2] = twoBrands(rng, domain.brands);
        // Titles name the subject in full, or now and then by its short form.
        const parts = {
          s: short !== null && rng.chance(0.2) ? short : subject,
          b,
          b2,
          y: rng.int(2021, 2026),
          n: rng.int(3, 15),
        };
        let title = capitalise(fill(vague ? rng.pick(domain.vague) : rng.pick(aspectDef.titles), parts));
        if (rng.chance(0.5)) {
          const source = rng.pick(domain.sources);
          title += domain.lang === 'zh' ? `_${source}` : rng.chance(0.5) ? ` - ${source}` : ` | ${source}`;
        }
        const quality = (rng.next() + rng.next() + rng.next()) / 3;
        const prepared = prepareTitle(title);
        const index = items.length;
        const id = `i${String(index).padStart(6, '0')}`;
        // Logged statistics are only loosely tied to quality: popular is not the same as relevant.
        const ctr = clamp(0.02 + 0.16 * quality + 0.04 * rng.normal(), 0.002, 0.6);
        const logPopularity = Math.log1p(Math.exp(4 + 1.5 * quality + 1.2 * rng.normal()));
        const freshness = Math.exp(-(-Math.log(1 - rng.next()) * 400) / 365);
        items.push({
          index,
          id,
          topic: topic.index,
          aspect,
          title,
          jsonHead: `{"item_id":${JSON.stringify(id)},"title":${JSON.stringify(title)}`,
          quality,
          ctr,
          logPopularity,
          freshness,
          titleLen: prepared.len,
          statsJson: `"item_ctr":${round(ctr, 1e4)},"log_popularity":${round(logPopularity, 1e3)},"freshness":${round(freshness, 1e4)},"title_len":${prepared.len}`,
          vec: mix(mix(topic.vec, 1, aspectVecs[d]![aspect]!, 0.35), 1, randomUnit(rng), 0.6),
          prepared,
          tfidf: new Map(),
          tfidfNorm: 0,
        });
        topic.items.push(index);
        topic.itemsByAspect[aspect]!.push(index);
      }
    }
    topicsByDomain.push(ids);
  });

  const textStats = textStatsFromTitles(items.map((item) => item.title));
  for (const item of items) {
    let norm = 0;
    for (const [token, tf] of item.prepared.tf) {
      const w = tf * tokenIdf(textStats, token);
      item.tfidf.set(token, w);
      norm += w * w;
    }
    item.tfidfNorm = Math.sqrt(norm);
  }
  return { topics, items, domains: DOMAINS, topicsByDomain, aspectVecs, textStats };
}

/** x rounded to 1/scale, as it is written in the log. */
export function round(x: number, scale: number): number {
  return Math.round(x * scale) / scale;
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
